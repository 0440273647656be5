/**
 * The position-event outbox: `position#<id> / event#<kind>` rows written in the same
 * transaction as the open or close, with `outbox = PENDING` (sparse GSI `outbox-pending`).
 * Same lease/claim scheme as the signal outbox: one claimer wins a conditional update, enqueues,
 * then removes the marker (and sets the TTL). A permanent queue error parks it as FAILED.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { awsErrorName, translateAwsError } from '../../aws/errors.js';
import type { PositionEvent, PositionEventStore, RowProblem } from '../../ports/positions.js';
import type { PositionStoreContext } from './context.js';
import { Expr } from './expr.js';
import { eventKey, expiresAt, OUTBOX_FAILED, OUTBOX_INDEX, OUTBOX_PENDING } from './keys.js';
import { eventRowSchema, readRow, toEvent } from './rows.js';

export function createEventOps(ctx: PositionStoreContext): PositionEventStore {
  const { client, table } = ctx;

  async function update(event: PositionEvent, build: (e: Expr) => { update: string; condition: string }, what: string): Promise<boolean> {
    const e = new Expr();
    const { update: UpdateExpression, condition: ConditionExpression } = build(e);
    try {
      await client.send(new UpdateCommand({ TableName: table, Key: eventKey(event.positionId, event.kind), UpdateExpression, ConditionExpression, ...e.parts() }));
      return true;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
      throw translateAwsError(error, `${what} event ${event.positionId}#${event.kind}`);
    }
  }

  return {
    async listPending(now, limit) {
      let items: Record<string, unknown>[];
      try {
        const out = await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: OUTBOX_INDEX,
            KeyConditionExpression: 'outbox = :pending AND leaseUntil <= :now',
            ExpressionAttributeValues: { ':pending': OUTBOX_PENDING, ':now': now },
            Limit: limit,
          }),
        );
        items = out.Items ?? [];
      } catch (error) {
        throw translateAwsError(error, 'list pending position events');
      }
      const events: PositionEvent[] = [];
      const corrupt: RowProblem[] = [];
      for (const item of items) {
        const read = readRow(eventRowSchema, item);
        if (read.ok) events.push(toEvent(read.value));
        else corrupt.push(read.problem);
      }
      return { events, corrupt };
    },

    async claim(event, now) {
      const until = now + ctx.leaseMs;
      const won = await update(
        event,
        (e) => ({
          update: `SET ${e.n('leaseUntil')} = ${e.v(until)}`,
          condition: `${e.n('outbox')} = ${e.v(OUTBOX_PENDING)} AND ${e.n('leaseUntil')} = ${e.v(event.leaseUntil)}`,
        }),
        'claim',
      );
      return won ? { ...event, leaseUntil: until } : undefined;
    },

    async complete(event, now) {
      await update(
        event,
        (e) => ({
          update: `REMOVE ${e.n('outbox')}, ${e.n('leaseUntil')} SET ${e.sets({ notifiedAt: now, expiresAt: expiresAt(now, ctx.ttlDays) }).join(', ')}`,
          condition: `attribute_exists(${e.n('pk')})`,
        }),
        'complete',
      );
    },

    async fail(event, reason, now) {
      // Still in the outbox index, under FAILED: listed for operators, never re-driven.
      await update(
        event,
        (e) => ({
          update: `SET ${e.sets({ outbox: OUTBOX_FAILED, outboxError: reason.slice(0, 1000), leaseUntil: now }).join(', ')}`,
          condition: `${e.n('outbox')} = ${e.v(OUTBOX_PENDING)}`,
        }),
        'park',
      );
    },
  };
}
