/**
 * The DynamoDB side of a transactional outbox (lib/ports/outbox.ts), shared by the signal
 * outbox (SignalsTable) and the position-event outbox (PositionsTable). A pending row carries
 * `outbox = PENDING` and `leaseUntil`; both are the keys of a sparse GSI (partition `outbox`,
 * sort `leaseUntil`), so listing what is due is one bounded Query, never a Scan.
 *
 * - listDue: Query `outbox = PENDING AND leaseUntil <= now`, oldest lease first, Limit-bounded.
 * - claim: conditional update of the lease (`outbox = PENDING AND leaseUntil = <as listed>`):
 *   of concurrent claimers exactly one wins; the others get undefined.
 * - complete: removes the marker and the lease (the row leaves the index), sets `notifiedAt`.
 * - completeAll: the same for many rows in one TransactWriteItems per 100 (a scan's batch of
 *   signals); when a row is gone (its condition fails) the others are completed one by one.
 * - park: `outbox = FAILED` with the reason: still in the index for operators, never listed as due.
 * - backlog: the health read of rows still PENDING long after their lease ended (Limit-bounded).
 *
 * The table, index, key and row codec are parameters; the expressions are the same for both.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboxBacklog, OutboxEntry, OutboxListing, OutboxStore } from '../../ports/outbox.js';
import { queryPage } from './read.js';
import { request, send } from './send.js';
import { DEFAULT_RETRY, transactWrite } from './transact.js';

/** TransactWriteItems holds at most 100 actions. */
const MAX_TRANSACTION_ITEMS = 100;

/** The sparse GSI of both outbox tables (infra/tables.yml): rows with an `outbox` marker, by lease. */
export const OUTBOX_INDEX = 'outbox-pending';
export const OUTBOX_PENDING = 'PENDING';
export const OUTBOX_FAILED = 'FAILED';

/** A listed item read through the codec: the entry, or why the row is unusable. */
export type OutboxRead<T, P> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: P };

export interface DynamoOutboxOptions<T extends OutboxEntry, P> {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** The sparse GSI over (`outbox`, `leaseUntil`). */
  readonly index: string;
  /** How long a claimer owns an entry before another run may take it over. */
  readonly leaseMs: number;
  /** The table key of an entry's row. */
  key(entry: T): Record<string, string>;
  /** An attribute every row has (complete's existence condition): the partition key's name. */
  readonly keyAttribute: string;
  /** Reads a listed item. A codec may throw instead of returning a problem (then the listing fails). */
  decode(item: Record<string, unknown>): OutboxRead<T, P>;
  /** Attributes set with `notifiedAt` on complete (e.g. the TTL of a delivered row). */
  completeSets?(now: number): Record<string, unknown>;
  /** Names an entry in error messages, e.g. `signal <id>`. */
  describe(entry: T): string;
  /** Names the outbox in error messages, e.g. `position events`. */
  readonly name: string;
}

/** Longest outboxError stored (the reason of a parked row). */
const MAX_REASON = 1000;

export function createDynamoOutbox<T extends OutboxEntry, P>(options: DynamoOutboxOptions<T, P>): OutboxStore<T, P> {
  const { client, table, index, leaseMs } = options;

  /** A conditional update of the entry's row: ok false when the condition failed (an answer, not an error). */
  async function update(entry: T, what: string, input: { update: string; condition: string; names: Record<string, string>; values: Record<string, unknown> }) {
    const Update = {
      TableName: table,
      Key: options.key(entry),
      UpdateExpression: input.update,
      ConditionExpression: input.condition,
      ExpressionAttributeNames: input.names,
      ExpressionAttributeValues: input.values,
    };
    return send(client, { Update }, `${what} ${options.describe(entry)}`);
  }

  /** Removes the marker and the lease (the row leaves the index), sets `notifiedAt` (and `completeSets`); the row must exist. */
  function completion(now: number) {
    const extra = options.completeSets?.(now) ?? {};
    const names: Record<string, string> = { '#outbox': 'outbox', '#lease': 'leaseUntil', '#notifiedAt': 'notifiedAt', '#key': options.keyAttribute };
    const values: Record<string, unknown> = { ':now': now };
    const sets = ['#notifiedAt = :now'];
    Object.entries(extra).forEach(([attr, value], i) => {
      names[`#x${i}`] = attr;
      values[`:x${i}`] = value;
      sets.push(`#x${i} = :x${i}`);
    });
    return { update: `REMOVE #outbox, #lease SET ${sets.join(', ')}`, condition: 'attribute_exists(#key)', names, values };
  }

  return {
    async listDue(now: number, limit: number): Promise<OutboxListing<T, P>> {
      const { items } = await queryPage(
        client,
        {
          TableName: table,
          IndexName: index,
          // `<=`, not `<`: a lease is the time until which its holder owns the row, so a row whose
          // lease ends exactly now is due. It also makes a row written with `leaseUntil = now`
          // (nobody holds it yet: the position events) due at once, and both outboxes agree.
          KeyConditionExpression: '#outbox = :pending AND #lease <= :now',
          ExpressionAttributeNames: { '#outbox': 'outbox', '#lease': 'leaseUntil' },
          ExpressionAttributeValues: { ':pending': OUTBOX_PENDING, ':now': now },
          Limit: limit,
        },
        `list pending ${options.name}`,
      );
      const entries: T[] = [];
      const corrupt: P[] = [];
      for (const item of items) {
        const read = options.decode(item);
        if (read.ok) entries.push(read.value);
        else corrupt.push(read.problem);
      }
      return { entries, corrupt };
    },

    async claim(entry: T, now: number): Promise<T | undefined> {
      const until = now + leaseMs;
      const result = await update(entry, 'claim', {
        update: 'SET #lease = :next',
        condition: '#outbox = :pending AND #lease = :seen',
        names: { '#outbox': 'outbox', '#lease': 'leaseUntil' },
        values: { ':pending': OUTBOX_PENDING, ':seen': entry.leaseUntil, ':next': until },
      });
      return result.ok ? { ...entry, leaseUntil: until } : undefined;
    },

    async complete(entry: T, now: number): Promise<void> {
      // A condition failure means the row is gone (nothing left to complete): not an error.
      await update(entry, 'complete', completion(now));
    },

    async completeAll(entries: readonly T[], now: number): Promise<void> {
      const c = completion(now);
      for (let i = 0; i < entries.length; i += MAX_TRANSACTION_ITEMS) {
        const chunk = entries.slice(i, i + MAX_TRANSACTION_ITEMS);
        if (chunk.length === 1) {
          await update(chunk[0]!, 'complete', c);
          continue;
        }
        const items = chunk.map((entry) => ({
          Update: { TableName: table, Key: options.key(entry), UpdateExpression: c.update, ConditionExpression: c.condition, ExpressionAttributeNames: c.names, ExpressionAttributeValues: c.values },
        }));
        const result = await transactWrite(client, items, `complete ${chunk.length} ${options.name} rows`, DEFAULT_RETRY);
        // A failed condition: one of the rows is gone; complete the others one by one (as `complete` does).
        if (!result.ok) for (const entry of chunk) await update(entry, 'complete', c);
      }
    },

    async park(entry: T, reason: string, now: number): Promise<void> {
      // Still in the outbox index, under FAILED: listed for operators, never re-driven. A condition
      // failure means another invocation completed or parked it meanwhile.
      await update(entry, 'park', {
        update: 'SET #outbox = :failed, #error = :reason, #lease = :now',
        condition: '#outbox = :pending',
        names: { '#outbox': 'outbox', '#error': 'outboxError', '#lease': 'leaseUntil' },
        values: { ':failed': OUTBOX_FAILED, ':pending': OUTBOX_PENDING, ':reason': reason.slice(0, MAX_REASON), ':now': now },
      });
    },

    async backlog(cutoff: number, limit: number, signal?: AbortSignal): Promise<OutboxBacklog> {
      const query = new QueryCommand({
        TableName: table,
        IndexName: index,
        KeyConditionExpression: '#outbox = :pending AND #lease <= :cutoff',
        ExpressionAttributeNames: { '#outbox': 'outbox', '#lease': 'leaseUntil' },
        ExpressionAttributeValues: { ':pending': OUTBOX_PENDING, ':cutoff': cutoff },
        // Only the sort key: the count and the oldest lease end, nothing else of the rows.
        ProjectionExpression: '#lease',
        ScanIndexForward: true,
        Limit: limit,
      });
      const out = await request(`read the ${options.name} backlog`, () => client.send(query, signal ? { abortSignal: signal } : {}));
      const items = out.Items ?? [];
      const oldest = items[0]?.['leaseUntil'];
      return { overdue: items.length, truncated: out.LastEvaluatedKey !== undefined, oldestLeaseUntil: typeof oldest === 'number' ? oldest : null };
    },
  };
}
