/** The strategy registry: every strategy by its config name. */
import { PermanentError } from '../../errors.js';
import { bollingerBreakout } from './bollinger-breakout.js';
import { emaCross } from './ema-cross.js';
import { macdTrend } from './macd-trend.js';
import { rsiReversion } from './rsi-reversion.js';
import type { Strategy } from './types.js';

export const strategyRegistry: Readonly<Record<string, Strategy<any>>> = Object.freeze({
  [emaCross.name]: emaCross,
  [rsiReversion.name]: rsiReversion,
  [bollingerBreakout.name]: bollingerBreakout,
  [macdTrend.name]: macdTrend,
});

export const STRATEGY_NAMES: readonly string[] = Object.freeze(Object.keys(strategyRegistry));

/** The strategy registered as `name`; throws PermanentError `UNKNOWN_STRATEGY` otherwise. */
export function getStrategy(name: string): Strategy<any> {
  const strategy = Object.hasOwn(strategyRegistry, name) ? strategyRegistry[name] : undefined;
  if (strategy === undefined) {
    throw new PermanentError(`Unknown strategy "${name}"; allowed: ${STRATEGY_NAMES.join(', ')}`, {
      code: 'UNKNOWN_STRATEGY',
    });
  }
  return strategy;
}

export { emaCross, rsiReversion, bollingerBreakout, macdTrend };
