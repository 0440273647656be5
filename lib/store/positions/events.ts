/**
 * The position-event outbox: `position#<id> / event#<kind>` rows written in the same
 * transaction as the open or close, with `outbox = PENDING` (sparse GSI `outbox-pending`).
 * The shared DynamoDB outbox (lib/store/dynamo/outbox.ts) over those rows: one claimer wins a
 * conditional lease update, enqueues, then removes the marker (and sets the TTL); a permanent
 * queue error parks it as FAILED. A row that fails validation is listed apart (quarantined by
 * the relay), a chart that fails validation is left out of its event (toEvent).
 */
import type { PositionEvent, PositionEventStore, RowProblem } from '../../ports/positions.js';
import { createDynamoOutbox, OUTBOX_INDEX } from '../dynamo/outbox.js';
import type { PositionStoreContext } from './context.js';
import { eventKey, expiresAt } from './keys.js';
import { eventRowSchema, readRow, toEvent } from './rows.js';

export function createEventOps(ctx: PositionStoreContext): PositionEventStore {
  return createDynamoOutbox<PositionEvent, RowProblem>({
    client: ctx.client,
    table: ctx.table,
    index: OUTBOX_INDEX,
    leaseMs: ctx.leaseMs,
    key: (event) => ({ ...eventKey(event.positionId, event.kind) }),
    keyAttribute: 'pk',
    decode: (item) => {
      const read = readRow(eventRowSchema, item);
      return read.ok ? { ok: true, value: toEvent(read.value) } : { ok: false, problem: read.problem };
    },
    completeSets: (now) => ({ expiresAt: expiresAt(now, ctx.ttlDays) }),
    describe: (event) => `event ${event.positionId}#${event.kind}`,
    name: 'position events',
  });
}
