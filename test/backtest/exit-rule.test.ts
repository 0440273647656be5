/**
 * The exit rule in the backtester (kit contract, "Exit rule in the backtester"): per candle i
 * while a position is held, (1) stop/target/gap/time checks of i, (2) the strategy's exit rule
 * for the held side on the close of i → exit at open[i+1], reason `rule`, the rule's reason as
 * `exitNote`, (3) then the entry signal of i. Driven by a kit strategy whose rules read a script
 * from the volume column (bit flags), on hand-made candles, with hand-checked trades.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { candlesFromRows, type Candles, type OhlcvRow } from '../../lib/core/candle.js';
import { customBracket, defineStrategy, param, z } from '../../lib/core/strategies/kit.js';
import { runBacktest } from '../../lib/backtest/engine.js';
import { jsonTrade } from '../../lib/backtest/format.js';
import type { BacktestInput, Trade } from '../../lib/backtest/types.js';

const LONG = 1;
const SHORT = 2;
const EXIT_LONG = 4;
const EXIT_SHORT = 8;

/** Signals and exits as scripted by volume[i] (bit flags above); stop and target `dist` from the entry. */
const scripted = defineStrategy({
  name: 'scripted-exits',
  description: 'Test only: entries and exits scripted in the volume column.',
  params: z.strictObject({ dist: param.number(50, { min: 1, max: 90 }) }),
  warmup: () => 2,
  indicators: (c) => ({ flags: Float64Array.from(c.volume) }),
  entry: (ind, i) => ((ind.flags[i]! & LONG) !== 0 ? 'long' : (ind.flags[i]! & SHORT) !== 0 ? 'short' : null),
  exit: (ind, i, side) => {
    if (side === 'long' && (ind.flags[i]! & EXIT_LONG) !== 0) return `long exit at ${i}`;
    if (side === 'short' && (ind.flags[i]! & EXIT_SHORT) !== 0) return `short exit at ${i}`;
    return null;
  },
  bracket: customBracket(({ side, entry, params }) =>
    side === 'long' ? { stop: entry - params.dist, target: entry + params.dist } : { stop: entry + params.dist, target: entry - params.dist },
  ),
});

const T0 = 1_700_000_100_000 - (1_700_000_100_000 % 300_000);
const t = (i: number) => T0 + i * 300_000;

/** open = close = 100 + i, high/low ± 1, volume = the script; `lows` overrides a candle's low. */
function candles(script: readonly number[], lows: Readonly<Record<number, number>> = {}): Candles {
  return candlesFromRows(script.map((v, i): OhlcvRow => [t(i), 100 + i, 101 + i, lows[i] ?? 99 + i, 100 + i, v]));
}

function run(c: Candles, extra: Partial<BacktestInput<{ dist: number }>> = {}): Trade[] {
  const params = scripted.params.parse({});
  return runBacktest({ symbol: 'X/Y', timeframe: '5m', candles: c, strategy: scripted, params, stake: 100, feeRate: 0, ...extra }).trades;
}

const brief = (trades: readonly Trade[]) =>
  trades.map((x) => ({
    side: x.side,
    entryTime: x.entryTime,
    entryPrice: x.entryPrice,
    exitTime: x.exitTime,
    exitPrice: x.exitPrice,
    exitReason: x.exitReason,
    exitNote: x.exitNote,
    bars: x.bars,
  }));

describe('exit rule in the backtester', () => {
  it('exits the held side at the next open with reason rule and the note; other-side and flat exits are ignored', () => {
    //            0  1     2  3          4  5           6     7           8  9
    const c = candles([0, LONG, 0, EXIT_LONG, 0, EXIT_SHORT, LONG, EXIT_SHORT, 0, 0]);
    assert.deepEqual(brief(run(c)), [
      // long signal on 1 → in at open[2] = 102; rule on 3 → out at open[4] = 104 (candles 2, 3 held)
      { side: 'long', entryTime: t(2), entryPrice: 102, exitTime: t(4), exitPrice: 104, exitReason: 'rule', exitNote: 'long exit at 3', bars: 2 },
      // long signal on 6 → in at open[7]; the short exit on 7 is not for a long; ends at close[9]
      { side: 'long', entryTime: t(7), entryPrice: 107, exitTime: t(9), exitPrice: 109, exitReason: 'end', exitNote: undefined, bars: 3 },
    ]);
  });

  it('a rule exit comes before the signal of the same candle: a reverse or a same-side re-entry opens at that open', () => {
    const c = candles([0, LONG, 0, EXIT_LONG | SHORT, 0, EXIT_SHORT | SHORT, 0, 0]);
    assert.deepEqual(brief(run(c)), [
      { side: 'long', entryTime: t(2), entryPrice: 102, exitTime: t(4), exitPrice: 104, exitReason: 'rule', exitNote: 'long exit at 3', bars: 2 },
      { side: 'short', entryTime: t(4), entryPrice: 104, exitTime: t(6), exitPrice: 106, exitReason: 'rule', exitNote: 'short exit at 5', bars: 2 },
      { side: 'short', entryTime: t(6), entryPrice: 106, exitTime: t(7), exitPrice: 107, exitReason: 'end', exitNote: undefined, bars: 2 },
    ]);
  });

  it("the candle's stop comes first; no rule exit on the last candle (no next open)", () => {
    // long in at 102, stop 52: candle 3's low 40 stops it at 52 before the rule on 3 is read
    const stopped = run(candles([0, LONG, 0, EXIT_LONG, 0], { 3: 40 }));
    assert.deepEqual(brief(stopped), [
      { side: 'long', entryTime: t(2), entryPrice: 102, exitTime: t(3), exitPrice: 52, exitReason: 'stop', exitNote: undefined, bars: 2 },
    ]);
    const last = run(candles([0, LONG, 0, EXIT_LONG]));
    assert.deepEqual(brief(last), [
      { side: 'long', entryTime: t(2), entryPrice: 102, exitTime: t(3), exitPrice: 103, exitReason: 'end', exitNote: undefined, bars: 2 },
    ]);
  });

  it('slippage and fees of a rule exit are those of a signal exit at the same open', () => {
    const rule = run(candles([0, LONG, 0, EXIT_LONG, 0, 0]), { slippageBps: 25, feeRate: 0.001 });
    const reverse = run(candles([0, LONG, 0, SHORT, 0, 0]), { slippageBps: 25, feeRate: 0.001 });
    assert.equal(rule[0]!.exitReason, 'rule');
    assert.equal(reverse[0]!.exitReason, 'signal');
    for (const key of ['exitTime', 'exitPrice', 'pnl', 'fees', 'bars'] as const) assert.equal(rule[0]![key], reverse[0]![key], key);
    assert.equal(rule[0]!.exitPrice, 104 * (1 - 25 / 10_000));
  });

  it('the --json trade carries the note after the reason, only for rule exits', () => {
    const [ruled, ended] = run(candles([0, LONG, 0, EXIT_LONG, 0, LONG, 0]));
    assert.deepEqual(Object.keys(jsonTrade(ruled!)), ['symbol', 'side', 'entryTime', 'entryPrice', 'exitTime', 'exitPrice', 'exitReason', 'exitNote', 'pnl']);
    assert.equal(jsonTrade(ruled!).exitNote, 'long exit at 3');
    assert.equal('exitNote' in jsonTrade(ended!), false);
  });

  it('exits out of order are refused (BAD_SIGNALS)', () => {
    const c = candles([0, LONG, 0, EXIT_LONG, 0]);
    const broken = { ...scripted, exitsAll: () => [{ index: 3, candleTime: t(3), side: 'long' as const, reason: 'b' }, { index: 2, candleTime: t(2), side: 'long' as const, reason: 'a' }] };
    assert.throws(() => runBacktest({ symbol: 'X/Y', timeframe: '5m', candles: c, strategy: broken, params: { dist: 50 }, stake: 100, feeRate: 0 }), { code: 'BAD_SIGNALS' });
  });
});
