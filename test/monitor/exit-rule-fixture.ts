/**
 * A small strategy with an exit rule for the live exit-rule tests (not registered: the tests
 * reach it through the monitor's and opener's `strategyOf`, default the registry).
 * It never enters by itself (the tests open positions from their own signals); its rule closes a
 * long when a candle closes below `level`, a short when one closes above it.
 */
import type { BotConfig } from '../../lib/config/schema.js';
import { defineStrategy, param, percentBracket, z } from '../../lib/core/strategies/kit.js';
import type { Candles, Side, Strategy } from '../../lib/core/strategies/kit.js';
import type { EvalContext } from '../../lib/core/strategies/types.js';
import { getStrategy } from '../../lib/core/strategies/index.js';
import type { StrategyOf } from '../../lib/portfolio/exit-rule.js';
import { botConfig } from '../positions/fixture.js';

export const LEVEL_STRATEGY = 'exit-level';

export const exitLevel = defineStrategy({
  name: LEVEL_STRATEGY,
  description: 'Test only: never enters; closes a long on a close below `level`, a short on a close above it.',
  params: z.strictObject({ level: param.number(100, { min: 1, max: 1_000_000 }), ...percentBracket.fields() }),
  warmup: () => 3,
  indicators: (_c, _p, ctx) => ({ close: ctx.ta.sma(1) }),
  entry: () => null,
  exit: (ind, i, side, _c, p) => {
    const close = ind.close[i]!;
    if (side === 'long') return close < p.level ? `close below ${p.level}` : null;
    return close > p.level ? `close above ${p.level}` : null;
  },
  bracket: percentBracket,
});

/** Every exitAt call the live code made: how many candles, the last one's open time, the side. */
export interface RuleCall {
  readonly candles: number;
  readonly last: number;
  readonly side: Side;
}

/** The fixture behind a recorder, for `strategyOf`; other names from the registry. */
export function recordingStrategies(): { strategyOf: StrategyOf; calls: RuleCall[] } {
  const calls: RuleCall[] = [];
  const recorded = {
    name: exitLevel.name,
    exitAt(candles: Candles, params: never, side: Side, context?: EvalContext): string | null {
      calls.push({ candles: candles.time.length, last: candles.time.at(-1)!, side });
      return exitLevel.exitAt!(candles, params, side, context);
    },
  } satisfies Pick<Strategy<never>, 'name' | 'exitAt'>;
  return { strategyOf: (name) => (name === LEVEL_STRATEGY ? recorded : getStrategy(name)), calls };
}

/** The paper config of the position tests with the fixture as its only strategy (level, warm-up, scan window as given). */
export function levelConfig(options: { level?: number; warmup?: number; candles?: number } = {}): BotConfig {
  const base = botConfig({ startingBalance: 10_000, maxOpenPositions: 100, stakeFixed: 100 });
  const params = Object.freeze({ level: options.level ?? 100, stopPct: 2, takePct: 4 });
  return Object.freeze({
    ...base,
    strategies: [{ name: LEVEL_STRATEGY, timeframes: undefined, params, warmup: options.warmup ?? 3 }],
    scan: { ...base.scan, candles: options.candles ?? 20 },
  });
}
