/**
 * What the live-trading commands (/panic, /orders, /balance and the live part of /resume) share:
 * the live exchanges of the config with their venue (🔴 LIVE / 🧪 TESTNET), the LiveStore
 * (lib/ports/live.ts; absent when the function has no LIVE_TABLE), and the answers when there is
 * nothing live to act on — a clear sentence, never an error.
 */
import { liveExchanges, liveTradingOf, quoteCurrencyOf } from '../../config/trading-schema.js';
import type { ExchangeConfig } from '../../config/schema.js';
import { clip, tradingMarker, venueOf } from '../../core/live-text.js';
import { escapeHtml } from '../../core/format.js';
import type { LiveStore } from '../../ports/live.js';
import type { Log } from '../../ports/log.js';
import type { RowProblem } from '../../ports/positions.js';

/** A live exchange as the commands need it (from its `trading` config). */
export interface LiveExchangeInfo {
  readonly id: string;
  readonly venue: 'live' | 'testnet';
  /** The quote currency of its budget (every symbol shares it). */
  readonly quote: string;
  /** The configured budget (the budget row's start when /panic has to create it). */
  readonly budget: number;
}

export type LiveCommandStore = Pick<LiveStore, 'ensureBudget' | 'getBudget' | 'requestPanic' | 'resume' | 'listInFlightOrders' | 'listRecentOrders' | 'listOpenPositions'>;

export interface LiveCommandDeps {
  /** The config's live exchanges, in config order (liveExchangeInfos). */
  readonly exchanges: readonly LiveExchangeInfo[];
  /** Undefined when the function has no LIVE_TABLE: the commands say live trading is not configured. */
  readonly store: LiveCommandStore | undefined;
  readonly log: Log;
}

/** The live exchanges of the config. */
export function liveExchangeInfos(exchanges: readonly ExchangeConfig[]): LiveExchangeInfo[] {
  return liveExchanges({ exchanges }).map((e) => {
    const trading = liveTradingOf(e)!;
    return { id: e.id, venue: venueOf(trading.sandbox), quote: quoteCurrencyOf(e), budget: trading.budget };
  });
}

export const NO_LIVE_EXCHANGE = 'No exchange trades live: every exchange is in paper mode (<code>exchanges[].trading.mode</code>), so there is no live order, position or budget.';

export function notConfiguredText(exchanges: readonly LiveExchangeInfo[]): string {
  const names = exchanges.map((e) => escapeHtml(e.id)).join(', ');
  return `Live trading is not configured here: the config trades live on ${names}, but the bot has no live table (LIVE_TABLE is not set for it). Nothing was read or changed.`;
}

/** The store and the exchanges, or the sentence to answer instead. */
export function liveSetup(deps: LiveCommandDeps): { readonly store: LiveCommandStore; readonly exchanges: readonly LiveExchangeInfo[] } | { readonly answer: string } {
  if (deps.exchanges.length === 0) return { answer: NO_LIVE_EXCHANGE };
  if (!deps.store) return { answer: notConfiguredText(deps.exchanges) };
  return { store: deps.store, exchanges: deps.exchanges };
}

/** `🧪 TESTNET binance` in bold. */
export const exchangeHeading = (e: LiveExchangeInfo): string => `<b>${tradingMarker(e.venue)} ${escapeHtml(e.id)}</b>`;

/** Rows that failed validation are logged and shown as one line (never fixed here). */
export function corruptLine(what: string, problems: readonly RowProblem[], log: Log, exchange: string): string[] {
  if (problems.length === 0) return [];
  log.warn(`live ${what}: invalid rows skipped`, { exchange, corrupt: problems });
  return [`⚠️ ${problems.length} unreadable ${what} row${problems.length === 1 ? '' : 's'} skipped (logged): ${escapeHtml(clip(problems[0]!.reason, 120))}`];
}
