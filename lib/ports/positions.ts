/**
 * Paper-trading ports: the portfolio ledger, positions, trades, statistics and the
 * position-event outbox. The DynamoDB adapter is lib/store/positions/position-store.ts; every
 * write that moves money is one conditional TransactWriteItems.
 */
import type { ClosedPosition, OpenPosition, RejectedPosition, Side } from '../core/positions/index.js';
import type { Signal } from '../core/signal.js';
import type { Timeframe } from '../core/timeframe.js';
import type { ChartSpec } from '../core/notification.js';
import type { TradeStats } from '../core/stats.js';
import type { OutboxStore } from './outbox.js';

/** Where a position trades and which strategy opened it (the pure position has the symbol). */
export interface PositionMeta {
  readonly strategy: string;
  readonly exchange: string;
  readonly timeframe: Timeframe;
}

/**
 * The terms fixed when the position opened (a later config change does not reprice it): fee,
 * slippage and the time exit. The trailing distance is fixed on the position itself (`trail`).
 */
export interface PositionCosts {
  readonly feeRate: number;
  readonly slippageBps: number;
  /** Time exit at the close of the n-th candle held; null = none. */
  readonly maxBars: number | null;
}

/** Mark to market: the latest price seen (live: the forming candle's last price) and the PnL of closing there. */
export interface PositionMark {
  readonly price: number;
  /** Net PnL if the position were closed at `price` now (exit fill with slippage, both fees). */
  readonly unrealisedPnl: number;
  /** When the price was seen (epoch ms). */
  readonly at: number;
}

export interface StoredOpenPosition {
  readonly position: OpenPosition;
  readonly meta: PositionMeta;
  readonly costs: PositionCosts;
  /** Optimistic version of the row: every change is conditional on it. */
  readonly version: number;
  /** Open time of the last candle checked against the position (at first: the signal candle). */
  readonly lastChecked: number;
  readonly openedAt: number;
  /** Latest mark written by the monitor (absent until the first run). */
  readonly mark?: PositionMark;
}

export type StoredPosition =
  | { readonly status: 'open'; readonly open: StoredOpenPosition }
  | { readonly status: 'closed'; readonly position: ClosedPosition; readonly meta: PositionMeta; /** Exit by rule: its reason. */ readonly exitNote?: string }
  | { readonly status: 'rejected'; readonly position: RejectedPosition; readonly meta: PositionMeta };

/** The paper portfolio; mirrors the pure `Ledger` (cash = available). */
export interface PortfolioState {
  readonly start: number;
  readonly available: number;
  readonly reserved: number;
  readonly openCount: number;
  readonly closedCount: number;
  readonly realisedGross: number;
  readonly fees: number;
  readonly createdAt: number;
}

/** Why an open was refused; recorded on the rejected position row (paper) or the rejected entry order row (live). */
export type RefusalReason = 'already-open' | 'max-open' | 'no-budget' | 'portfolio-corrupt' | 'no-atr' | LiveRefusalReason;

/** The reasons only live trading has: its limits, the market's sizing rules, spot long only, the exchange's rejection. */
export type LiveRefusalReason =
  | 'max-stake'
  | 'daily-loss'
  | 'cooldown'
  | 'halted'
  | 'panic'
  | 'min-amount'
  | 'min-notional'
  | 'max-amount'
  | 'zero-amount'
  | 'spot-long-only'
  | 'rejected';

/** A row that failed validation: quarantined (marked with the reason), never fixed. */
export interface RowProblem {
  /** Which stored row: the store's id of it (opaque here; quarantine takes it back). */
  readonly rowId: string;
  readonly reason: string;
}

export type RowRead<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: RowProblem };

export type PositionEventKind = 'opened' | 'closed';

/** A notification-to-be written in the same transaction as the position change. */
export interface EventDraft {
  readonly kind: PositionEventKind;
  readonly recipients: readonly number[];
  readonly text: string;
  /** Candlestick chart sent with the text (closes, telegram.delivery.charts); stored on the event row (~13 KB). */
  readonly chart?: ChartSpec;
}

export interface PositionEvent extends EventDraft {
  readonly positionId: string;
  readonly createdAt: number;
  /** Unclaimed since / claimed until (epoch ms). */
  readonly leaseUntil: number;
  /** The stored chart failed validation: it is left out (text only) and this says why. */
  readonly chartProblem?: string;
}

export interface OpenCommand {
  readonly position: OpenPosition;
  readonly meta: PositionMeta;
  readonly costs: PositionCosts;
  readonly maxOpen: number;
  readonly now: number;
  readonly event?: EventDraft;
}

export type OpenTxResult =
  | { readonly status: 'opened' }
  /** The position row already exists (a repeat): nothing written. */
  | { readonly status: 'exists' }
  | {
      readonly status: 'refused';
      readonly reason: 'already-open' | 'max-open' | 'no-budget';
      readonly detail: string;
      /** already-open: the position holding the market lock, and its side. */
      readonly holder?: { readonly positionId: string; readonly side: Side };
    }
  /** The portfolio item does not exist yet: create it, then open again. */
  | { readonly status: 'no-portfolio' };

export interface TradeRecord {
  readonly positionId: string;
  readonly strategy: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly side: 'long' | 'short';
  readonly qty: number;
  readonly stake: number;
  readonly entryTime: number;
  readonly entryPrice: number;
  readonly exitTime: number;
  readonly exitPrice: number;
  readonly exitReason: ClosedPosition['exitReason'];
  /** Exit by the strategy's rule (reason `rule`): the rule's reason (1–40 characters). */
  readonly exitNote?: string;
  readonly gross: number;
  readonly fees: number;
  readonly pnl: number;
  readonly bars: number;
  /** exitTime − entryTime (candle open times, ms). */
  readonly durationMs: number;
  readonly closedAt: number;
  /** Position of this trade in its strategy's / symbol's statistics (1 = first). */
  readonly strategySeq: number;
  readonly symbolSeq: number;
}

export type { TradeStats } from '../core/stats.js';

export interface ClosedTrades {
  readonly trades: TradeRecord[];
  /** Trade rows that failed validation (not counted; the caller logs them). */
  readonly invalid: RowProblem[];
  /** More trades matched than `limit`. */
  readonly truncated: boolean;
}

/** Closed paper trades in a time window (/pnl, the daily summary). */
export interface ClosedTradesReader {
  /** Trades with closedAt ≥ `since` (every trade when null), of every strategy with statistics plus `strategies`, at most `limit`. */
  listClosedSince(since: number | null, limit: number, strategies?: readonly string[]): Promise<ClosedTrades>;
}

export type StatsScope = { readonly kind: 'strategy'; readonly strategy: string } | { readonly kind: 'symbol'; readonly exchange: string; readonly symbol: string };

export interface CloseCommand {
  readonly stored: StoredOpenPosition;
  readonly closed: ClosedPosition;
  /** Exit by the strategy's rule (reason `rule`): the rule's reason, kept on the position and trade rows. */
  readonly exitNote?: string;
  readonly now: number;
  readonly event?: EventDraft;
}

export type CloseTxResult =
  | { readonly status: 'closed'; readonly trade: TradeRecord }
  /** The row is no longer open at the version read: another invocation moved it first. */
  | { readonly status: 'lost' };

/** Reversal: close `stored` (reason `signal`) and open `position` at the same reference price, in one transaction. */
export interface ReverseCommand {
  readonly stored: StoredOpenPosition;
  readonly closed: ClosedPosition;
  readonly position: OpenPosition;
  readonly meta: PositionMeta;
  readonly costs: PositionCosts;
  readonly now: number;
  readonly closedEvent?: EventDraft;
  readonly openedEvent?: EventDraft;
}

export type ReverseTxResult =
  | { readonly status: 'reversed'; readonly trade: TradeRecord }
  /** The new position's row already exists (another invocation decided this signal): nothing written. */
  | { readonly status: 'exists' }
  /** The old position is no longer open at the version read (closed or progressed meanwhile): nothing written. */
  | { readonly status: 'lost' }
  /** Available + what the close releases does not cover the new stake: nothing written. */
  | { readonly status: 'no-budget'; readonly detail: string }
  | { readonly status: 'no-portfolio' };

/** Writes: every money movement is one conditional transaction. */
export interface PositionLedger {
  getPortfolio(): Promise<RowRead<PortfolioState> | undefined>;
  /** Creates the portfolio with `start` if absent (a no-op when another invocation did). */
  createPortfolio(start: number, now: number): Promise<void>;
  open(command: OpenCommand): Promise<OpenTxResult>;
  /** Records a refused open as a rejected position; `exists` when the id was already decided. */
  refuse(position: RejectedPosition, meta: PositionMeta, costs: PositionCosts, now: number): Promise<'recorded' | 'exists'>;
  close(command: CloseCommand): Promise<CloseTxResult>;
  /** Closes the open position and opens the reverse one in ONE transaction (lib/store/positions/reverse.ts). */
  reverse(command: ReverseCommand): Promise<ReverseTxResult>;
  /** Saves a still-open position after more candles (and its mark); false when the version moved meanwhile. */
  saveProgress(stored: StoredOpenPosition, next: OpenPosition, lastChecked: number, mark: PositionMark, now: number): Promise<boolean>;
  /** Writes the mark of a still-open position (no version change: a mark decides nothing); false when closed or a newer mark is stored. */
  saveMark(stored: StoredOpenPosition, mark: PositionMark): Promise<boolean>;
  /** Marks a row that failed validation with the reason and takes it off the lists; false if it changed meanwhile. */
  quarantine(problem: RowProblem, now: number): Promise<boolean>;
}

export interface PositionQueries {
  getPosition(id: string): Promise<RowRead<StoredPosition> | undefined>;
  /** Open positions, at most `limit`. */
  listOpen(limit: number): Promise<{ positions: StoredOpenPosition[]; corrupt: RowProblem[]; truncated: boolean }>;
  /** Refused opens, newest last, at most `limit`. */
  listRejected(limit: number): Promise<{ positionId: string; reason: string }[]>;
  /** Rows taken off the lists by quarantine, oldest first, at most `limit`. */
  listQuarantined(limit: number): Promise<RowProblem[]>;
  listTrades(strategy: string, limit: number): Promise<{ trades: TradeRecord[]; corrupt: RowProblem[] }>;
  getStats(scope: StatsScope): Promise<RowRead<TradeStats> | undefined>;
}

/**
 * The position-event outbox: the shared OutboxStore (lib/ports/outbox.ts) over the event rows;
 * a row that fails validation is listed apart as a RowProblem (the relay quarantines it).
 */
export interface PositionEventStore extends OutboxStore<PositionEvent, RowProblem> {}

export type PositionStore = PositionLedger & PositionQueries & PositionEventStore;

export type OpenOutcome =
  | {
      readonly status: 'opened';
      readonly positionId: string;
      readonly stake: number;
      /** Set when the signal reversed an opposite position (closed with reason `signal` in the same transaction). */
      readonly reversed?: { readonly positionId: string; readonly pnl: number };
    }
  | { readonly status: 'refused'; readonly positionId: string; readonly reason: RefusalReason; readonly detail: string }
  /** Decided before (a repeated scan or re-drive): nothing changed. */
  | { readonly status: 'exists'; readonly positionId: string; readonly state: StoredPosition['status'] | 'quarantined' };

/** What the producer of a signal already holds for the position's notifications. */
export interface OpenContext {
  /** The signal's chart (its candles end at the signal candle): a reversal's close event reuses its candles and lines. */
  readonly chart?: ChartSpec;
}

/** Opens the paper position of a recorded signal, exactly once. */
export interface PositionOpener {
  open(signal: Signal, context?: OpenContext): Promise<OpenOutcome>;
}
