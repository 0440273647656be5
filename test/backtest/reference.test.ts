/**
 * The engine against an independent, straightforward reference backtest written from the
 * documented conventions (it shares no code with lib/core/positions or lib/backtest): on real
 * data with ema-cross defaults (signals from the test reference refEmaCross, not the strategy
 * code), on the replay fixtures, and on random series with random rule options.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SignalIntent, Strategy } from '../../lib/core/strategies/types.js';
import { candlesFromRows, type Candles, type OhlcvRow } from '../../lib/core/candle.js';
import { emaCross, emaCrossParams } from '../../lib/core/strategies/ema-cross.js';
import { runBacktest } from '../../lib/backtest/engine.js';
import type { Trade } from '../../lib/backtest/types.js';
import { loadCandles, mulberry32, randomWalk, refAtr, refEmaCross } from '../core/reference.js';

interface RefSig {
  index: number;
  side: 'long' | 'short';
  stop: number;
  target: number;
  atr: number;
}
interface RefOpts {
  stake: number;
  fee: number;
  slip: number;
  trailAtr?: number;
  maxBars?: number;
}

/** A plain, mutable, one-loop backtest from the README / issue conventions. */
function referenceBacktest(symbol: string, c: Candles, signals: RefSig[], o: RefOpts): Trade[] {
  const bySignal = new Map(signals.map((s) => [s.index, s]));
  const n = c.close.length;
  const s = o.slip / 10_000;
  const trades: Trade[] = [];
  type Pos = { side: 'long' | 'short'; entryI: number; fill: number; stop: number; target: number; best: number; trail: number; held: number };
  let pos: Pos | null = null;
  const finish = (p: Pos, exitI: number, ref: number, reason: Trade['exitReason']) => {
    const fill = p.side === 'long' ? ref * (1 - s) : ref * (1 + s);
    const qty = o.stake / p.fill;
    const move = p.side === 'long' ? fill - p.fill : p.fill - fill;
    const fees = o.fee * (qty * p.fill) + o.fee * (qty * fill);
    trades.push({ symbol, side: p.side, entryTime: c.time[p.entryI]!, entryPrice: p.fill, exitTime: c.time[exitI]!, exitPrice: fill, exitReason: reason, pnl: qty * move - fees, fees, bars: p.held });
  };
  for (let i = 0; i < n; i++) {
    const [op, hi, lo, cl] = [c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!];
    if (pos) {
      pos.held += 1;
      const L = pos.side === 'long';
      let exit: [number, Trade['exitReason']] | null = null;
      if (L ? op <= pos.stop : op >= pos.stop) exit = [op, 'stop'];
      else if (L ? op >= pos.target : op <= pos.target) exit = [op, 'target'];
      else if (L ? lo <= pos.stop : hi >= pos.stop) exit = [pos.stop, 'stop'];
      else if (L ? hi >= pos.target : lo <= pos.target) exit = [pos.target, 'target'];
      else if (o.maxBars !== undefined && pos.held === o.maxBars) exit = [cl, 'time'];
      if (exit) {
        finish(pos, i, exit[0], exit[1]);
        pos = null;
      } else if (pos.trail > 0) {
        pos.best = L ? Math.max(pos.best, hi) : Math.min(pos.best, lo);
        pos.stop = L ? Math.max(pos.stop, pos.best - pos.trail) : Math.min(pos.stop, pos.best + pos.trail);
      }
    }
    const sig = bySignal.get(i);
    if (!sig || i === n - 1) continue;
    const nextOpen = c.open[i + 1]!;
    if (pos && pos.side === sig.side) continue;
    if (pos) finish(pos, i + 1, nextOpen, 'signal');
    pos = {
      side: sig.side,
      entryI: i + 1,
      fill: sig.side === 'long' ? nextOpen * (1 + s) : nextOpen * (1 - s),
      stop: sig.stop,
      target: sig.target,
      best: nextOpen,
      trail: o.trailAtr === undefined ? 0 : o.trailAtr * sig.atr,
      held: 0,
    };
  }
  if (pos) finish(pos, n - 1, c.close[n - 1]!, 'end');
  return trades;
}

/** Test-only strategy emitting the given signals (entry = open[i+1], as the real ones). */
function scripted(sigs: readonly RefSig[]): Strategy<Record<string, never>> {
  const all = (c: Candles): SignalIntent[] =>
    sigs.map((s) => ({
      side: s.side,
      index: s.index,
      candleTime: c.time[s.index]!,
      entry: c.open[s.index + 1] ?? c.close[s.index]!,
      stop: s.stop,
      target: s.target,
      indicators: { atr: s.atr },
    }));
  return {
    name: 'scripted',
    description: 'test only',
    params: z.strictObject({}) as unknown as z.ZodType<Record<string, never>>,
    warmup: () => 1,
    evaluate: (c) => all(c).find((s) => s.index === c.close.length - 1) ?? null,
    evaluateAll: (c) => all(c),
  };
}

function assertSameTrades(actual: Trade[], expected: Trade[]): void {
  assert.equal(actual.length, expected.length, 'trade count');
  const rel = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k]!;
    const e = expected[k]!;
    const msg = `trade ${k}: ${JSON.stringify(a)} vs ${JSON.stringify(e)}`;
    assert.deepEqual([a.symbol, a.side, a.entryTime, a.exitTime, a.exitReason, a.bars], [e.symbol, e.side, e.entryTime, e.exitTime, e.exitReason, e.bars], msg);
    assert.ok(rel(a.entryPrice, e.entryPrice) && rel(a.exitPrice, e.exitPrice) && rel(a.pnl, e.pnl) && rel(a.fees, e.fees), msg);
  }
}

function refSignals(c: Candles, p = emaCrossParams.parse({})): RefSig[] {
  const atr = refAtr(c, p.atr);
  return refEmaCross(c, p).map((s) => ({ index: s.index, side: s.side, stop: s.stop, target: s.target, atr: atr[s.index]! }));
}

describe('engine = reference backtest', () => {
  const params = emaCrossParams.parse({});

  it('ETH_BTC-5m, ema-cross defaults, stake 100, fee 0.1 %: every trade', () => {
    const c = loadCandles('ETH_BTC-5m.json');
    const r = runBacktest({ symbol: 'ETH/BTC', timeframe: '5m', candles: c, strategy: emaCross, params, stake: 100, feeRate: 0.001 });
    const expected = referenceBacktest('ETH/BTC', c, refSignals(c), { stake: 100, fee: 0.001, slip: 0 });
    assert.ok(expected.length > 100, `only ${expected.length} trades`);
    for (const reason of ['stop', 'target', 'signal', 'end']) assert.ok(expected.some((t) => t.exitReason === reason), `no ${reason} exit`);
    assertSameTrades(r.trades, expected);
    const net = expected.reduce((s, t) => s + t.pnl, 0);
    assert.ok(Math.abs(r.summary.netProfit - net) <= 1e-9);
  });

  it('ETH_BTC-5m with slippage, trailing stop and a time exit', () => {
    const c = loadCandles('ETH_BTC-5m.json');
    const r = runBacktest({ symbol: 'ETH/BTC', timeframe: '5m', candles: c, strategy: emaCross, params, stake: 100, feeRate: 0.001, slippageBps: 5, trailAtr: 2, maxBars: 48 });
    const expected = referenceBacktest('ETH/BTC', c, refSignals(c), { stake: 100, fee: 0.001, slip: 5, trailAtr: 2, maxBars: 48 });
    assert.ok(expected.some((t) => t.exitReason === 'time'));
    assertSameTrades(r.trades, expected);
  });

  it('the replay fixtures (ETH, LTC, XLM / BTC 5m)', () => {
    for (const name of ['ETH_BTC-5m.json', 'LTC_BTC-5m.json', 'XLM_BTC-5m.json']) {
      const rows = JSON.parse(readFileSync(new URL(`../fixtures/replay/${name}`, import.meta.url), 'utf8')) as OhlcvRow[];
      const c = candlesFromRows(rows);
      const r = runBacktest({ symbol: name, timeframe: '5m', candles: c, strategy: emaCross, params, stake: 100, feeRate: 0.001 });
      assertSameTrades(r.trades, referenceBacktest(name, c, refSignals(c), { stake: 100, fee: 0.001, slip: 0 }));
    }
  });

  it('random walks with random periods and rule options', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 10 }),
        fc.record({ slip: fc.integer({ min: 0, max: 50 }), trail: fc.option(fc.double({ min: 0.2, max: 4, noNaN: true }), { nil: undefined }), maxBars: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }) }),
        (seed, fast, extra, o) => {
          const c = randomWalk(400, mulberry32(seed));
          const p = emaCrossParams.parse({ fast, slow: fast + extra, atr: 5, stopAtr: 1, takeAtr: 2 });
          const r = runBacktest({ symbol: 'R/X', timeframe: '1m', candles: c, strategy: emaCross, params: p, stake: 50, feeRate: 0.002, slippageBps: o.slip, trailAtr: o.trail, maxBars: o.maxBars });
          assertSameTrades(r.trades, referenceBacktest('R/X', c, refSignals(c, p), { stake: 50, fee: 0.002, slip: o.slip, trailAtr: o.trail, maxBars: o.maxBars }));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random integer candles with random scripted signals (repeats, reversals, same-candle re-entries), and their mirror', () => {
    const sigArb = fc.record({ index: fc.nat(59), long: fc.boolean(), stopW: fc.integer({ min: 1, max: 12 }), takeW: fc.integer({ min: 1, max: 12 }), atr: fc.integer({ min: 1, max: 4 }) });
    const barArb = fc.tuple(fc.integer({ min: -6, max: 6 }), fc.integer({ min: -6, max: 6 }), fc.nat(5), fc.nat(5));
    fc.assert(
      fc.property(
        fc.array(barArb, { minLength: 1, maxLength: 60 }),
        fc.uniqueArray(sigArb, { selector: (x) => x.index, maxLength: 25 }),
        fc.record({ trail: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), maxBars: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }) }),
        (steps, raw, o) => {
          const rows: OhlcvRow[] = [];
          let prev = 100;
          steps.forEach(([gap, move, up, down], i) => {
            const open = Math.max(30, prev + gap);
            const close = Math.max(30, open + move);
            rows.push([i * 60_000, open, Math.max(open, close) + up, Math.max(1, Math.min(open, close) - down), close, 1]);
            prev = close;
          });
          const mirrorRows = rows.map(([tm, op, hi, lo, cl, v]): OhlcvRow => [tm, 400 - op, 400 - lo, 400 - hi, 400 - cl, v]);
          const sigsFor = (rs: OhlcvRow[], mirrored: boolean): RefSig[] =>
            raw
              .filter((x) => x.index < rs.length)
              .sort((a, b) => a.index - b.index)
              .map((x) => {
                const ref = rs[x.index + 1]?.[1] ?? rs[x.index]![4];
                const long = x.long !== mirrored;
                return { index: x.index, side: long ? 'long' : 'short', stop: long ? ref - x.stopW : ref + x.stopW, target: long ? ref + x.takeW : ref - x.takeW, atr: x.atr };
              });
          const opts = { stake: 100, fee: 0.001, slip: 0, trailAtr: o.trail, maxBars: o.maxBars };
          const results = [false, true].map((mirrored) => {
            const rs = mirrored ? mirrorRows : rows;
            const c = candlesFromRows(rs);
            const sigs = sigsFor(rs, mirrored);
            const r = runBacktest({ symbol: 'S/X', timeframe: '1m', candles: c, strategy: scripted(sigs), params: {}, stake: 100, feeRate: 0.001, trailAtr: o.trail, maxBars: o.maxBars });
            assertSameTrades(r.trades, referenceBacktest('S/X', c, sigs, opts));
            for (let k = 1; k < r.trades.length; k++) assert.ok(r.trades[k]!.entryTime >= r.trades[k - 1]!.exitTime, 'one position at a time');
            return r.trades;
          });
          const [plain, mirrored] = results as [Trade[], Trade[]];
          assert.deepEqual(
            mirrored.map((t) => [t.side === 'long' ? 'short' : 'long', t.entryTime, 400 - t.entryPrice, t.exitTime, 400 - t.exitPrice, t.exitReason, t.bars]),
            plain.map((t) => [t.side, t.entryTime, t.entryPrice, t.exitTime, t.exitPrice, t.exitReason, t.bars]),
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('throughput on ETH_BTC-5m with ema-cross (quick measurement, printed)', () => {
    const c = loadCandles('ETH_BTC-5m.json');
    const input = { symbol: 'ETH/BTC', timeframe: '5m' as const, candles: c, strategy: emaCross, params, stake: 100, feeRate: 0.001 };
    let t0 = performance.now();
    runBacktest(input);
    const cold = performance.now() - t0;
    const runs = 200;
    t0 = performance.now();
    for (let k = 0; k < runs; k++) runBacktest(input);
    const perSec = (runs * c.close.length) / ((performance.now() - t0) / 1000);
    console.log(`# backtest throughput: ${(perSec / 1e6).toFixed(2)} M candles/s warm (first run ${cold.toFixed(1)} ms for ${c.close.length} candles)`);
    assert.ok(perSec > 0);
  });
});
