/**
 * What `npm run strategy:new <name>` writes (lib/cli/strategy-new.ts): a small working strategy on
 * the kit (lib/core/strategies/kit.ts, contract in docs/strategies.md) and its test. Both are
 * plain text with the name filled in; test/cli/strategy-new.test.ts type-checks, tests and
 * backtests them in a copy of the project.
 */

/** The OHLCV file the printed backtest command and the scaffolded test use (a real 5m series). */
export const SAMPLE_DATA = 'test/fixtures/ohlcv/ETH_BTC-5m.json';

/** strategies/<name>.ts */
export function strategySource(name: string): string {
  return `/**
 * ${name}: your strategy, made by \`npm run strategy:new ${name}\`. Edit it freely; what each field
 * means is in docs/strategies.md. Its test: test/strategies/${name}.test.ts.
 *
 * As written: long when the close crosses above its simple moving average, short when it crosses
 * below; the stop and the target are ATR multiples away from the entry.
 */
import { atrBracket, defineStrategy, param, z } from '../lib/core/strategies/kit.js';

export default defineStrategy({
  // The name in the config (strategies: - name: ${name}) and on the command line (--strategy ${name}).
  name: '${name}',
  // One paragraph for the trader: shown by the bot and in reports.
  description: 'Long when the close crosses above its moving average, short when it crosses below; stop and target in ATRs.',
  // Parameters: each has a default (used when the config gives none) and a range the optimiser searches.
  params: z.strictObject({
    period: param.int(50, { min: 5, max: 400 }),
    ...atrBracket.fields({ atr: 14, stopAtr: 1.5, takeAtr: 3 }),
  }),
  // The fewest closed candles the rule needs to signal on the last one (the SMA needs \`period\`
  // candles and one more for the cross; the ATR needs \`atr\` + 1).
  warmup: (p) => Math.max(p.period, p.atr) + 1,
  // Indicator series, computed once per series, aligned to the candles (NaN while warming up).
  indicators: (_c, p, ctx) => ({ ma: ctx.ta.sma(p.period) }),
  // On the close of candle i: 'long', 'short' or null. Read only index i and before (no peeking).
  entry: (ind, i, c) => {
    const before = c.close[i - 1]! - ind.ma[i - 1]!;
    const now = c.close[i]! - ind.ma[i]!;
    if (before <= 0 && now > 0) return 'long';
    if (before >= 0 && now < 0) return 'short';
    return null; // also while warming up: comparisons with NaN are false
  },
  // Stop = entry − stopAtr × ATR, target = entry + takeAtr × ATR (mirrored for a short).
  bracket: atrBracket,
  // Drawn on the price chart of each signal.
  lines: (ind) => [{ name: 'SMA', values: ind.ma }],
});
`;
}

/** test/strategies/<name>.test.ts */
export function testSource(name: string): string {
  return `/**
 * Tests of strategies/${name}.ts (made by \`npm run strategy:new ${name}\`):
 *   npm test -- test/strategies/${name}.test.ts
 * Keep them green while you edit the strategy; add your own cases.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadSeries } from '../../lib/backtest/load.js';
import type { Candles } from '../../lib/core/candle.js';
import strategy from '../../strategies/${name}.js';

const DATA = fileURLToPath(new URL('../../${SAMPLE_DATA}', import.meta.url));
const candles = loadSeries(DATA)[0]!.candles;
const params = strategy.params.parse({});

/** The first \`end\` candles: what the strategy saw on the close of candle end − 1. */
function prefix(c: Candles, end: number): Candles {
  return { time: c.time.slice(0, end), open: c.open.slice(0, end), high: c.high.slice(0, end), low: c.low.slice(0, end), close: c.close.slice(0, end), volume: c.volume.slice(0, end) };
}

describe('${name}', () => {
  it('is a user strategy whose defaults parse', () => {
    assert.equal(strategy.name, '${name}');
    assert.equal(strategy.origin, 'user');
    assert.ok(strategy.warmup(params) >= 2, 'warmup');
  });

  it('signals on real candles, each with a stop and a target on the right side of the entry', () => {
    const signals = strategy.evaluateAll(candles, params);
    assert.ok(signals.length > 0, 'no signal on the sample data');
    for (const s of signals) {
      assert.ok(s.index >= strategy.warmup(params) - 1, \`signal at \${s.index} before the warm-up\`);
      const sign = s.side === 'long' ? 1 : -1;
      assert.ok(sign * (s.entry - s.stop) > 0 && sign * (s.target - s.entry) > 0, JSON.stringify(s));
      if (s.index + 1 < candles.close.length) assert.equal(s.entry, candles.open[s.index + 1]);
    }
  });

  it('on each candle, seeing only the past gives the same signal as the whole series (no peeking)', () => {
    const n = Math.min(candles.close.length, 1500);
    const all = strategy.evaluateAll(prefix(candles, n), params);
    const byIndex = new Map(all.map((s) => [s.index, s]));
    for (let i = 1; i < n; i++) {
      const live = strategy.evaluate(prefix(candles, i + 1), params, i + 1 < n ? candles.open[i + 1] : undefined);
      assert.deepEqual(live, byIndex.get(i) ?? null, \`candle \${i}\`);
    }
  });
});
`;
}
