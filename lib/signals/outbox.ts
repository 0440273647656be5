import type { Signal } from '../core/signal.js';
import type { ChartSpec } from '../core/notification.js';
import { describeError, isTransient } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { OpenOutcome, PositionOpener } from '../ports/positions.js';
import type { NotificationQueue } from '../ports/queue.js';
import type { PendingSignal, SignalStore } from '../ports/signals.js';
import { signalNotifications } from './notifications.js';

/**
 * Transactional outbox, "pending marker re-driven by the next run" flavour:
 *
 * 1. `record` writes the signal row with `outbox = PENDING` and a lease, in ONE conditional
 *    put — a signal is never stored without its to-do marker, and a duplicate never writes.
 * 2. The writer (lease holder) enqueues one notification per recipient.
 * 3. `complete` removes the marker.
 *
 * If the function dies between 1 and 3, the row stays PENDING; once its lease has passed,
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

/** Enqueues and completes; on failure, parks permanent errors and leaves transient ones pending. */
async function deliverOrPark(deps: OutboxDeps, pending: PendingSignal, chart?: ChartSpec): Promise<PublishResult> {
  let position: OpenOutcome | undefined;
  let positionError: unknown;
  if (deps.positions) {
    try {
      position = await deps.positions.open(pending.signal, chart ? { chart } : {});
    } catch (error) {
      if (isTransient(error)) return { status: 'pending', error };
      positionError = error;
    }
  }
  try {
    await deps.queue.send(signalNotifications(pending.signal, pending.recipients, pending.createdAt, chart));
    if (positionError !== undefined) {
      await deps.signals.fail(pending.signal.id, `open position: ${describeError(positionError)}`, deps.clock.now());
      return { status: 'failed', error: positionError };
    }
    await deps.signals.complete(pending.signal.id, deps.clock.now());
    return position ? { status: 'recorded', position } : { status: 'recorded' };
  } catch (error) {
    if (isTransient(error)) return { status: 'pending', error };
    await deps.signals.fail(pending.signal.id, describeError(error), deps.clock.now());
    return { status: 'failed', error };
  }
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
  /** Claimed by another invocation first. */
  readonly skipped: number;
  readonly failed: readonly { readonly id: string; readonly error: unknown }[];
}

/** Re-drives outbox rows whose lease has passed. Bounded by `limit` rows per call. */
export async function redrivePending(deps: OutboxDeps, limit: number): Promise<RedriveReport> {
  const stale = await deps.signals.listStalePending(deps.clock.now(), limit);
  let delivered = 0;
  let skipped = 0;
  const failed: { id: string; error: unknown }[] = [];
  for (const pending of stale) {
    const claimed = await deps.signals.claim(pending, deps.clock.now());
    if (!claimed) {
      skipped++;
      continue;
    }
    const result = await deliverOrPark(deps, claimed);
    if (result.status === 'recorded') delivered++;
    // pending: stays pending with our lease, re-driven once it passes; failed: parked with its reason.
    else if (result.status === 'pending' || result.status === 'failed') failed.push({ id: pending.signal.id, error: result.error });
  }
  return { found: stale.length, delivered, skipped, failed };
}
