/**
 * The strategy kit: everything a strategy file imports (docs/strategies.md is the reference).
 *
 *   import { defineStrategy, atrBracket, param, z } from '../lib/core/strategies/kit.js';
 *   export default defineStrategy({ name, description, params, warmup, indicators, entry, bracket, ... });
 */
import { defineWithOrigin } from './define.js';
import type { StrategyDefinition } from './definition.js';
import type { Strategy } from './types.js';

export { z } from 'zod';
export { param, paramRanges, MAX_PERIOD, type ParamBounds, type ParamRange } from './params.js';
export {
  atrBracket,
  customBracket,
  percentBracket,
  MAX_ATR_MULTIPLE,
  MAX_STOP_PCT,
  MAX_TAKE_PCT,
  type AtrBracketParams,
  type Bracket,
  type BracketContext,
  type BracketLevels,
  type PercentBracketParams,
} from './brackets.js';
export { defined } from './define.js';
export { MAX_EXIT_REASON, STRATEGY_NAME } from './definition.js';
export type { HigherDeclaration, HigherView, IndicatorContext, StrategyDefinition } from './definition.js';
export type { Candles } from '../candle.js';
export type { BoundIndicators, Source } from '../indicators/bound.js';
export type { Timeframe } from '../timeframe.js';
export type { EvalContext, ExitIntent, HigherNeed, Side, SignalIntent, Strategy, StrategyLine, StrategyPane } from './types.js';

/**
 * A strategy from its definition, validated now (PermanentError `BAD_STRATEGY` naming it when the
 * definition is invalid). Its `origin` is 'user'.
 */
export function defineStrategy<P extends object, I extends object>(definition: StrategyDefinition<P, I>): Strategy<P> {
  return defineWithOrigin(definition, 'user');
}
