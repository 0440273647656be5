/**
 * Every exit path of the engine on hand-made candles, driven by a test-only strategy that
 * signals at chosen indices with chosen stop/target. Each scenario is written for a long and
 * run twice: as written, and mirrored around 100 (p → 200 − p, sides flipped) for the short,
 * where every time, reason and bar count must be identical and every price mirrored.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { candlesFromRows, type Candles, type OhlcvRow } from '../../lib/core/candle.js';
import type { SignalIntent, Side, Strategy } from '../../lib/core/strategies/types.js';
import { runBacktest } from '../../lib/backtest/engine.js';
import { combineResults, summarize } from '../../lib/backtest/summary.js';
import type { BacktestInput, Trade } from '../../lib/backtest/types.js';
import { PermanentError } from '../../lib/errors.js';

const T0 = 1_700_000_100_000 - (1_700_000_100_000 % 300_000);
const STEP = 300_000;
const t = (i: number) => T0 + i * STEP;

interface Sig {
  readonly side: Side;
  readonly stop: number;
  readonly target: number;
  readonly atr?: number;
}

/** A test-only strategy: the given signals at the given indices (entry = open[i+1] like the real ones). */
function scripted(signals: Readonly<Record<number, Sig>>): Strategy<Record<string, never>> {
  const all = (c: Candles): SignalIntent[] =>
    Object.entries(signals)
      .map(([k, s]) => {
        const i = Number(k);
        return {
          side: s.side,
          index: i,
          candleTime: c.time[i]!,
          entry: i + 1 < c.open.length ? c.open[i + 1]! : c.close[i]!,
          stop: s.stop,
          target: s.target,
          indicators: (s.atr === undefined ? {} : { atr: s.atr }) as Record<string, number>,
        };
      })
      .filter((s) => s.index < c.close.length)
      .sort((a, b) => a.index - b.index);
  return {
    name: 'scripted',
    description: 'test only',
    params: z.strictObject({}) as unknown as z.ZodType<Record<string, never>>,
    warmup: () => 1,
    evaluate: (c) => all(c).find((s) => s.index === c.close.length - 1) ?? null,
    evaluateAll: (c) => all(c),
  };
}

type Ohlc = readonly [open: number, high: number, low: number, close: number];
const candles = (bars: readonly Ohlc[]): Candles => candlesFromRows(bars.map(([o, h, l, c], i): OhlcvRow => [t(i), o, h, l, c, 1]));

const M = (x: number) => 200 - x;
const mirrorBars = (bars: readonly Ohlc[]): Ohlc[] => bars.map(([o, h, l, c]) => [M(o), M(l), M(h), M(c)]);
const mirrorSigs = (s: Readonly<Record<number, Sig>>): Record<number, Sig> =>
  Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { ...v, side: v.side === 'long' ? 'short' : 'long', stop: M(v.stop), target: M(v.target) }]));

interface Expect {
  readonly side: Side;
  readonly entryBar: number;
  readonly entryPrice: number;
  readonly exitBar: number;
  readonly exitPrice: number;
  readonly exitReason: Trade['exitReason'];
  readonly bars: number;
}

type Opts = Partial<Pick<BacktestInput, 'feeRate' | 'slippageBps' | 'trailAtr' | 'maxBars' | 'stake'>>;

function run(bars: readonly Ohlc[], sigs: Readonly<Record<number, Sig>>, opts: Opts = {}) {
  return runBacktest({ symbol: 'T/X', timeframe: '5m', candles: candles(bars), strategy: scripted(sigs), params: {}, stake: 100, feeRate: 0, ...opts });
}

/** Runs the long scenario and its mirrored short; checks both against `expected` (written for the long). */
function scenario(bars: readonly Ohlc[], sigs: Readonly<Record<number, Sig>>, expected: readonly Expect[], opts: Opts = {}): void {
  for (const mirrored of [false, true]) {
    const r = mirrored ? run(mirrorBars(bars), mirrorSigs(sigs), opts) : run(bars, sigs, opts);
    const flip = (s: Side): Side => (mirrored ? (s === 'long' ? 'short' : 'long') : s);
    const px = (x: number) => (mirrored ? M(x) : x);
    assert.deepEqual(
      r.trades.map(({ side, entryTime, entryPrice, exitTime, exitPrice, exitReason, bars: held }) => ({ side, entryTime, entryPrice, exitTime, exitPrice, exitReason, bars: held })),
      expected.map((e) => ({
        side: flip(e.side),
        entryTime: t(e.entryBar),
        entryPrice: px(e.entryPrice),
        exitTime: t(e.exitBar),
        exitPrice: px(e.exitPrice),
        exitReason: e.exitReason,
        bars: e.bars,
      })),
      mirrored ? 'mirrored short scenario' : 'long scenario',
    );
    for (const tr of r.trades) {
      const qty = 100 / tr.entryPrice;
      const gross = tr.side === 'long' ? qty * (tr.exitPrice - tr.entryPrice) : qty * (tr.entryPrice - tr.exitPrice);
      assert.ok(Math.abs(tr.pnl - gross) <= 1e-12, 'fee 0: pnl = price move × qty');
    }
  }
}

const FLAT: Ohlc = [100, 101, 99, 100];
const LONG: Sig = { side: 'long', stop: 95, target: 110 };
const L = (entryBar: number, entryPrice: number, exitBar: number, exitPrice: number, exitReason: Trade['exitReason'], bars: number, side: Side = 'long'): Expect =>
  ({ side, entryBar, entryPrice, exitBar, exitPrice, exitReason, bars });

describe('backtest engine: exit paths (long as written, short mirrored)', () => {
  it('target inside a later candle', () => {
    scenario([FLAT, [100, 105, 98, 104], [104, 111, 103, 108], FLAT], { 0: LONG }, [L(1, 100, 2, 110, 'target', 2)]);
  });
  it('stop on the entry candle itself (checked from the entry candle on)', () => {
    scenario([FLAT, [100, 103, 94, 96], FLAT], { 0: LONG }, [L(1, 100, 1, 95, 'stop', 1)]);
  });
  it('gap through the stop fills at the open', () => {
    scenario([FLAT, [100, 102, 97, 98], [93, 96, 92, 95], FLAT], { 0: LONG }, [L(1, 100, 2, 93, 'stop', 2)]);
  });
  it('gap through the target fills at the open', () => {
    scenario([FLAT, [100, 104, 99, 103], [112, 113, 111, 112], FLAT], { 0: LONG }, [L(1, 100, 2, 112, 'target', 2)]);
  });
  it('stop and target touched in one candle: the stop wins', () => {
    scenario([FLAT, [100, 111, 94, 100], FLAT], { 0: LONG }, [L(1, 100, 1, 95, 'stop', 1)]);
  });
  it('opposite signal: exit at the next open and reverse at the same price; the reverse keeps its own bracket', () => {
    scenario(
      [FLAT, [100, 103, 99, 102], [102, 103, 100, 101], [101.5, 102, 99, 100], [100, 101, 97, 98], [98, 99, 97, 97]],
      { 0: LONG, 2: { side: 'short', stop: 106, target: 97 } },
      [L(1, 100, 3, 101.5, 'signal', 2), L(3, 101.5, 4, 97, 'target', 2, 'short')],
    );
  });
  it('same-direction signal while open is ignored (first bracket kept)', () => {
    scenario(
      [FLAT, [100, 104, 99, 103], [103, 106, 102, 105], [105, 109, 104, 108], [108, 111, 107, 110]],
      { 0: LONG, 1: { side: 'long', stop: 90, target: 107 } },
      [L(1, 100, 4, 110, 'target', 4)],
    );
  });
  it('after a stop, a signal on the same candle close opens at the next open', () => {
    scenario(
      [FLAT, [100, 101, 94, 95], [96, 98, 95, 97], [97, 99, 96, 98]],
      { 0: LONG, 1: { side: 'long', stop: 90, target: 120 } },
      [L(1, 100, 1, 95, 'stop', 1), L(2, 96, 3, 98, 'end', 2)],
    );
  });
  it('after a target, an opposite signal on the same close opens the reverse at the next open', () => {
    scenario(
      [FLAT, [100, 111, 99, 108], [107, 108, 104, 105]],
      { 0: LONG, 1: { side: 'short', stop: 115, target: 100 } },
      [L(1, 100, 1, 110, 'target', 1), L(2, 107, 2, 105, 'end', 1, 'short')],
    );
  });
  it('end of data: closes at the last close with reason end; a signal on the last candle is ignored', () => {
    scenario([FLAT, [100, 102, 99, 101], [101, 103, 100, 102]], { 0: LONG, 2: { side: 'short', stop: 110, target: 90 } }, [L(1, 100, 2, 102, 'end', 2)]);
    scenario([FLAT, FLAT], { 1: LONG }, []);
  });
  it('trailing stop: ratchets at each close after the checks, only favourably, then exits at the trailed level', () => {
    // trail = 1.5 × atr 2 = 3. c1 high 104 → stop 101 (c1 low 100.5 would have hit 101, but the update comes after the checks);
    // c2 high 106 → stop 103; c3 high 105 (no change), low 103.5; c4 low 102 → stop at 103.
    scenario(
      [FLAT, [100, 104, 100.5, 103], [103, 106, 102, 105], [105, 105, 103.5, 104], [104, 104.5, 102, 103], FLAT],
      { 0: { ...LONG, atr: 2 } },
      [L(1, 100, 4, 103, 'stop', 4)],
      { trailAtr: 1.5 },
    );
  });
  it('time exit at the close of the maxBars-th candle, then re-entry on that close', () => {
    scenario(
      [FLAT, [100, 102, 99, 101], [101, 103, 100, 102], [102, 104, 101, 103], [103, 104, 102, 103]],
      { 0: LONG, 2: { side: 'long', stop: 90, target: 120 } },
      [L(1, 100, 2, 102, 'time', 2), L(3, 102, 4, 103, 'time', 2)],
      { maxBars: 2 },
    );
  });
});

describe('backtest engine: fees and slippage arithmetic (exact numbers)', () => {
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-9, `${a} vs ${b}`);
  it('long: buys 1 % higher, sells 1 % lower, 0.1 % fee on both notionals', () => {
    // stake 101 at fill 100 × 1.01 = 101 → qty 1; target 120 → sell 118.8; gross 17.8; fees 0.001 × (101 + 118.8) = 0.2198
    const r = run([FLAT, [100, 121, 99, 119], FLAT], { 0: { side: 'long', stop: 90, target: 120 } }, { stake: 101, slippageBps: 100, feeRate: 0.001 });
    const [tr] = r.trades;
    close(tr!.entryPrice, 101);
    close(tr!.exitPrice, 118.8);
    close(tr!.fees, 0.2198);
    close(tr!.pnl, 17.5802);
  });
  it('short: sells 1 % lower, buys back 1 % higher', () => {
    // stake 99 at fill 99 → qty 1; target 80 → buy 80.8; gross 18.2; fees 0.001 × (99 + 80.8) = 0.1798
    const r = run([FLAT, [100, 101, 79, 81], FLAT], { 0: { side: 'short', stop: 110, target: 80 } }, { stake: 99, slippageBps: 100, feeRate: 0.001 });
    const [tr] = r.trades;
    close(tr!.entryPrice, 99);
    close(tr!.exitPrice, 80.8);
    close(tr!.fees, 0.1798);
    close(tr!.pnl, 18.0202);
  });
  it('a losing stop with default fee: stake 100 at 100, stop 95 → −5 − 0.195', () => {
    const r = run([FLAT, [100, 101, 94, 96], FLAT], { 0: LONG }, { feeRate: 0.001 });
    close(r.trades[0]!.pnl, -5.195);
    close(r.summary.fees, 0.195);
  });
  it('reversal with slippage: the exit of the long and the entry of the short are the same fill', () => {
    const r = run([FLAT, [100, 103, 99, 102], [102, 103, 100, 101], [101.5, 102, 99, 100]], { 0: LONG, 2: { side: 'short', stop: 106, target: 97 } }, { slippageBps: 25 });
    assert.equal(r.trades[0]!.exitPrice, r.trades[1]!.entryPrice);
    assert.equal(r.trades[0]!.exitPrice, 101.5 * (1 - 0.0025));
  });
});

describe('summary, equity, combining', () => {
  const tr = (pnl: number, exitTime: number, symbol = 'A/B'): Trade => ({
    symbol, side: 'long', entryTime: exitTime - 1, entryPrice: 1, exitTime, exitPrice: 1, exitReason: 'end', pnl, fees: 0.5, bars: 1,
  });
  it('counts, profit factor, and drawdown from 0 of cumulative closed-trade pnl', () => {
    const s = summarize([tr(5, 1), tr(-3, 2), tr(-4, 3), tr(10, 4), tr(-2, 5), tr(0, 6)], { candles: 10, firstTime: 0, lastTime: 9 });
    assert.deepEqual(s, {
      trades: 6, wins: 2, losses: 3, winRate: 2 / 6, netProfit: 6, grossProfit: 15, grossLoss: -9, profitFactor: 15 / 9,
      maxDrawdown: 7, fees: 3, candles: 10, firstTime: 0, lastTime: 9,
    });
    assert.equal(summarize([tr(-3, 1), tr(1, 2)], { candles: 2, firstTime: 0, lastTime: 1 }).maxDrawdown, 3);
    const noLoss = summarize([tr(2, 1)], { candles: 1, firstTime: 0, lastTime: 0 });
    assert.equal(noLoss.profitFactor, null);
    const none = summarize([], { candles: 0, firstTime: null, lastTime: null });
    assert.deepEqual([none.winRate, none.profitFactor, none.maxDrawdown, none.netProfit], [null, null, 0, 0]);
  });
  it('combines series: trades by exit time, totals over all candles', () => {
    const a = { symbol: 'A/B', timeframe: '5m' as const, trades: [tr(1, 10, 'A/B'), tr(-2, 30, 'A/B')], equity: [], summary: summarize([], { candles: 5, firstTime: 100, lastTime: 500 }) };
    const b = { symbol: 'C/B', timeframe: '5m' as const, trades: [tr(3, 20, 'C/B'), tr(1, 30, 'C/B')], equity: [], summary: summarize([], { candles: 7, firstTime: 50, lastTime: 400 }) };
    const c = combineResults([a, b]);
    assert.deepEqual(c.trades.map((x) => [x.symbol, x.exitTime]), [['A/B', 10], ['C/B', 20], ['A/B', 30], ['C/B', 30]]);
    assert.deepEqual([c.summary.candles, c.summary.firstTime, c.summary.lastTime, c.summary.netProfit], [12, 50, 500, 3]);
    assert.deepEqual(c.equity, [{ time: 10, equity: 1 }, { time: 20, equity: 4 }, { time: 30, equity: 2 }, { time: 30, equity: 3 }]);
    assert.equal(c.summary.maxDrawdown, 2);
  });
  it('the engine returns an equity point per trade ending at the net profit', () => {
    const r = run([FLAT, [100, 105, 98, 104], [104, 111, 103, 108], [108, 109, 90, 95], FLAT], { 0: LONG, 2: { side: 'long', stop: 95, target: 120 } }, { feeRate: 0.001 });
    assert.equal(r.equity.length, r.trades.length);
    assert.equal(r.equity.at(-1)!.equity, r.summary.netProfit);
    assert.deepEqual([r.summary.candles, r.summary.firstTime, r.summary.lastTime], [5, t(0), t(4)]);
  });
});

describe('backtest engine: bad input', () => {
  const code = (fn: () => unknown, c: string) => assert.throws(fn, (e: unknown) => e instanceof PermanentError && e.code === c);
  it('is refused with classified errors', () => {
    code(() => run([FLAT, FLAT], {}, { stake: 0 }), 'BAD_BACKTEST_INPUT');
    code(() => run([FLAT, FLAT], {}, { feeRate: -1 }), 'BAD_POSITION_RULES');
    code(() => run([FLAT, FLAT, FLAT], { 0: LONG }, { trailAtr: 1 }), 'NO_ATR');
    const unsorted: Strategy<Record<string, never>> = { ...scripted({ 0: LONG, 1: LONG }), evaluateAll: (c) => scripted({ 0: LONG, 1: LONG }).evaluateAll(c, {}).reverse() };
    code(() => runBacktest({ symbol: 'T/X', timeframe: '5m', candles: candles([FLAT, FLAT, FLAT]), strategy: unsorted, params: {}, stake: 1, feeRate: 0 }), 'BAD_SIGNALS');
  });
  it('handles no candles and a series shorter than any signal', () => {
    const r = run([], {});
    assert.deepEqual([r.trades.length, r.summary.candles, r.summary.firstTime], [0, 0, null]);
  });
});
