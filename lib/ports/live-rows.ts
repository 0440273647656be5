/** Rows of the live-trading store as the use cases see them (the port: ./live.ts). */
import type { OrderStatus } from '../core/live/order-state.js';
import type { Timeframe } from '../core/timeframe.js';
import type { LiveBook } from '../core/live/live-ledger.js';

// ---------------------------------------------------------------------------------------------
// Rows as the use cases see them

export interface LiveHalt {
  /** Why new entries stopped, e.g. `drawdown 26.1% ≥ 25% (equity 147.8, peak 200)` or `panic`. */
  readonly reason: string;
  readonly at: number;
}

export interface LivePanic {
  readonly requestedAt: number;
  /** Who asked (a Telegram user id as text, or `cli`). */
  readonly by: string;
  /** Set by reconcile once it executed the panic (cancelled orders, sold positions). */
  readonly handledAt?: number;
  /** One line of what it did (`cancelled 3, closed 2, failed 0`). */
  readonly report?: string;
}

export interface SeenBalance {
  readonly free: number;
  readonly used: number;
  readonly total: number;
}

/**
 * The bot's budget on one live exchange (row `budget#<exchange>`): the book of
 * lib/core/live/live-ledger.ts — start (the configured budget when the row was created),
 * available (free to reserve), reserved (held by entry orders not yet final), invested (book
 * cost of the open positions), realised (Σ proceeds − cost, before fees), fees (Σ every entry
 * and exit fee, in quote), openCount (entries in flight plus open positions, each holding its
 * market's lock), peakEquity (highest start + realised − fees after a close: the drawdown's
 * reference) — plus where it lives, its switches and the balances reconcile saw.
 */
export interface LiveBudget extends LiveBook {
  readonly exchange: string;
  /** The quote currency every live market of the exchange shares. */
  readonly quote: string;
  readonly halted?: LiveHalt;
  readonly panic?: LivePanic;
  /** The exchange's balances as last seen by reconcile (/balance). */
  readonly balances?: Readonly<Record<string, SeenBalance>>;
  readonly balancesAt?: number;
  readonly createdAt: number;
}

export type OrderRole = 'entry' | 'exit';

export interface LiveOrder {
  readonly clientOrderId: string;
  /** The live position it belongs to (its signal id); absent only on an adopted order. */
  readonly positionId?: string;
  readonly signalId?: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly strategy?: string;
  readonly timeframe?: Timeframe;
  readonly role: OrderRole;
  readonly side: 'buy' | 'sell';
  readonly type: 'limit' | 'market';
  /** Base amount asked (at the market's precision). */
  readonly amount: number;
  /** Limit price; absent for a market order. */
  readonly price?: number;
  /** Quote reserved for it (entry orders; 0 for exits). */
  readonly stake: number;
  readonly status: OrderStatus;
  /** Optimistic version: every change is conditional on it (1 at intent). */
  readonly version: number;
  readonly exchangeOrderId?: string;
  /** Base filled so far (totals, never decreasing). */
  readonly filled: number;
  /** Quote spent (buy) or received (sell) so far: Σ fill price × amount. */
  readonly cost: number;
  /** Every fee so far, in quote. */
  readonly fee: number;
  /** The part of `fee` charged in the base asset (quote value): the position holds that much less. */
  readonly feeFromBase: number;
  /** The same part in base units (what the position holds less than `filled`). */
  readonly baseFee: number;
  /** Exchange trade ids already counted (a fill is counted once). */
  readonly fills: readonly string[];
  /** Look-ups that did not find it (ORDER_ANSWER_UNKNOWN); lost after LOOKUPS_BEFORE_LOST. */
  readonly lookups: number;
  /** Why it was rejected, cancelled, expired or lost. */
  readonly reason?: string;
  /** Written by reconcile for an order with a bot id found at the exchange without a row. */
  readonly adopted?: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly submittedAt?: number;
  /** Entry timeout: the unfilled rest is cancelled after this. */
  readonly deadline?: number;
}

export type LivePositionStatus = 'opening' | 'open' | 'closing' | 'closed';

/** `rule`: the strategy's exit rule fired on a closed candle (issue 16; the note says why). */
export type LiveExitReason = 'stop' | 'target' | 'signal' | 'panic' | 'protection-failed' | 'manual' | 'rule';

export interface LiveProtection {
  /** 0 for the first OCO; + 1 each time it is re-placed (the ids derive from it). */
  readonly generation: number;
  readonly listClientOrderId?: string;
  readonly stopClientOrderId?: string;
  readonly targetClientOrderId?: string;
  readonly state: 'placed' | 'failed' | 'none';
  /** Why placing failed (state failed). */
  readonly reason?: string;
  readonly at: number;
}

export interface LiveExit {
  /** The order that closed it: an exit order or a protective leg. */
  readonly clientOrderId: string;
  readonly reason: LiveExitReason;
  /** Reason `rule` only: the strategy's reason (1–40 characters), shown in the close message. */
  readonly note?: string;
  /** Average fill price; absent while the exit is only started (closing). */
  readonly price?: number;
  readonly amount?: number;
  readonly proceeds?: number;
  readonly fee?: number;
}

export interface LivePosition {
  readonly positionId: string;
  readonly signalId: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly strategy: string;
  readonly timeframe: Timeframe;
  readonly side: 'long';
  readonly status: LivePositionStatus;
  /** The entry order's client order id. */
  readonly entryClientOrderId: string;
  /** Quote reserved at intent. */
  readonly stake: number;
  /** Base held (filled less a base-asset fee); 0 until the entry settles, and after an unfilled entry. */
  readonly qty: number;
  /** Book cost (quote): what the entry fills cost, less the quote value of a fee taken in base. */
  readonly cost: number;
  /** The entry fees in quote. */
  readonly entryFee: number;
  /** Average entry fill price (cost of the fills / filled); absent until filled. */
  readonly avgEntry?: number;
  /** What the pure position rules said (lib/core/positions): kept next to the fills. */
  readonly ruleEntry: number;
  readonly ruleStop: number;
  readonly ruleTarget: number;
  /** The protective prices in force. */
  readonly stop: number;
  readonly target: number;
  readonly protection: LiveProtection;
  /**
   * Open time of the last closed candle the strategy's exit rule was evaluated on (reconcile,
   * lib/live/rule-exit.ts); absent: none yet (the first one checked is the candle after the signal's).
   */
  readonly ruleCheckedAt?: number;
  readonly exit?: LiveExit;
  /** Net PnL (proceeds − cost − entry fee − exit fee) once closed; 0 for an unfilled entry. */
  readonly pnl?: number;
  /** Who is told about its orders and fills (the signal's recipients). */
  readonly recipients: readonly number[];
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly closedAt?: number;
}
