/**
 * The live-trading store (issue 15): the bot's budget per live exchange, its orders (by client
 * order id) and its live positions, as the use cases (lib/live/) and the bot see them. The
 * DynamoDB adapter is lib/store/live/ over LiveTable (infra/tables.yml, env LIVE_TABLE).
 *
 * Guarantees:
 * - every change that moves money (recordIntent, settleEntry, closePosition) is ONE conditional
 *   TransactWriteItems; a refused one writes nothing and says why;
 * - every order change is versioned and forward only (lib/core/live/order-state.ts): a stale or
 *   backward change is answered `stale`, never applied;
 * - the budget row conserves money exactly on the 1e-10 grid (lib/core/live/live-ledger.ts):
 *   available + reserved + invested = start + realised − fees.
 * Amounts are base currency, prices, costs and fees quote currency (fees converted to quote by
 * lib/core/live/fees.ts), times epoch ms.
 */
import type { OrderStatus } from '../core/live/order-state.js';
import type { Timeframe } from '../core/timeframe.js';
import type { RowProblem, RowRead } from './positions.js';

export type { OrderStatus } from '../core/live/order-state.js';
export type { RowProblem, RowRead } from './positions.js';

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

/** The bot's budget on one live exchange (row `budget#<exchange>`). */
export interface LiveBudget {
  readonly exchange: string;
  /** The quote currency every live market of the exchange shares. */
  readonly quote: string;
  /** The configured budget when the row was created. */
  readonly start: number;
  /** Free to reserve for new entries. */
  readonly available: number;
  /** Held by entry orders not yet final. */
  readonly reserved: number;
  /** Book cost of the open positions. */
  readonly invested: number;
  /** Σ (proceeds − cost) of closed positions (before fees). */
  readonly realised: number;
  /** Σ every entry and exit fee, in quote. */
  readonly fees: number;
  /** Entries in flight plus open positions (each holds its market's lock). */
  readonly openCount: number;
  /** Highest equity (start + realised − fees) seen after a close; the drawdown's reference. */
  readonly peakEquity: number;
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

export type LiveExitReason = 'stop' | 'target' | 'signal' | 'panic' | 'protection-failed' | 'manual';

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

// ---------------------------------------------------------------------------------------------
// Commands and answers

/** The limits the intent transaction enforces (from the exchange's `trading` config). */
export interface IntentLimits {
  readonly maxOpenPositions: number;
  /** The maximum stake per trade: a larger stake is refused (`max-stake`) before anything is written. */
  readonly maxStake: number;
  /** No entry once today's (UTC) realised PnL ≤ −this. */
  readonly dailyLossLimit: number;
}

export interface IntentCommand {
  readonly order: {
    readonly clientOrderId: string;
    readonly type: 'limit' | 'market';
    readonly amount: number;
    readonly price?: number;
    /** Quote to reserve (≤ limits.maxStake, ≥ amount × price for a limit). */
    readonly stake: number;
    /** Entry timeout (epoch ms). */
    readonly deadline: number;
  };
  readonly position: {
    readonly positionId: string;
    readonly signalId: string;
    readonly exchange: string;
    readonly symbol: string;
    readonly strategy: string;
    readonly timeframe: Timeframe;
    readonly ruleEntry: number;
    readonly ruleStop: number;
    readonly ruleTarget: number;
    readonly recipients: readonly number[];
  };
  readonly limits: IntentLimits;
  readonly now: number;
}

export type IntentRefusal = 'already-open' | 'max-open' | 'max-stake' | 'no-budget' | 'daily-loss' | 'cooldown' | 'halted' | 'panic' | 'no-budget-row';

export type IntentResult =
  /** Order row (intent), position row (opening), lock and reservation written together. */
  | { readonly status: 'created'; readonly order: LiveOrder; readonly position: LivePosition }
  /** The order row already exists (a repeat): nothing written. */
  | { readonly status: 'exists' }
  /** Nothing written; `detail` carries the numbers (`available 12.5 < stake 20`). */
  | { readonly status: 'refused'; readonly reason: IntentRefusal; readonly detail: string };

/** Totals of an order's fills (replacing the stored totals; never smaller). */
export interface OrderFills {
  readonly filled: number;
  readonly cost: number;
  readonly fee: number;
  readonly feeFromBase: number;
  readonly baseFee: number;
  /** Every trade id counted so far (the stored ones included). */
  readonly tradeIds: readonly string[];
}

/** A versioned, forward-only change of a non-final order (status and/or fills and/or a look-up). */
export interface OrderAdvance {
  readonly clientOrderId: string;
  /** The version and status read: the change applies only if both are still stored. */
  readonly version: number;
  readonly from: OrderStatus;
  /**
   * Same as `from` to record fills or a look-up only. A final status of an ENTRY order goes
   * through settleEntry (it releases the reservation): advanceOrder throws ILLEGAL_TRANSITION.
   */
  readonly to: OrderStatus;
  /** Never smaller than the stored totals (a decrease is answered `stale`). */
  readonly fills?: OrderFills;
  readonly exchangeOrderId?: string;
  readonly submittedAt?: number;
  /** Count one more failed look-up. */
  readonly lookup?: boolean;
  readonly reason?: string;
  readonly now: number;
}

export type AdvanceResult =
  | { readonly status: 'advanced'; readonly order: LiveOrder }
  /** Version or status moved meanwhile (or the change would go backward): nothing written; read again. */
  | { readonly status: 'stale'; readonly current?: LiveOrder }
  | { readonly status: 'missing' };

/** The entry order became final (filled, or cancelled/expired/rejected/lost with what filled before). */
export interface SettleEntryCommand {
  readonly clientOrderId: string;
  readonly version: number;
  readonly from: OrderStatus;
  readonly to: 'filled' | 'cancelled' | 'expired' | 'rejected' | 'lost';
  /** The final totals (zero fills for an entry that never filled). */
  readonly fills: OrderFills;
  readonly exchangeOrderId?: string;
  readonly reason?: string;
  /** Stop and target in force for the open position (the rule's, or re-derived from the fill). */
  readonly stop: number;
  readonly target: number;
  readonly now: number;
}

export type SettleResult =
  | { readonly status: 'settled'; readonly order: LiveOrder; readonly position: LivePosition }
  | { readonly status: 'stale'; readonly current?: LiveOrder }
  | { readonly status: 'missing' };

/** Starting an exit order (market sell) of an open position: order row + position closing, one transaction. */
export interface ExitCommand {
  readonly positionId: string;
  readonly positionVersion: number;
  readonly order: { readonly clientOrderId: string; readonly type: 'limit' | 'market'; readonly amount: number; readonly price?: number };
  readonly reason: LiveExitReason;
  readonly now: number;
}

export type ExitResult =
  | { readonly status: 'created'; readonly order: LiveOrder; readonly position: LivePosition }
  | { readonly status: 'exists' }
  /** The position is not open at that version. */
  | { readonly status: 'stale'; readonly current?: LivePosition };

export interface CloseCommand {
  readonly positionId: string;
  readonly version: number;
  readonly exit: {
    readonly clientOrderId: string;
    readonly reason: LiveExitReason;
    readonly price: number;
    readonly amount: number;
    /** Quote received (Σ fill price × amount). */
    readonly proceeds: number;
    /** Exit fees in quote. */
    readonly fee: number;
  };
  /** Fraction: new entries halt once equity < peak × (1 − this). */
  readonly maxDrawdown: number;
  /** After a stop exit, no entry in the market for this long. */
  readonly cooldownMinutes: number;
  readonly now: number;
}

export type CloseResult =
  | { readonly status: 'closed'; readonly position: LivePosition; readonly pnl: number; readonly halted?: LiveHalt }
  /** Not open/closing at that version: nothing written. */
  | { readonly status: 'stale'; readonly current?: LivePosition }
  | { readonly status: 'missing' };

/** An order with a bot id found at the exchange with no row (reconcile): recorded, money untouched. */
export interface AdoptCommand {
  readonly clientOrderId: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: 'limit' | 'market';
  readonly amount: number;
  readonly price?: number;
  readonly status: OrderStatus;
  readonly exchangeOrderId: string;
  readonly fills: OrderFills;
  readonly now: number;
}

/** A refused entry (sizing, limits, spot-long-only…): recorded as a final `rejected` order row, money untouched. */
export interface RefusalCommand {
  /** The entry id derived from the signal (clientOrderId(signalId, 'entry')). */
  readonly clientOrderId: string;
  readonly signalId: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly strategy: string;
  readonly timeframe: Timeframe;
  readonly side: 'buy' | 'sell';
  /** The refusal's reason code (`min-notional`, `cooldown`, `spot-long-only`…). */
  readonly reason: string;
  readonly detail: string;
  readonly now: number;
}

/** An adopted order the exchange shows final: it leaves the in-flight list (versioned), money untouched. */
export interface FinishAdoptedCommand {
  readonly clientOrderId: string;
  readonly version: number;
  readonly from: OrderStatus;
  readonly to: 'filled' | 'cancelled' | 'expired' | 'rejected' | 'lost';
  readonly fills: OrderFills;
  readonly now: number;
}

export interface LiveList<T> {
  readonly items: T[];
  /** Rows that failed validation (reported, never fixed). */
  readonly corrupt: RowProblem[];
  /** More rows matched than the limit. */
  readonly truncated: boolean;
}

// ---------------------------------------------------------------------------------------------
// The port

export interface LiveStore {
  /** The budget row; created from the config (start, quote) when absent. Refuses (PermanentError) a row of another quote. */
  ensureBudget(exchange: string, quote: string, start: number, now: number): Promise<LiveBudget>;
  getBudget(exchange: string): Promise<RowRead<LiveBudget> | undefined>;

  /** Order (intent) + position (opening) + lock + reservation, with every limit checked in the same transaction. */
  recordIntent(command: IntentCommand): Promise<IntentResult>;
  advanceOrder(change: OrderAdvance): Promise<AdvanceResult>;
  settleEntry(command: SettleEntryCommand): Promise<SettleResult>;
  startExit(command: ExitCommand): Promise<ExitResult>;
  closePosition(command: CloseCommand): Promise<CloseResult>;
  /** The exit order ended without filling (rejected, cancelled): closing → open again at `version`, the exit cleared. */
  cancelExit(positionId: string, version: number, now: number): Promise<{ readonly status: 'reopened'; readonly position: LivePosition } | { readonly status: 'stale'; readonly current?: LivePosition }>;
  /** Records the protective OCO (or its failure) on an open position at `version`; the new position, or stale. */
  setProtection(positionId: string, version: number, protection: LiveProtection, now: number): Promise<{ readonly status: 'set'; readonly position: LivePosition } | { readonly status: 'stale'; readonly current?: LivePosition }>;
  adoptOrder(command: AdoptCommand): Promise<'created' | 'exists'>;
  /** One conditional Put (attribute_not_exists): `exists` when any order row of that id is there (never overwritten). */
  recordRefusal(command: RefusalCommand): Promise<'recorded' | 'exists'>;
  /** Only for an `adopted` order: its final status, moved to the final list; `stale` when version/status moved. */
  finishAdopted(command: FinishAdoptedCommand): Promise<AdvanceResult>;

  getOrder(clientOrderId: string): Promise<RowRead<LiveOrder> | undefined>;
  getPosition(positionId: string): Promise<RowRead<LivePosition> | undefined>;
  /** Orders not final on the exchange, oldest first, at most `limit`. */
  listInFlightOrders(exchange: string, limit: number): Promise<LiveList<LiveOrder>>;
  /** Final orders, newest first, at most `limit` (/orders). */
  listRecentOrders(exchange: string, limit: number): Promise<LiveList<LiveOrder>>;
  /** Positions opening, open or closing, at most `limit`. */
  listOpenPositions(exchange: string, limit: number): Promise<LiveList<LivePosition>>;

  /**
   * Halts new entries at once (recordIntent refuses `panic`); `already` when a panic is pending.
   * Once handled, trading stays halted (reason `panic`) until resume.
   */
  requestPanic(exchange: string, by: string, now: number): Promise<'requested' | 'already' | 'no-budget-row'>;
  /** Marks the pending panic (requested at `requestedAt`) done; false if there is none or another one. */
  markPanicHandled(exchange: string, requestedAt: number, report: string, now: number): Promise<boolean>;
  /** /resume: clears halted and a handled panic. `panic-pending` while reconcile has not executed it. */
  resume(exchange: string, now: number): Promise<'resumed' | 'nothing' | 'panic-pending' | 'no-budget-row'>;
  /** Balances seen at the exchange by reconcile (for /balance); the money of the budget is untouched. */
  recordBalances(exchange: string, balances: Readonly<Record<string, SeenBalance>>, at: number): Promise<void>;
}
