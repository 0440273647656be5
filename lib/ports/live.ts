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
import type { RowRead } from './positions.js';
import type { SeenBalance, LiveBudget, LiveOrder, LiveProtection, LivePosition } from './live-rows.js';
import type { IntentCommand, IntentResult, OrderAdvance, AdvanceResult, SettleEntryCommand, SettleResult, ExitCommand, ExitResult, CloseCommand, CloseResult, AdoptCommand, RefusalCommand, FinishAdoptedCommand, LiveList } from './live-commands.js';

export type { OrderStatus } from '../core/live/order-state.js';
export type { RowProblem, RowRead } from './positions.js';

export type * from './live-rows.js';
export type * from './live-commands.js';

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
  /**
   * The exit rule was evaluated up to the closed candle opening at `candleTime`: recorded on an
   * open position at `version` (versioned, so concurrent runs check a candle once); the new position, or stale.
   */
  setRuleChecked(positionId: string, version: number, candleTime: number, now: number): Promise<{ readonly status: 'set'; readonly position: LivePosition } | { readonly status: 'stale'; readonly current?: LivePosition }>;
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
