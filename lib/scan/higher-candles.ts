/**
 * The live side of multi-timeframe strategies (docs/multi-timeframe.md): what a symbol's scan
 * fetches of each higher timeframe, validated like the scan's own candles.
 *
 * Per symbol and scanned timeframe, each distinct higher timeframe any configured strategy
 * declares (`higherTimeframes(params)`) is fetched ONCE, with the largest count any of them
 * needs plus one row for the forming candle — so a scan makes 1 + (distinct higher timeframes)
 * candle requests per symbol, shared by every strategy. Only the higher candles CLOSED at `now`
 * are passed on; the strategies' alignment (lib/core/strategies/higher.ts) then shows each
 * lower candle only the higher candles closed at its own close.
 */
import { candlesFromRows, type Candles } from '../core/candle.js';
import { higherNeedProblem, higherRatio } from '../core/strategies/higher.js';
import { getStrategy } from '../core/strategies/index.js';
import type { Strategy } from '../core/strategies/types.js';
import type { Timeframe } from '../core/timeframe.js';
import type { StrategyConfig } from '../config/schema.js';
import { PermanentError } from '../errors.js';
import type { ExchangePort } from '../ports/exchange.js';
import { fetchLiveCandles } from './live-candles.js';

export interface HigherFetch {
  readonly timeframe: Timeframe;
  /** Closed candles needed (the largest need of the strategies); the request asks one more. */
  readonly candles: number;
}

export type HigherCandles = Readonly<Partial<Record<Timeframe, Candles>>>;

/**
 * The higher timeframes the strategies on `timeframe` need, each once with the largest count,
 * in first-declared order. A higher timeframe that is not a strict multiple of `timeframe` is a
 * PermanentError BAD_HIGHER_TIMEFRAME, a need outside 1..MAX_HIGHER_CANDLES BAD_STRATEGY (the
 * config refuses both first).
 */
export function higherFetches(
  strategies: readonly Pick<StrategyConfig, 'name' | 'params'>[],
  timeframe: Timeframe,
  strategyOf: (name: string) => Strategy<any> = getStrategy,
): HigherFetch[] {
  const need = new Map<Timeframe, number>();
  for (const entry of strategies) {
    const strategy = strategyOf(entry.name);
    for (const h of strategy.higherTimeframes?.(entry.params as never) ?? []) {
      higherRatio(timeframe, h.timeframe);
      const problem = higherNeedProblem(timeframe, h.timeframe, h.candles);
      if (problem !== undefined) throw new PermanentError(`strategy "${entry.name}" reads ${h.timeframe}: ${problem}`, { code: 'BAD_STRATEGY' });
      need.set(h.timeframe, Math.max(need.get(h.timeframe) ?? 0, h.candles));
    }
  }
  return [...need].map(([tf, candles]) => ({ timeframe: tf, candles }));
}

/**
 * Fetches and validates each higher timeframe of `fetches` (one request each, in order): every
 * row validated (validateCandles), the forming candle required to be the one open now
 * (splitLive), the newest closed candle required to be the one that just closed (else the
 * exchange has not published it yet: TransientError STALE_CANDLES — at a higher boundary the
 * strategy must see that candle, as a backtest does), at least `candles` closed ones (else
 * PermanentError INSUFFICIENT_HISTORY). Exchange errors propagate as thrown by the port, so the
 * scan classifies them like the lower fetch's.
 */
export async function fetchHigher(exchange: ExchangePort, symbol: string, fetches: readonly HigherFetch[], now: number): Promise<HigherCandles> {
  const out: Partial<Record<Timeframe, Candles>> = {};
  for (const { timeframe, candles } of fetches) {
    const where = `${symbol} ${timeframe} (higher timeframe)`;
    const invalid = (error: PermanentError): never => {
      throw new PermanentError(`${where}: ${error.message}`, { code: error.code, cause: error });
    };
    const { closed } = await fetchLiveCandles({ exchange, symbol, timeframe, count: candles, now, where, invalid });
    if (closed.length < candles) {
      throw new PermanentError(`${symbol}: ${closed.length} closed ${timeframe} candles, the strategies need ${candles}`, { code: 'INSUFFICIENT_HISTORY' });
    }
    out[timeframe] = candlesFromRows(closed);
  }
  return Object.freeze(out);
}
