/**
 * Delivers the position-event outbox (opened / closed notifications written in the same
 * transaction as the position change) through the shared relay (lib/outbox/relay.ts): list
 * what is pending and unleased (bounded), claim each (one claimer wins), enqueue, clear the marker. Transient queue errors leave the event
 * pending under our lease (the next run retries); permanent ones park it as FAILED. A row that
 * fails validation is quarantined and reported; a stored chart that fails validation is left
 * out (text only, logged), never the notification. A failure to list the events is logged and
 * reported as `listFailed: 1` (never as an empty outbox).
 */
import { asCandlebotError, describeError } from '../errors.js';
import { relayOutbox } from '../outbox/relay.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { PositionEvent, PositionEventStore, PositionLedger, RowProblem } from '../ports/positions.js';
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
  /** Events whose notifications were not enqueued (left pending for a retry, or parked as FAILED). */
  readonly failed: number;
  readonly quarantined: number;
  /**
   * 1 when the pending events could not be listed (nothing was delivered; the next run retries),
   * else 0 (absent: 0). A failure to publish, not "nothing to deliver".
   */
  readonly listFailed: number;
}

/** The event id is `<position id>#<kind>`; a position's id is the id of the signal that opened it. */
const signalOfEvent = (eventId: string): string => eventId.replace(/#(opened|closed)$/, '');

export async function deliverPositionEvents(deps: EventDeliveryDeps, limit: number): Promise<EventDeliveryReport> {
  const { store, log, clock } = deps;
  const report = await relayOutbox<PositionEvent, RowProblem>(
    {
      store,
      clock,
      async corrupt(problem) {
        const quarantined = await store.quarantine(problem, clock.now());
        log.error('position event row failed validation; quarantined', { ...problem });
        return quarantined;
      },
      async deliver(event) {
        if (event.chartProblem !== undefined) {
          log.warn('position event chart failed validation; sent as text only', { eventId: positionEventId(event), signalId: event.positionId, reason: event.chartProblem });
        }
        await deps.queue.send(positionNotifications(event));
        return { status: 'delivered', value: undefined };
      },
      id: positionEventId,
      failure({ id, error, parked }) {
        const where = { eventId: id, signalId: signalOfEvent(id), code: asCandlebotError(error).code, error: describeError(error) };
        if (parked) log.error('position notifications refused for good; parked as FAILED', where);
        else log.error('position notifications not enqueued; retried after the lease', where);
      },
    },
    limit,
  );
  if ('listError' in report) {
    log.error('position events could not be listed; the next run retries', { code: asCandlebotError(report.listError).code, error: describeError(report.listError) });
    return { found: 0, delivered: 0, skipped: 0, failed: 0, quarantined: 0, listFailed: 1 };
  }
  for (const id of report.deliveredIds) log.info('position event enqueued', { eventId: id, signalId: signalOfEvent(id) });
  return { found: report.found, delivered: report.delivered, skipped: report.skipped, failed: report.failed.length, quarantined: report.quarantined, listFailed: 0 };
}
