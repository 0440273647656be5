/**
 * ctx.ta (lib/core/indicators/bound.ts) against the independent reference loops of
 * ./reference-ta.ts on the real OHLCV fixtures, plus the adapter's guarantees: aligned to the
 * candles, NaN warm-up at the documented indices, non-finite input refused, inputs never
 * mutated, no lookahead (a value never changes when candles are appended), memoised.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadSeries } from '../../lib/backtest/load.js';
import type { Candles } from '../../lib/core/candle.js';
import { boundIndicators, IndicatorCache, type BoundIndicators } from '../../lib/core/indicators/index.js';
import { PermanentError } from '../../lib/errors.js';
import { assertSeriesClose, loadCandles, prefix, refAtr, refEma, refRsi } from './reference.js';
import {
  refAdx,
  refCci,
  refDonchian,
  refIchimoku,
  refKeltner,
  refMfi,
  refObv,
  refPsar,
  refSma,
  refStochastic,
  refStochRsi,
  refVwap,
  refWilliamsR,
  refWma,
} from './reference-ta.js';

const PAIRS = ['ADA', 'DASH', 'ETC', 'ETH', 'LTC', 'XLM'];
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/ohlcv/${name}`, import.meta.url));
const datasets: [string, Candles][] = PAIRS.map((p) => {
  const [series] = loadSeries(fixture(`${p}_BTC-5m.json`));
  return [`${p}_BTC-5m`, series!.candles];
});
// Many flat candles and repeated closes: exercises the flat-window conventions.
datasets.push(['GAPPY_BTC-1m', loadCandles('GAPPY_BTC-1m.first2000.json')]);

const REL = 1e-9;
const OSC = 100; // 0–100 oscillators: tolerance relative to their scale near 0

type Out = readonly (readonly [string, Float64Array])[];
/** Every member of BoundIndicators with typical arguments, each output named. */
const MEMBERS: readonly (readonly [string, (ta: BoundIndicators) => Out])[] = [
  ['sma', (ta) => [['sma', ta.sma(20)], ['sma hl2', ta.sma(7, 'hl2')]]],
  ['ema', (ta) => [['ema', ta.ema(20, 'hlc3')]]],
  ['wma', (ta) => [['wma', ta.wma(10)], ['wma ohlc4', ta.wma(4, 'ohlc4')]]],
  ['rsi', (ta) => [['rsi', ta.rsi(14, 'open')]]],
  ['atr', (ta) => [['atr', ta.atr(14)]]],
  ['bollinger', (ta) => Object.entries(ta.bollinger(20, 2)).map(([k, v]) => [`bb ${k}`, v] as const)],
  ['macd', (ta) => Object.entries(ta.macd(12, 26, 9)).map(([k, v]) => [`macd ${k}`, v] as const)],
  ['adx', (ta) => Object.entries(ta.adx(14)).map(([k, v]) => [`adx ${k}`, v] as const)],
  ['stochastic', (ta) => Object.entries(ta.stochastic(14, 3, 3)).map(([k, v]) => [`stoch ${k}`, v] as const)],
  ['stochRsi', (ta) => Object.entries(ta.stochRsi(14, 14, 3, 3)).map(([k, v]) => [`stochRsi ${k}`, v] as const)],
  ['cci', (ta) => [['cci', ta.cci(20)]]],
  ['mfi', (ta) => [['mfi', ta.mfi(14)]]],
  ['obv', (ta) => [['obv', ta.obv()]]],
  ['vwap', (ta) => [['vwap', ta.vwap()]]],
  ['psar', (ta) => [['psar', ta.psar(0.02, 0.2)]]],
  ['williamsR', (ta) => [['williamsR', ta.williamsR(14)]]],
  ['ichimoku', (ta) => Object.entries(ta.ichimoku(9, 26, 52, 26)).map(([k, v]) => [`ichimoku ${k}`, v] as const)],
  ['keltner', (ta) => Object.entries(ta.keltner(20, 10, 2)).map(([k, v]) => [`keltner ${k}`, v] as const)],
  ['donchian', (ta) => Object.entries(ta.donchian(20)).map(([k, v]) => [`donchian ${k}`, v] as const)],
];

const firstDefined = (xs: ArrayLike<number>): number => Array.prototype.findIndex.call(xs, (v: number) => !Number.isNaN(v));
const hl2 = (c: Candles): number[] => c.high.map((h, i) => (h + c.low[i]!) / 2);
const hlc3 = (c: Candles): number[] => c.high.map((h, i) => (h + c.low[i]! + c.close[i]!) / 3);
const ohlc4 = (c: Candles): number[] => c.high.map((h, i) => (c.open[i]! + h + c.low[i]! + c.close[i]!) / 4);

describe('ctx.ta equals the independent reference on real data', () => {
  for (const [name, c] of datasets) {
    const ta = boundIndicators(c);
    it(`${name}: SMA, WMA, EMA/RSI of other sources`, () => {
      for (const p of [1, 2, 20, 200]) assertSeriesClose(ta.sma(p), refSma(c.close, p), `SMA${p}`, REL);
      assertSeriesClose(ta.sma(7, 'hl2'), refSma(hl2(c), 7), 'SMA7 hl2', REL);
      assertSeriesClose(ta.sma(5, 'volume'), refSma(c.volume, 5), 'SMA5 volume', REL);
      for (const p of [1, 2, 10, 50]) assertSeriesClose(ta.wma(p), refWma(c.close, p), `WMA${p}`, REL);
      assertSeriesClose(ta.wma(4, 'ohlc4'), refWma(ohlc4(c), 4), 'WMA4 ohlc4', REL);
      assertSeriesClose(ta.ema(20, 'hlc3'), refEma(hlc3(c), 20), 'EMA20 hlc3', REL);
      assertSeriesClose(ta.rsi(14, 'open'), refRsi(c.open, 14), 'RSI14 open', REL, OSC);
      assertSeriesClose(ta.atr(14), refAtr(c, 14), 'ATR14', REL);
    });
    it(`${name}: ADX / +DI / −DI`, () => {
      for (const p of [2, 14, 30]) {
        const got = ta.adx(p);
        const want = refAdx(c, p);
        for (const k of ['adx', 'pdi', 'mdi'] as const) assertSeriesClose(got[k], want[k], `ADX${p} ${k}`, REL, OSC);
      }
    });
    it(`${name}: Stochastic, StochRSI, Williams %R`, () => {
      for (const [k, s, d] of [[14, 3, 3], [5, 1, 3], [1, 1, 1]] as const) {
        const got = ta.stochastic(k, s, d);
        const want = refStochastic(c, k, s, d);
        assertSeriesClose(got.k, want.k, `Stoch${k},${s},${d} k`, REL, OSC);
        assertSeriesClose(got.d, want.d, `Stoch${k},${s},${d} d`, REL, OSC);
      }
      for (const [r, st, k, d] of [[14, 14, 3, 3], [3, 5, 1, 2]] as const) {
        const got = ta.stochRsi(r, st, k, d);
        const want = refStochRsi(c.close, r, st, k, d);
        assertSeriesClose(got.k, want.k, `StochRSI k`, REL, OSC);
        assertSeriesClose(got.d, want.d, `StochRSI d`, REL, OSC);
      }
      for (const p of [1, 14, 50]) assertSeriesClose(ta.williamsR(p), refWilliamsR(c, p), `%R${p}`, REL, OSC);
    });
    it(`${name}: CCI, MFI, OBV, VWAP`, () => {
      for (const p of [2, 20]) assertSeriesClose(ta.cci(p), refCci(c, p), `CCI${p}`, REL, OSC);
      for (const p of [1, 14]) assertSeriesClose(ta.mfi(p), refMfi(c, p), `MFI${p}`, REL, OSC);
      const maxVolume = Math.max(...c.volume);
      assertSeriesClose(ta.obv(), refObv(c), 'OBV', REL, maxVolume);
      assertSeriesClose(ta.vwap(), refVwap(c), 'VWAP', REL);
    });
    it(`${name}: Parabolic SAR, Ichimoku, Keltner, Donchian`, () => {
      for (const [s, m] of [[0.02, 0.2], [0.01, 0.1], [0.05, 0.05]] as const) {
        assertSeriesClose(ta.psar(s, m), refPsar(c, s, m), `PSAR${s},${m}`, REL);
      }
      for (const [a, b, sb, d] of [[9, 26, 52, 26], [5, 10, 20, 0]] as const) {
        const got = ta.ichimoku(a, b, sb, d);
        const want = refIchimoku(c, a, b, sb, d);
        for (const k of ['conversion', 'base', 'spanA', 'spanB'] as const) assertSeriesClose(got[k], want[k], `Ichimoku ${k}`, REL);
      }
      for (const [p, ap, k] of [[20, 10, 2], [5, 30, 1.5]] as const) {
        const got = ta.keltner(p, ap, k);
        const want = refKeltner(c, p, ap, k);
        for (const b of ['upper', 'middle', 'lower'] as const) assertSeriesClose(got[b], want[b], `Keltner ${b}`, REL);
      }
      for (const p of [1, 20, 55]) {
        const got = ta.donchian(p);
        const want = refDonchian(c, p);
        for (const b of ['upper', 'middle', 'lower'] as const) assertSeriesClose(got[b], want[b], `Donchian ${b}`, REL);
      }
    });
  }
});

describe('ctx.ta warm-up and alignment', () => {
  const eth = datasets.find(([n]) => n === 'ETH_BTC-5m')![1];
  it('first defined index is the documented one (docs/indicators.md)', () => {
    const ta = boundIndicators(eth);
    const first = (a: Float64Array): number => firstDefined(a);
    const expected: [string, number, number][] = [
      ['sma(20)', first(ta.sma(20)), 19],
      ['wma(10)', first(ta.wma(10)), 9],
      ['adx(14).pdi', first(ta.adx(14).pdi), 14],
      ['adx(14).adx', first(ta.adx(14).adx), 27],
      ['stochastic(14,3,3).k', first(ta.stochastic(14, 3, 3).k), 15],
      ['stochastic(14,3,3).d', first(ta.stochastic(14, 3, 3).d), 17],
      ['stochRsi(14,14,3,3).k', first(ta.stochRsi(14, 14, 3, 3).k), 29],
      ['stochRsi(14,14,3,3).d', first(ta.stochRsi(14, 14, 3, 3).d), 31],
      ['cci(20)', first(ta.cci(20)), 19],
      ['mfi(14)', first(ta.mfi(14)), 14],
      ['obv()', first(ta.obv()), 1],
      ['psar', first(ta.psar(0.02, 0.2)), 1],
      ['williamsR(14)', first(ta.williamsR(14)), 13],
      ['ichimoku conversion', first(ta.ichimoku(9, 26, 52, 26).conversion), 8],
      ['ichimoku base', first(ta.ichimoku(9, 26, 52, 26).base), 25],
      ['ichimoku spanA', first(ta.ichimoku(9, 26, 52, 26).spanA), 25 + 26],
      ['ichimoku spanB', first(ta.ichimoku(9, 26, 52, 26).spanB), 51 + 26],
      ['keltner(20,10,2)', first(ta.keltner(20, 10, 2).middle), 19],
      ['keltner(5,30,1)', first(ta.keltner(5, 30, 1).upper), 30],
      ['donchian(20)', first(ta.donchian(20).lower), 19],
    ];
    for (const [label, got, want] of expected) assert.equal(got, want, label);
    // VWAP: ETH starts at 04:55 UTC, so its first day is warm-up; defined from the next 00:00 UTC.
    const v = ta.vwap();
    const f = firstDefined(v);
    assert.equal(new Date(eth.time[f]!).toISOString().slice(11), '00:00:00.000Z');
    assert.ok(f > 0 && new Date(eth.time[f - 1]!).getUTCDate() !== new Date(eth.time[f]!).getUTCDate());
  });

  it('every output is a Float64Array of the candles length, all NaN when too short, none NaN after warm-up', () => {
    for (const n of [0, 1, 3, 12]) {
      const c = prefix(eth, n);
      for (const [member, run] of MEMBERS) {
        for (const [label, values] of run(boundIndicators(c))) {
          assert.ok(values instanceof Float64Array, `${member} ${label}`);
          assert.equal(values.length, n, `${member} ${label} n=${n}`);
          if (n <= 3 && member !== 'obv' && member !== 'psar' && member !== 'vwap' && !label.includes('conversion')) {
            assert.ok(values.every((v) => Number.isNaN(v)), `${member} ${label} n=${n}: all NaN`);
          }
        }
      }
    }
    for (const [name, c] of datasets) {
      for (const [member, run] of MEMBERS) {
        for (const [label, values] of run(boundIndicators(c))) {
          assert.equal(values.length, c.close.length, `${name} ${label}`);
          const f = firstDefined(values);
          assert.ok(f >= 0, `${name} ${label}: defined somewhere`);
          for (let i = f; i < values.length; i++) assert.ok(Number.isFinite(values[i]!), `${name} ${member} ${label}[${i}]`);
        }
      }
    }
  });
});

describe('ctx.ta input handling', () => {
  const eth = prefix(datasets.find(([n]) => n === 'ETH_BTC-5m')![1], 400);
  const columns = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
  const readsColumn = (member: string, col: (typeof columns)[number], c: Candles): boolean => {
    // Does the member's output change when this column changes? Then it must also refuse a bad value there.
    const changed = { ...c, [col]: c[col].map((v) => v * 1.5 + 1) };
    const a = MEMBERS.find(([m]) => m === member)![1](boundIndicators(c));
    const b = MEMBERS.find(([m]) => m === member)![1](boundIndicators(changed));
    return a.some(([, x], k) => x.some((v, i) => !Object.is(v, b[k]![1][i])));
  };

  it('a non-finite value in any column an indicator reads is refused (PermanentError INDICATOR_INPUT)', () => {
    let checked = 0;
    for (const [member, run] of MEMBERS) {
      for (const col of columns) {
        if (!readsColumn(member, col, eth)) continue;
        for (const bad of [NaN, Infinity, -Infinity]) {
          const c = { ...eth, [col]: eth[col].map((v, i) => (i === 123 ? bad : v)) };
          assert.throws(
            () => run(boundIndicators(c)),
            (e: unknown) => e instanceof PermanentError && e.code === 'INDICATOR_INPUT' && /123|finite/.test(e.message),
            `${member} with ${col}[123] = ${bad}`,
          );
          checked++;
        }
      }
    }
    assert.ok(checked >= 19 * 3, `checked ${checked} member/column pairs`);
  });

  it('bad arguments are refused with INDICATOR_INPUT', () => {
    const ta = boundIndicators(eth);
    const bad: [string, () => unknown][] = [
      ['sma(0)', () => ta.sma(0)],
      ['wma(2.5)', () => ta.wma(2.5)],
      ['sma bad source', () => ta.sma(5, 'median' as never)],
      ['adx(0)', () => ta.adx(0)],
      ['stochastic(14,0,3)', () => ta.stochastic(14, 0, 3)],
      ['stochRsi(0,14,3,3)', () => ta.stochRsi(0, 14, 3, 3)],
      ['cci(-1)', () => ta.cci(-1)],
      ['mfi(NaN)', () => ta.mfi(NaN)],
      ['psar(0, 0.2)', () => ta.psar(0, 0.2)],
      ['psar(0.02, 0.01)', () => ta.psar(0.02, 0.01)],
      ['psar(Infinity)', () => ta.psar(Infinity, Infinity)],
      ['williamsR(0)', () => ta.williamsR(0)],
      ['ichimoku displacement -1', () => ta.ichimoku(9, 26, 52, -1)],
      ['keltner k -1', () => ta.keltner(20, 10, -1)],
      ['donchian(0)', () => ta.donchian(0)],
    ];
    for (const [label, call] of bad) {
      assert.throws(call, (e: unknown) => e instanceof PermanentError && e.code === 'INDICATOR_INPUT', label);
    }
  });

  it('never mutates the candles, and technicalindicators’ global precision setting changes nothing', async () => {
    const ti = await import('technicalindicators');
    const copy = JSON.parse(JSON.stringify(eth)) as Candles;
    const before = MEMBERS.flatMap(([, run]) => run(boundIndicators(eth)).map(([, v]) => Array.from(v)));
    assert.deepEqual(eth, copy);
    ti.setConfig('precision', 2);
    try {
      const after = MEMBERS.flatMap(([, run]) => run(boundIndicators(eth)).map(([, v]) => Array.from(v)));
      assert.deepEqual(after, before);
    } finally {
      ti.setConfig('precision', undefined);
    }
    assert.deepEqual(eth, copy);
  });
});

describe('flat windows read neutral, not a fake extreme (documented convention)', () => {
  // 40 flat candles (no range, no volume) starting at 00:00 UTC, then a real stretch of ETH.
  const eth = datasets.find(([n]) => n === 'ETH_BTC-5m')![1];
  const flatN = 40;
  const t0 = 1_700_006_400_000; // 2023-11-15T00:00:00Z
  const level = 0.05;
  const c: Candles = {
    time: Array.from({ length: flatN + 300 }, (_, i) => t0 + i * 300_000),
    open: [...new Array<number>(flatN).fill(level), ...eth.open.slice(1000, 1300)],
    high: [...new Array<number>(flatN).fill(level), ...eth.high.slice(1000, 1300)],
    low: [...new Array<number>(flatN).fill(level), ...eth.low.slice(1000, 1300)],
    close: [...new Array<number>(flatN).fill(level), ...eth.close.slice(1000, 1300)],
    volume: [...new Array<number>(flatN).fill(0), ...eth.volume.slice(1000, 1300)],
  };
  const ta = boundIndicators(c);
  const at = (a: Float64Array, i: number): number => a[i]!;
  it('Stochastic 50, StochRSI 50, Williams %R −50, CCI 0, MFI 50, ADX/DI 0, VWAP = price, SMA/WMA exactly the level', () => {
    assert.equal(at(ta.stochastic(14, 3, 3).d, 30), 50);
    assert.equal(at(ta.stochRsi(5, 5, 3, 3).d, 30), 50);
    assert.equal(at(ta.williamsR(14), 30), -50);
    assert.equal(at(ta.cci(20), 30), 0);
    assert.equal(at(ta.mfi(14), 30), 50);
    const d = ta.adx(5);
    assert.deepEqual([at(d.pdi, 30), at(d.mdi, 30), at(d.adx, 30)], [0, 0, 0]);
    assert.equal(at(ta.vwap(), 30), level);
    assert.equal(at(ta.sma(20), 30), level);
    assert.equal(at(ta.wma(20), 30), level);
    // …and the series stay defined (never NaN) after the flat start, in agreement with the references.
    assertSeriesClose(d.adx, refAdx(c, 5).adx, 'ADX5 after a flat start', REL, OSC);
    assertSeriesClose(ta.stochastic(14, 3, 3).k, refStochastic(c, 14, 3, 3).k, 'Stoch', REL, OSC);
    assertSeriesClose(ta.cci(20), refCci(c, 20), 'CCI', REL, OSC);
    assertSeriesClose(ta.mfi(14), refMfi(c, 14), 'MFI', REL, OSC);
    assertSeriesClose(ta.vwap(), refVwap(c), 'VWAP', REL);
  });
  it('technicalindicators differs there (why these are own loops): Stochastic 0, %R NaN, ADX NaN for good', async () => {
    const ti = await import('technicalindicators');
    const hlc = { high: [...c.high], low: [...c.low], close: [...c.close] };
    const k = ti.Stochastic.calculate({ ...hlc, period: 14, signalPeriod: 3 }).map((r) => r.k);
    assert.equal(k[30 - 13], 0);
    const r = ti.WilliamsR.calculate({ ...hlc, period: 14 });
    assert.ok(Number.isNaN(r[30 - 13]));
    const adx = ti.ADX.calculate({ ...hlc, period: 5 });
    assert.ok(adx.length > 200 && adx.every((v) => Number.isNaN(v.adx)));
  });
});

describe('why MFI, VWAP and Ichimoku are not technicalindicators’ (docs/indicators.md)', () => {
  const eth = datasets.find(([n]) => n === 'ETH_BTC-5m')![1];
  it('its MFI is rounded to 2 decimals and off the definition; its VWAP is cumulative; its Ichimoku starts late', async () => {
    const ti = await import('technicalindicators');
    const hlc = { high: [...eth.high], low: [...eth.low], close: [...eth.close] };
    const mfi = ti.MFI.calculate({ ...hlc, volume: [...eth.volume], period: 14 });
    assert.ok(mfi.every((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6), 'MFI values are multiples of 0.01');
    const ours = boundIndicators(eth).mfi(14);
    const offset = eth.close.length - mfi.length;
    const worst = Math.max(...mfi.map((v, j) => (Number.isNaN(ours[offset + j]!) ? 0 : Math.abs(v - ours[offset + j]!))));
    assert.ok(worst > 1, `MFI max difference ${worst} points`);
    const cumulative = ti.VWAP.calculate({ ...hlc, volume: [...eth.volume] });
    const vwap = boundIndicators(eth).vwap();
    const gap = Math.max(...cumulative.map((v, i) => (Number.isNaN(vwap[i]!) ? 0 : Math.abs(v - vwap[i]!) / vwap[i]!)));
    assert.ok(gap > 0.05, `cumulative vs day-anchored VWAP: ${gap}`);
    const ich = ti.IchimokuCloud.calculate({ high: [...eth.high], low: [...eth.low], conversionPeriod: 9, basePeriod: 26, spanPeriod: 52, displacement: 26 });
    assert.equal(eth.close.length - ich.length, 51); // first value at index 51; our conversion line starts at 8
  });
});

describe('ctx.ta is lookahead-free and memoised', () => {
  const eth = datasets.find(([n]) => n === 'ETH_BTC-5m')![1];
  it('a value never changes when candles are appended (every member, prefixes of ETH_BTC-5m)', () => {
    const full = MEMBERS.map(([, run]) => run(boundIndicators(eth)));
    for (const end of [1, 2, 30, 77, 78, 290, 1001, 3333]) {
      const c = prefix(eth, end);
      MEMBERS.forEach(([member, run], m) => {
        run(boundIndicators(c)).forEach(([label, values], k) => {
          const whole = full[m]![k]![1];
          for (let i = 0; i < end; i++) assert.ok(Object.is(values[i], whole[i]), `${member} ${label}[${i}] on ${end} candles`);
        });
      });
    }
  });

  it('VWAP depends only on its own UTC day: a series starting at a later 00:00 gives the same values from there', () => {
    const full = boundIndicators(eth).vwap();
    const midnights = eth.time.flatMap((t, i) => (i > 0 && t % 86_400_000 === 0 ? [i] : []));
    assert.ok(midnights.length >= 10);
    for (const start of midnights.slice(3, 6)) {
      const c: Candles = {
        time: eth.time.slice(start), open: eth.open.slice(start), high: eth.high.slice(start),
        low: eth.low.slice(start), close: eth.close.slice(start), volume: eth.volume.slice(start),
      };
      const tail = boundIndicators(c).vwap();
      for (let i = 0; i < tail.length; i++) assert.ok(Object.is(tail[i], full[start + i]), `vwap[${start + i}]`);
    }
  });

  it('with a cache each series is computed once per candles object and arguments', () => {
    const cache = new IndicatorCache();
    const a = boundIndicators(eth, cache);
    const b = boundIndicators(eth, cache);
    assert.equal(a.adx(14), b.adx(14));
    assert.equal(a.wma(10), b.wma(10));
    assert.notEqual(a.wma(10), a.wma(10, 'hl2'));
    assert.equal(a.ema(20), b.ema(20, 'close'));
    assert.equal(a.macd(12, 26, 9).line, b.macd(12, 26, 9).line);
    const keys = cache.keysFor(eth);
    for (const k of ['adx(14)', 'wma(close,10)', 'wma(hl2,10)', 'ema(close,20)', 'macd-line(close,12,26)']) {
      assert.ok(keys.includes(k), `${k} in ${keys.join(' ')}`);
    }
    assert.deepEqual(Array.from(boundIndicators(eth).adx(14).adx), Array.from(a.adx(14).adx)); // uncached = cached
  });
});
