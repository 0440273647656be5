import { chartForSignal } from '../core/chart-data.js';
import type { Candles } from '../core/candle.js';
import type { Signal } from '../core/signal.js';
import { getStrategy } from '../core/strategies/index.js';
import type { EvalContext, Strategy } from '../core/strategies/types.js';
import type { BotConfig, StrategyConfig } from '../config/schema.js';
import { describeError } from '../errors.js';
import type { Log } from '../ports/log.js';
import type { ChartSpec } from '../core/notification.js';

/**
 * The chart attached to a signal's notifications (telegram.delivery.charts), from the candles
 * the scan already holds: no extra exchange call. A chart that cannot be built is logged and
 * left out; the signal is sent as text.
 */
export function signalChart(
  deps: { readonly config: Pick<BotConfig, 'telegram'>; readonly log: Log; readonly strategyOf?: ((name: string) => Strategy<any>) | undefined },
  candles: Candles,
  signal: Signal,
  strategies: readonly StrategyConfig[],
  context?: EvalContext,
): ChartSpec | undefined {
  const { charts, chartCandles } = deps.config.telegram.delivery;
  if (!charts) return undefined;
  const entry = strategies.find((s) => s.name === signal.strategy);
  if (!entry) return undefined;
  try {
    return chartForSignal({ candles, signal, strategy: (deps.strategyOf ?? getStrategy)(entry.name), params: entry.params, count: chartCandles, ...(context === undefined ? {} : { context }) });
  } catch (error) {
    deps.log.warn('signal chart could not be built; sent as text', { signalId: signal.id, error: describeError(error) });
    return undefined;
  }
}
