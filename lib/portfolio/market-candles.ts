import type { OhlcvRow } from '../core/candle.js';
import { lastClosedOpenTime, timeframeMs, type Timeframe } from '../core/timeframe.js';
import { splitLive, validateCandles } from '../core/validate-candles.js';
import type { ExchangePort } from '../ports/exchange.js';

/** Most candles fetched per market and run (Binance's klines maximum). */
export const MAX_FETCH = 1000;

export interface MarketCandles {
  /** Validated closed candles, oldest first, covering (since, last closed] as far as the window allows. */
  readonly closed: readonly OhlcvRow[];
  /** Gaps the exchange left in them. */
  readonly gaps: number;
  /** The forming candle, when the exchange returned it (validated; for the mark only, never for exits). */
  readonly forming?: OhlcvRow;
}

/**
 * The closed candles of one market after `since` (an open time), through the exchange port:
 * enough rows for every candle closed since then plus the forming one and one overlap row,
 * at most MAX_FETCH. Every row validated (INVALID_CANDLE otherwise, also for a "forming"
 * candle from the future: `splitLive`); the forming candle is returned apart.
 *
 * `window` (an exit rule's: the closed candles the scan evaluates, config `scan.candles`): the
 * first candle after `since` gets `window − 1` closed candles of history before it, so that the
 * rule sees on each unchecked candle what the scan saw on its close — bounded by what the scan
 * itself requests (`window + 1` rows) or MAX_FETCH, whichever is larger; when more candles are
 * unchecked than that allows, the oldest of them get less history.
 */
export async function closedCandlesSince(exchange: ExchangePort, symbol: string, tf: Timeframe, since: number, now: number, window = 0): Promise<MarketCandles> {
  const wanted = Math.max(0, Math.floor((lastClosedOpenTime(now, tf) - since) / timeframeMs(tf)));
  const limit = window > 0 ? Math.min(Math.max(MAX_FETCH, window + 1), Math.max(wanted + 2, wanted + window)) : Math.min(MAX_FETCH, wanted + 2);
  const raw = await exchange.fetchCandles(symbol, tf, limit);
  const validated = validateCandles(raw, tf);
  if (!validated.ok) throw validated.error;
  const { closed, forming } = splitLive(validated.rows, now, tf);
  return forming === undefined ? { closed, gaps: validated.gaps.length } : { closed, forming, gaps: validated.gaps.length };
}
