/** Commands of the live-trading store and their answers (the port: ./live.ts). */
import type { OrderStatus } from '../core/live/order-state.js';
import type { Timeframe } from '../core/timeframe.js';
import type { RowProblem } from './positions.js';
import type { LiveHalt, LiveOrder, LiveExitReason, LivePosition } from './live-rows.js';

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
  /** Reason `rule` only: the strategy's reason (1–40 characters). */
  readonly note?: string;
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
    /** Reason `rule` only: the strategy's reason (1–40 characters). */
    readonly note?: string;
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
