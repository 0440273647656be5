/**
 * Publishing the signals of one scan with fewer requests: each signal is recorded (its outbox
 * marker and lease in the same put) and its position opened at once, exactly as
 * `publishSignal` does (./outbox.ts); only the last two steps — enqueue the notifications,
 * clear the marker — are shared by several signals: one `queue.send` (SendMessageBatch, ≤ 10
 * per request) for all their notifications, then one `completeAll` (one DynamoDB transaction).
 *
 * The outbox guarantees are those of ./outbox.ts: a row is completed only after its
 * notifications are on the queue; a crash in between leaves it PENDING for the re-drive (a
 * notification sent twice is dropped by the consumer: ids derive from the data). When the
 * shared send or completion fails, every signal of the batch falls back to its own delivery
 * (`settle`: send, complete or park), so an error has the same outcome per signal as before.
 *
 * A batch is sent when it holds MAX_NOTIFICATIONS notifications, when its oldest signal has
 * waited MAX_WAIT_MS (checked as signals arrive; far inside the outbox lease), and by `flush`
 * at the end of the scan.
 */
import type { ChartSpec } from '../core/notification.js';
import type { Signal } from '../core/signal.js';
import { asCandlebotError, describeError } from '../errors.js';
import type { Log } from '../ports/log.js';
import { settle } from '../outbox/relay.js';
import { deliveredOrPark, prepareDelivery, type OutboxDeps, type PreparedDelivery, type PublishResult } from './outbox.js';

/** One SendMessageBatch holds 10 messages. */
export const MAX_NOTIFICATIONS = 10;
/** Longest a recorded signal waits for its batch (the outbox lease is 60 s). */
export const MAX_WAIT_MS = 5_000;

/** How the delivery of a batched signal ended. */
export type BatchOutcome =
  | { readonly id: string; readonly status: 'delivered' }
  /** Not enqueued (or not completed) yet: the row stays pending and is re-driven after its lease. */
  | { readonly id: string; readonly status: 'pending'; readonly error: unknown }
  /** Refused for good: parked as FAILED with the reason. */
  | { readonly id: string; readonly status: 'failed'; readonly error: unknown };

export interface SignalBatch {
  /**
   * Records the signal and opens its position now; its notifications go out with the batch
   * (`recorded`: queued for delivery). `pending`: recorded, the position could not open yet.
   * Throws only when the signal could not be recorded (nothing written, nothing sent).
   */
  publish(signal: Signal, recipients: readonly number[], chart?: ChartSpec): Promise<PublishResult>;
  /** Sends what is still queued and returns the outcome of every signal delivered through the batch. */
  flush(): Promise<readonly BatchOutcome[]>;
}

/** `log` (optional): a shared send or completion that failed is told there before each signal is delivered on its own. */
export function createSignalBatch(deps: OutboxDeps & { readonly log?: Log }): SignalBatch {
  let queued: PreparedDelivery[] = [];
  let notifications = 0;
  let oldest = 0;
  const outcomes: BatchOutcome[] = [];
  const inFlight = new Set<Promise<void>>();

  /** One signal on its own: send, then complete or park (`settle`). */
  async function alone(prepared: PreparedDelivery, sent: boolean): Promise<BatchOutcome> {
    const id = prepared.pending.signal.id;
    try {
      const settled = await settle(deps.signals, deps.clock, prepared.pending, async () => {
        if (!sent) await deps.queue.send(prepared.notifications);
        return deliveredOrPark(prepared);
      });
      if (settled.status === 'delivered') return { id, status: 'delivered' };
      return settled.status === 'pending' ? { id, status: 'pending', error: settled.error } : { id, status: 'failed', error: settled.error };
    } catch (error) {
      // Parking itself failed: the row is still PENDING and is re-driven after its lease.
      return { id, status: 'pending', error };
    }
  }

  async function send(batch: readonly PreparedDelivery[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      await deps.queue.send(batch.flatMap((p) => p.notifications));
    } catch (error) {
      // Which signal the error belongs to is not known: each is delivered on its own (as before batching).
      deps.log?.warn('shared notification send failed; each signal of the batch is sent on its own', { signals: batch.length, code: asCandlebotError(error).code, error: describeError(error) });
      for (const prepared of batch) outcomes.push(await alone(prepared, false));
      return;
    }
    const complete = batch.filter((p) => !p.park);
    for (const prepared of batch.filter((p) => p.park)) outcomes.push(await alone(prepared, true));
    if (complete.length === 0) return;
    try {
      const now = deps.clock.now();
      if (deps.signals.completeAll) await deps.signals.completeAll(complete.map((p) => p.pending), now);
      else for (const p of complete) await deps.signals.complete(p.pending, now);
      for (const p of complete) outcomes.push({ id: p.pending.signal.id, status: 'delivered' });
    } catch (error) {
      deps.log?.warn('shared outbox completion failed; each signal of the batch is completed on its own', { signals: complete.length, code: asCandlebotError(error).code, error: describeError(error) });
      for (const prepared of complete) outcomes.push(await alone(prepared, true));
    }
  }

  /** Takes what is queued (so that concurrent publishers start a new batch) and sends it. */
  function sendQueued(): Promise<void> {
    const batch = queued;
    queued = [];
    notifications = 0;
    const sending = send(batch).finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    return sending;
  }

  return {
    async publish(signal, recipients, chart) {
      const result = await deps.signals.record(signal, recipients, deps.clock.now());
      if (result.status === 'duplicate') return { status: 'duplicate' };
      let prepared: PreparedDelivery;
      try {
        prepared = await prepareDelivery(deps, result.pending, chart);
      } catch (error) {
        // Nothing sent: transient, the row stays pending for the re-drive; otherwise parked with the reason (as `settle` does).
        const settled = await settle(deps.signals, deps.clock, result.pending, () => Promise.reject(error));
        return settled.status === 'parked' ? { status: 'failed', error: settled.error } : { status: 'pending', error };
      }
      if (queued.length === 0) oldest = deps.clock.now();
      queued.push(prepared);
      notifications += prepared.notifications.length;
      if (notifications >= MAX_NOTIFICATIONS || deps.clock.now() - oldest >= MAX_WAIT_MS) await sendQueued();
      return prepared.position ? { status: 'recorded', position: prepared.position } : { status: 'recorded' };
    },

    async flush() {
      await sendQueued();
      while (inFlight.size > 0) await Promise.all(inFlight);
      return [...outcomes];
    },
  };
}

/** Logs the batched signals whose notifications are not (all) on the queue; counts those left pending and parked as FAILED. */
export function logUndelivered(log: Log, outcomes: readonly BatchOutcome[]): { readonly pending: number; readonly failed: number } {
  let pending = 0;
  let failed = 0;
  const fields = (o: Extract<BatchOutcome, { error: unknown }>) => ({ signalId: o.id, code: asCandlebotError(o.error).code, error: describeError(o.error) });
  for (const o of outcomes) {
    if (o.status === 'pending') {
      pending++;
      log.error('signal recorded but notifications not enqueued yet; the outbox re-drives them', fields(o));
    } else if (o.status === 'failed') {
      failed++;
      log.error('signal recorded but its notifications were refused for good; parked as FAILED in the outbox', fields(o));
    }
  }
  return { pending, failed };
}
