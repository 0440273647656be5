/**
 * The account's fills in one market since a time, oldest first, bounded.
 * 1. One request for the most recent 1000 fills: when it holds fewer, or reaches back to
 *    `sinceMs`, it holds every fill since then (the usual case: one request, whatever the age).
 * 2. Otherwise (over 1000 fills since then) the range is walked forward from `sinceMs` in 24 h
 *    windows — Binance spot's myTrades takes at most 24 h between startTime and endTime — a full
 *    page continuing inside its window, at most MAX_FILL_REQUESTS requests (about a month).
 *    When the bound stops the walk early, the fills returned are still the oldest ones (the
 *    caller continues from the last fill's time); when over 1000 fills lie beyond a month of
 *    empty windows after `sinceMs`, none are returned — a bound, not a loss: nothing is skipped.
 */
import type { Exchange } from 'ccxt';
import type { ExchangeFill } from '../../ports/trading.js';
import { toExchangeFill } from './trading-parse.js';

/** 1 + 31 windows: a month of history in the rare case of over 1000 fills since `sinceMs` (weight 20 each). */
export const MAX_FILL_REQUESTS = 32;
const PAGE = 1000;
const WINDOW_MS = 86_400_000 - 1;
/** Fills stamped by an exchange clock slightly ahead of ours are still collected. */
const AHEAD_MS = 60_000;

export async function collectFills(exchange: Exchange, symbol: string, sinceMs: number, nowMs: number, context: string): Promise<readonly ExchangeFill[]> {
  const byId = new Map<string, ExchangeFill>();
  const recent = await exchange.fetchMyTrades(symbol, undefined, PAGE);
  const oldest = recent[0]?.timestamp;
  if (recent.length < PAGE || (typeof oldest === 'number' && oldest <= sinceMs)) {
    for (const raw of recent) {
      const fill = toExchangeFill(raw, { symbol, context });
      if (fill.time >= sinceMs) byId.set(fill.tradeId, fill);
    }
    return sorted(byId);
  }
  let start = Math.max(0, Math.floor(sinceMs));
  const stop = nowMs + AHEAD_MS;
  for (let requests = 1; start <= stop && requests < MAX_FILL_REQUESTS; requests++) {
    const end = Math.min(start + WINDOW_MS, stop);
    const page = await exchange.fetchMyTrades(symbol, start, PAGE, { until: end });
    for (const raw of page) {
      const fill = toExchangeFill(raw, { symbol, context });
      byId.set(fill.tradeId, fill);
    }
    const last = page.at(-1)?.timestamp;
    // A full page: more in this window after its last fill (same-ms fills are deduplicated by id).
    start = page.length >= PAGE && typeof last === 'number' && last > start ? last : end + 1;
  }
  return sorted(byId);
}

function sorted(byId: ReadonlyMap<string, ExchangeFill>): readonly ExchangeFill[] {
  return Object.freeze([...byId.values()].sort((a, b) => a.time - b.time || compareIds(a.tradeId, b.tradeId)));
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
