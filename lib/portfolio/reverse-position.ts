/**
 * A signal whose market is held by a position of the same strategy (the lock's holder), either side.
 *
 * The live reversal (README "Position rules"): an opposite signal on the close of candle i
 * exits the open position of the same (strategy, exchange, symbol, timeframe) at the next open
 * — the signal's entry reference, i.e. the forming candle's open — with reason `signal`, and
 * opens the reverse position at that same reference price. Both happen in ONE conditional
 * transaction (lib/store/positions/reverse.ts), so repeated or overlapping deliveries of
 * the signal reverse once, and a monitor closing the old position at the same time either wins
 * (the reversal then finds the row moved, returns `retry`, and the signal opens normally on the
 * freed market) or loses (its close finds the version moved).
 *
 * Ordering: the backtester checks candle i's stop/target before it looks at the signal on i's
 * close. Live, the scan records the signal seconds after i closes, usually before the monitor
 * (every minute) has checked candle i. The signal therefore carries candle i (`signal.bar`) and
 * the reversal first catches the old position up (./signal-bar-step.ts):
 * - monitor already checked i: the position as saved;
 * - only candle i unchecked (lastChecked + timeframe = candleTime): the pure `stepOpenPosition`
 *   with that bar. If it exits (stop/target/trailing/time), the old position is closed ALONE
 *   through the normal close transaction (conditional on the version read, so a monitor
 *   closing it at the same time closes it once, identically) with that reason and price, and
 *   the caller retries: the signal then opens normally at the next open — as in the
 *   backtester. If it does not exit, the reversal closes the STEPPED position (best, stop, bars
 *   as the backtester has them) at the same version condition.
 * - The same catch-up applies to a SAME-direction holder: if candle i exits it, it is closed
 *   alone and the signal then opens normally ("after a stop or target exit, a signal on that
 *   same candle's close opens a new position at the next open"); otherwise the signal is
 *   refused `already-open`. Without it the outcome would depend on whether the monitor had
 *   run between the close and the scan.
 * - Fallback, the one remaining difference: when the monitor lags by two candles or more (or
 *   the signal row predates stored bars), the candles in between are unknown here; the
 *   reversal uses the position as last saved, so an exit the backtester takes in those candles
 *   becomes an exit at open[i+1] with reason `signal` live (the new position is the same).

 * The close event carries a chart made from the signal's chart when the scan passed one
 * (./reversal-chart.ts: no exchange call; a re-drive has none and sends text).
 *
 * When the close would release too little for the new stake (or the equity leaves no stake),
 * the old position is closed alone (reason signal) and the caller retries a normal open, which
 * opens or records the refusal. A crash between those two steps is recovered by the signal
 * outbox's re-drive: the signal row stays PENDING, and the re-drive's open finds the market free.
 */
import { renderPositionClosedText, renderPositionOpenedText } from '../core/message.js';
import { closeAt, grossPnl, positionRules, settle, type ClosedPosition, type ClosingPosition, type OpenPosition } from '../core/positions/index.js';
import type { Signal } from '../core/signal.js';
import type { BotConfig } from '../config/schema.js';
import { PermanentError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { RecipientResolver } from '../ports/users.js';
import type { EventDraft, OpenOutcome, PortfolioState, PositionCosts, PositionLedger, PositionMeta, PositionQueries, StoredOpenPosition } from '../ports/positions.js';
import type { ChartSpec } from '../core/notification.js';
import { closeAmounts } from '../core/money.js';
import { reversalCloseChart } from './reversal-chart.js';
import { ruleOnSignalBar, stepSignalBar, type SignalBarRuleDeps } from './signal-bar-step.js';
import { stakeFor } from './stake.js';

export interface ReversalDeps {
  readonly store: Pick<PositionLedger, 'reverse' | 'close' | 'createPortfolio'> & Pick<PositionQueries, 'getPosition'>;
  readonly risk: BotConfig['risk'];
  readonly costs: PositionCosts;
  readonly clock: Clock;
  readonly log: Log;
  readonly recipients: RecipientResolver;
  /** The holder's exit rule on the signal candle (./signal-bar-step.ts `ruleOnSignalBar`). */
  readonly rule: SignalBarRuleDeps;
}

export interface ReversalRequest {
  readonly signal: Signal;
  readonly meta: PositionMeta;
  readonly tfMs: number;
  /** The position holding the market lock (either side). */
  readonly holderId: string;
  readonly portfolio: PortfolioState;
  /** The new position filled at the signal's entry with `stake` (pure rules; already validated for this signal). */
  readonly newPosition: (stake: number) => OpenPosition;
  /** The signal's chart, when the scan built one: the close event's chart is made from it (./reversal-chart.ts). */
  readonly chart?: ChartSpec | undefined;
}

export type ReversalStep =
  | { readonly kind: 'done'; readonly outcome: OpenOutcome }
  /** The new position's row exists: decided by another invocation. */
  | { readonly kind: 'exists' }
  /** The old position moved or was closed alone: open again from the start. */
  | { readonly kind: 'retry' }
  /** Not reversible (same direction and still open after the signal candle, another timeframe, stale signal, unreadable holder): record as already-open. */
  | { readonly kind: 'refuse'; readonly detail: string };

/** Why the holder is not touched at all (its candle not even applied): another timeframe, or a signal not newer than it. */
function refusal(stored: StoredOpenPosition, request: ReversalRequest): string | undefined {
  const { signal, meta, holderId } = request;
  const p = stored.position;
  if (stored.meta.timeframe !== meta.timeframe) return `${holderId} is open on ${stored.meta.timeframe}; a ${meta.timeframe} signal does not reverse it`;
  if (!(signal.candleTime > p.signalTime)) return `stale signal: ${holderId} was opened on a later candle`;
  return undefined;
}

export async function reverseOnSignal(deps: ReversalDeps, request: ReversalRequest): Promise<ReversalStep> {
  const { store, clock, log } = deps;
  const { signal, meta, holderId } = request;
  if (holderId === signal.id) return { kind: 'exists' };
  const read = await store.getPosition(holderId);
  if (!read) throw new PermanentError(`reverse for ${signal.id}: the lock names ${holderId}, which has no position row`, { code: 'LEDGER_INCONSISTENT' });
  if (!read.ok) return { kind: 'refuse', detail: `${holderId} holds the market but failed validation (${read.problem.reason}); not reversed` };
  if (read.value.status !== 'open') return { kind: 'retry' }; // closed meanwhile: its lock is gone too
  const stored = read.value.open;
  const refused = refusal(stored, request);
  if (refused !== undefined) return { kind: 'refuse', detail: refused };

  // The signal candle's own checks first, for a same-direction holder too: a stop or target
  // hit on that candle frees the market and the signal opens at the next open (as in the backtester).
  const caught = stepSignalBar(stored, signal, request.tfMs);
  if (caught.kind === 'exit') return closeOnBar(deps, stored, caught.closing, request);
  // Then the strategy's exit rule on that candle's close (when the monitor had not checked it yet):
  // a rule exit at the next open frees the market too, and the signal then opens normally.
  if (caught.fallback === undefined && stored.lastChecked < signal.candleTime) {
    const ruled = await ruleOnSignalBar(deps.rule, stored, signal, caught.position, request.tfMs);
    if (ruled.kind === 'exit') return closeOnBar(deps, stored, ruled.closing, request, ruled.note);
    if (ruled.kind === 'skipped') log.warn('exit rule not applied on the signal candle', { positionId: stored.position.id, signalId: signal.id, why: ruled.why });
  }
  if (stored.position.side === signal.side) return { kind: 'refuse', detail: `same direction: ${holderId} is already ${stored.position.side}; the signal is ignored` };
  if (caught.fallback !== undefined) log.warn('reversing without the signal candle checks', { positionId: stored.position.id, signalId: signal.id, why: caught.fallback });

  const exitTime = signal.candleTime + request.tfMs;
  const closed = settle(closeAt(caught.position, exitTime, signal.entry, 'signal', positionRules(stored.costs)));
  const amounts = closeAmounts(closed.stake, grossPnl(closed.side, closed.qty, closed.entryPrice, closed.exitPrice), closed.fees);
  const closedEvent = await draft(deps, stored.meta, stored.position.symbol, 'closed', () => renderPositionClosedText({ ...stored.meta, ...closed, pnl: amounts.pnl, fees: amounts.fees }), () =>
    reversalCloseChart(log, request.chart, signal, stored.meta, closed),
  );
  const now = clock.now();
  // The stake of the new position from the equity after the close (a fraction stake grows or shrinks with the PnL).
  const stake = stakeFor(deps.risk, { available: request.portfolio.available + amounts.pnl, reserved: request.portfolio.reserved });
  if (stake <= 0) return closeAlone(deps, stored, closed, closedEvent, 'the equity after the close leaves nothing to stake');

  const position = request.newPosition(stake);
  const openedEvent = await draft(deps, meta, position.symbol, 'opened', () => renderPositionOpenedText({ ...meta, ...position }));
  const result = await store.reverse({ stored, closed, position, meta, costs: deps.costs, now, ...(closedEvent ? { closedEvent } : {}), ...(openedEvent ? { openedEvent } : {}) });
  switch (result.status) {
    case 'reversed':
      log.info('paper position reversed', { signalId: signal.id, closedId: closed.id, pnl: amounts.pnl, positionId: position.id, side: position.side, price: signal.entry, stake });
      return { kind: 'done', outcome: { status: 'opened', positionId: position.id, stake, reversed: { positionId: closed.id, pnl: amounts.pnl } } };
    case 'exists':
      return { kind: 'exists' };
    case 'lost':
      return { kind: 'retry' };
    case 'no-portfolio':
      await store.createPortfolio(deps.risk.startingBalance, now);
      return { kind: 'retry' };
    case 'no-budget':
      return closeAlone(deps, stored, closed, closedEvent, result.detail);
  }
}

/** The event to record with the change, addressed to the chats resolved now (the outbox row keeps them); none without recipients. */
async function draft(
  deps: ReversalDeps,
  meta: PositionMeta,
  symbol: string,
  kind: 'opened' | 'closed',
  text: () => string,
  chartOf: () => ChartSpec | undefined = () => undefined,
): Promise<EventDraft | undefined> {
  const recipients = await deps.recipients.resolve({ ...meta, symbol, kind: `position-${kind}` });
  if (recipients.length === 0) return undefined;
  const chart = chartOf();
  return { kind, recipients, text: text(), ...(chart ? { chart } : {}) };
}

/** Exits the old position (reason signal) without opening: the caller's next attempt opens normally or records the refusal. */
async function closeAlone(deps: ReversalDeps, stored: StoredOpenPosition, closed: ClosedPosition, event: EventDraft | undefined, why: string): Promise<ReversalStep> {
  const result = await deps.store.close({ stored, closed, now: deps.clock.now(), ...(event ? { event } : {}) });
  if (result.status === 'closed') deps.log.warn('opposite signal closed the position without reversing it', { positionId: closed.id, signalId: closed.id, why });
  return { kind: 'retry' };
}

/**
 * The signal candle itself exited the old position (stop/target/…, or the exit rule on its
 * close: `note`): close it as the monitor would; the caller then opens normally.
 */
async function closeOnBar(deps: ReversalDeps, stored: StoredOpenPosition, closing: ClosingPosition, request: ReversalRequest, exitNote?: string): Promise<ReversalStep> {
  const closed = settle(closing);
  const note = exitNote === undefined ? {} : { exitNote };
  const amounts = closeAmounts(closed.stake, grossPnl(closed.side, closed.qty, closed.entryPrice, closed.exitPrice), closed.fees);
  const event = await draft(deps, stored.meta, stored.position.symbol, 'closed', () => renderPositionClosedText({ ...stored.meta, ...closed, ...note, pnl: amounts.pnl, fees: amounts.fees }), () =>
    reversalCloseChart(deps.log, request.chart, request.signal, stored.meta, closed),
  );
  const result = await deps.store.close({ stored, closed, now: deps.clock.now(), ...note, ...(event ? { event } : {}) });
  // lost: a monitor (or another delivery) moved it first; the next attempt reads the market again.
  if (result.status === 'closed') deps.log.info('paper position closed by the signal candle before acting on the signal', { positionId: closed.id, signalId: closed.id, bySignalId: request.signal.id, exitReason: closed.exitReason, ...note, exitPrice: closed.exitPrice, pnl: amounts.pnl });
  return { kind: 'retry' };
}
