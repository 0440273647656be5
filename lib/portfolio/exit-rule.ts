/**
 * A paper position's exit rule (issue 16), as the live paths apply it — the monitor on each
 * newly closed candle (lib/monitor/advance.ts) and the opener on the signal candle of a holder
 * (./signal-bar-step.ts) — in the backtester's order: (1) the candle's stop/target/gap/time/
 * trailing checks, (2) if still open and the rule fires for the held side on the candle's
 * close, exit at the NEXT candle's open with reason `rule` and the rule's reason as the note,
 * (3) then the entry signal of that candle.
 *
 * Which rule: the position's strategy (its meta) with the params of the config entry the scan
 * uses for that strategy on the position's timeframe (the CURRENT config: a strategy no longer
 * configured there, or without an exit rule, has none). On which candles: the validated closed
 * candles the scan would have evaluated on that candle's close — the last `scan.candles` of
 * them, ending at the candle; fewer than the strategy's warm-up cannot be evaluated (the
 * caller says so and the rule is skipped for that candle, as the scan would have refused it).
 */
import { candlesFromRows, type OhlcvRow } from '../core/candle.js';
import type { Side } from '../core/positions/index.js';
import type { Candles } from '../core/candle.js';
import { getStrategy } from '../core/strategies/index.js';
import type { Timeframe } from '../core/timeframe.js';
import type { BotConfig } from '../config/schema.js';
import { PermanentError } from '../errors.js';
import type { PositionMeta } from '../ports/positions.js';

/** The part of a strategy the exit rule needs (lib/core/strategies/types.ts: `exitAt` is optional). */
export interface RuleStrategy {
  readonly name: string;
  exitAt?(candles: Candles, params: never, side: Side, context?: { readonly timeframe?: Timeframe }): string | null;
}

/** Where a strategy comes from by its config name: the registry (default), or a test's own. */
export type StrategyOf = (name: string) => RuleStrategy;

export const registryStrategy: StrategyOf = (name) => getStrategy(name);

/** Longest note stored and shown (the kit's contract: a reason of at most 40 characters). */
export const EXIT_NOTE_MAX = 40;

export interface ExitRule {
  readonly strategy: string;
  readonly timeframe: Timeframe;
  /** Closed candles the scan evaluates (config `scan.candles`): the window ending at the candle. */
  readonly window: number;
  /** Fewest closed candles the strategy evaluates on (the config entry's warm-up). */
  readonly warmup: number;
  /** The rule on the close of the LAST candle given, for an open `side`: the reason, or null. */
  readonly at: (candles: Candles, side: Side) => string | null;
}

/** The exit rule of a position's strategy on its timeframe, or undefined when it has none. */
export function exitRuleFor(
  config: Pick<BotConfig, 'strategies'> & { readonly scan: Pick<BotConfig['scan'], 'candles'> },
  meta: PositionMeta,
  strategyOf: StrategyOf = registryStrategy,
): ExitRule | undefined {
  // The entry the scan evaluates for this strategy on this timeframe (config/schema.ts strategiesFor).
  const entry = config.strategies.find((s) => s.name === meta.strategy && (s.timeframes === undefined || s.timeframes.includes(meta.timeframe)));
  if (entry === undefined) return undefined;
  const strategy = strategyOf(entry.name);
  const exitAt = strategy.exitAt?.bind(strategy);
  if (exitAt === undefined) return undefined;
  const params = entry.params as never;
  const context = { timeframe: meta.timeframe };
  return {
    strategy: entry.name,
    timeframe: meta.timeframe,
    window: config.scan.candles,
    warmup: entry.warmup,
    at: (candles, side) => noteOf(entry.name, exitAt(candles, params, side, context)),
  };
}

/** The rule's answer checked at the boundary: null, or a non-empty reason of at most EXIT_NOTE_MAX characters. */
function noteOf(strategy: string, reason: unknown): string | null {
  if (reason === null) return null;
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw new PermanentError(`strategy ${strategy}: the exit rule must return null or a non-empty reason, got ${JSON.stringify(reason) ?? String(reason)}`, { code: 'BAD_STRATEGY' });
  }
  const note = reason.trim();
  return note.length <= EXIT_NOTE_MAX ? note : `${note.slice(0, EXIT_NOTE_MAX - 1)}…`;
}

export type RuleAnswer =
  | { readonly kind: 'exit'; readonly note: string }
  | { readonly kind: 'hold' }
  /** Fewer closed candles up to this one than the strategy's warm-up: not evaluated. */
  | { readonly kind: 'no-history'; readonly have: number };

/**
 * The rule on the close of `closed[index]` (validated closed candles, oldest first): evaluated
 * on the last `rule.window` of them ending there, as the scan would have on that close.
 */
export function ruleAt(rule: ExitRule, closed: readonly OhlcvRow[], index: number, side: Side): RuleAnswer {
  const from = Math.max(0, index + 1 - rule.window);
  const have = index + 1 - from;
  if (have < rule.warmup) return { kind: 'no-history', have };
  const note = rule.at(candlesFromRows(closed.slice(from, index + 1)), side);
  return note === null ? { kind: 'hold' } : { kind: 'exit', note };
}
