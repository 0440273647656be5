/**
 * Delivers the position-event outbox (opened / closed notifications written in the same
 * transaction as the position change): list what is pending and unleased (bounded), claim
 * each (one claimer wins), enqueue, clear the marker. Transient queue errors leave the event
 * pending under our lease (the next run retries); permanent ones park it as FAILED. A row that
 * fails validation is quarantined and reported; a stored chart that fails validation is left
 * out (text only, logged), never the notification.
 */
import { describeError, isTransient } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { PositionEventStore, PositionLedger } from '../ports/positions.js';
import type { NotificationQueue } from '../ports/queue.js';
import { positionEventId, positionNotifications } from './position-notifications.js';

export interface EventDeliveryDeps {
  readonly store: PositionEventStore & Pick<PositionLedger, 'quarantine'>;
  readonly queue: NotificationQueue;
  readonly clock: Clock;
  readonly log: Log;
}

export interface EventDeliveryReport {
  readonly found: number;
  readonly delivered: number;
  /** Claimed by another invocation first. */
  readonly skipped: number;
  readonly failed: number;
  readonly quarantined: number;
}

export async function deliverPositionEvents(deps: EventDeliveryDeps, limit: number): Promise<EventDeliveryReport> {
  const { store, log, clock } = deps;
  const { events, corrupt } = await store.listPending(clock.now(), limit);
  let quarantined = 0;
  for (const problem of corrupt) {
    if (await store.quarantine(problem, clock.now())) quarantined++;
    log.error('position event row failed validation; quarantined', { ...problem });
  }
  let delivered = 0;
  let skipped = 0;
  let failed = 0;
  for (const event of events) {
    const claimed = await store.claim(event, clock.now());
    if (!claimed) {
      skipped++;
      continue;
    }
    if (claimed.chartProblem !== undefined) {
      log.warn('position event chart failed validation; sent as text only', { eventId: positionEventId(claimed), reason: claimed.chartProblem });
    }
    try {
      await deps.queue.send(positionNotifications(claimed));
      await store.complete(claimed, clock.now());
      delivered++;
    } catch (error) {
      failed++;
      if (isTransient(error)) {
        log.error('position notifications not enqueued; retried after the lease', { eventId: positionEventId(event), error: describeError(error) });
      } else {
        await store.fail(claimed, describeError(error), clock.now());
        log.error('position notifications refused for good; parked as FAILED', { eventId: positionEventId(event), error: describeError(error) });
      }
    }
  }
  return { found: events.length + corrupt.length, delivered, skipped, failed, quarantined };
}
