import type { Signal } from '../core/signal.js';
import type { ChartSpec, Notification } from '../core/notification.js';
import { describeError, isTransient } from '../errors.js';
import { relayOutbox, settle, type Delivery } from '../outbox/relay.js';
import type { Clock } from '../ports/clock.js';
import type { OpenOutcome, PositionOpener } from '../ports/positions.js';
import type { NotificationQueue } from '../ports/queue.js';
import type { PendingSignal, SignalStore } from '../ports/signals.js';
import { signalNotifications } from './notifications.js';

/**
 * The signal outbox, "pending marker re-driven by the next run" flavour (the shared relay:
 * lib/outbox/relay.ts; the store: lib/store/dynamo/outbox.ts):
 *
 * 1. `record` writes the signal row with `outbox = PENDING` and a lease, in ONE conditional
 *    put — a signal is never stored without its to-do marker, and a duplicate never writes.
 * 2. The writer (lease holder) enqueues one notification per recipient.
 * 3. `complete` removes the marker.
 *
 * If the function dies between 1 and 3, the row stays PENDING; once its lease has ended,
 * the next scan finds it through the sparse GSI `outbox-pending`, claims it with a
 * conditional update (one claimer wins) and repeats 2–3. A crash between 2 and 3 can
 * enqueue a notification twice; notification ids are derived from the data so the consumer
 * drops the second copy.
 *
 * With paper trading (`positions`), step 2 first opens the signal's position, idempotently
 * (position id = signal id; a repeat finds it decided and changes nothing). A crash between
 * recording the signal and opening the position is therefore recovered by the same re-drive.
 * A transient failure to open leaves the row pending (notifications wait for the re-drive, so
 * the position is never skipped); a permanent one still sends the notifications, then parks
 * the row as FAILED with the reason.
 */
export interface OutboxDeps {
  readonly signals: SignalStore;
  readonly queue: NotificationQueue;
  readonly clock: Clock;
  /** Paper trading: opens the position of each delivered signal (absent: no positions). */
  readonly positions?: PositionOpener | undefined;
}

export type PublishResult =
  | { readonly status: 'recorded'; readonly position?: OpenOutcome }
  | { readonly status: 'duplicate' }
  /** Recorded, but enqueueing failed transiently: the row stays pending and is re-driven after its lease. */
  | { readonly status: 'pending'; readonly error: unknown }
  /** Recorded, but the queue refused it for good: the row is parked as FAILED with the reason. */
  | { readonly status: 'failed'; readonly error: unknown };

/** What a signal's delivery sends, once its position is decided: the notifications, and a reason to park the row after sending them. */
export interface PreparedDelivery {
  readonly pending: PendingSignal;
  readonly notifications: readonly Notification[];
  readonly position?: OpenOutcome | undefined;
  /** The position could not open for good: the notifications still go out, then the row is parked. */
  readonly park?: { readonly reason: string; readonly error: unknown } | undefined;
}

/**
 * Opens the position (paper trading) and builds the notifications. A transient failure to open
 * throws (nothing sent: the re-drive retries both); a permanent one still sends the
 * notifications, then asks for the row to be parked with the reason.
 */
export async function prepareDelivery(deps: OutboxDeps, pending: PendingSignal, chart?: ChartSpec): Promise<PreparedDelivery> {
  let position: OpenOutcome | undefined;
  let park: PreparedDelivery['park'];
  if (deps.positions) {
    try {
      position = await deps.positions.open(pending.signal, chart ? { chart } : {});
    } catch (error) {
      if (isTransient(error)) throw error;
      park = { reason: `open position: ${describeError(error)}`, error };
    }
  }
  return { pending, notifications: signalNotifications(pending.signal, pending.recipients, pending.createdAt, chart), position, park };
}

/** After the notifications of a prepared delivery are on the queue: delivered, or to be parked. */
export function deliveredOrPark(prepared: PreparedDelivery): Delivery<OpenOutcome | undefined> {
  return prepared.park ? { status: 'park', ...prepared.park } : { status: 'delivered', value: prepared.position };
}

/** Opens the position (paper trading), then enqueues the notifications (./outbox.ts `prepareDelivery`). */
async function deliverSignal(deps: OutboxDeps, pending: PendingSignal, chart?: ChartSpec): Promise<Delivery<OpenOutcome | undefined>> {
  const prepared = await prepareDelivery(deps, pending, chart);
  await deps.queue.send(prepared.notifications);
  return deliveredOrPark(prepared);
}

/** Delivers under the held lease and completes; on failure, parks permanent errors and leaves transient ones pending. */
async function deliverOrPark(deps: OutboxDeps, pending: PendingSignal, chart?: ChartSpec): Promise<PublishResult> {
  const settled = await settle(deps.signals, deps.clock, pending, (p) => deliverSignal(deps, p, chart));
  if (settled.status === 'pending') return { status: 'pending', error: settled.error };
  if (settled.status === 'parked') return { status: 'failed', error: settled.error };
  return settled.value ? { status: 'recorded', position: settled.value } : { status: 'recorded' };
}

/**
 * Records the signal once and enqueues its notifications. Throws only when the signal could
 * not be recorded (then nothing was written and nothing was sent). `chart` goes with the
 * notifications sent now; the row does not store it, so a re-drive sends text only.
 */
export async function publishSignal(deps: OutboxDeps, signal: Signal, recipients: readonly number[], chart?: ChartSpec): Promise<PublishResult> {
  const result = await deps.signals.record(signal, recipients, deps.clock.now());
  if (result.status === 'duplicate') return { status: 'duplicate' };
  return deliverOrPark(deps, result.pending, chart);
}

export interface RedriveReport {
  readonly found: number;
  readonly delivered: number;
  /** The signals re-driven (their notifications enqueued). */
  readonly deliveredIds: readonly string[];
  /** Claimed by another invocation first. */
  readonly skipped: number;
  /** Deliveries that failed: still pending (transient, retried after the lease) or parked as FAILED. */
  readonly failed: readonly { readonly id: string; readonly error: unknown }[];
}

/**
 * Re-drives outbox rows whose lease has ended (the shared relay, lib/outbox/relay.ts). Bounded
 * by `limit` rows per call. Throws when the pending rows could not be listed (the scan carries
 * on and counts it as one failed re-drive; the next run retries).
 */
export async function redrivePending(deps: OutboxDeps, limit: number): Promise<RedriveReport> {
  const report = await relayOutbox({ store: deps.signals, clock: deps.clock, deliver: (pending) => deliverSignal(deps, pending), id: (pending) => pending.signal.id }, limit);
  if ('listError' in report) throw report.listError;
  return { found: report.found, delivered: report.delivered, deliveredIds: report.deliveredIds, skipped: report.skipped, failed: report.failed.map(({ id, error }) => ({ id, error })) };
}
