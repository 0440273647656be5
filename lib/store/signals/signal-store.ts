import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Signal } from '../../core/signal.js';
import type { PendingSignal, RecordResult, SignalStore } from '../../ports/signals.js';
import { createDynamoOutbox, OUTBOX_INDEX, OUTBOX_PENDING } from '../dynamo/outbox.js';
import { getItem } from '../dynamo/read.js';
import { send } from '../dynamo/send.js';
import { parseRow, rowToPending, rowToSignal, toRow } from './signal-row.js';

export interface DynamoSignalStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** How long the writer (or a claimer) owns the outbox before a later run may re-drive it. */
  readonly leaseMs: number;
  readonly ttlDays: number;
}


export function createDynamoSignalStore(options: DynamoSignalStoreOptions): SignalStore {
  const { client, table, leaseMs, ttlDays } = options;
  // The shared outbox over the `outbox-pending` GSI; a corrupt row fails the listing (parseRow throws).
  const outbox = createDynamoOutbox<PendingSignal, never>({
    client,
    table,
    index: OUTBOX_INDEX,
    leaseMs,
    key: (pending) => ({ id: pending.signal.id }),
    keyAttribute: 'id',
    decode: (item) => ({ ok: true, value: rowToPending(parseRow(item)) }),
    describe: (pending) => `signal ${pending.signal.id}`,
    name: 'signal outbox',
  });

  return {
    async record(signal: Signal, recipients: readonly number[], now: number): Promise<RecordResult> {
      const row = toRow(signal, recipients, now, now + leaseMs, ttlDays);
      const put = await send(client, { Put: { TableName: table, Item: row, ConditionExpression: 'attribute_not_exists(id)' } }, `record signal ${signal.id}`);
      return put.ok ? { status: 'recorded', pending: rowToPending(row) } : { status: 'duplicate' };
    },

    ...outbox,

    async get(signalId: string) {
      const item = await getItem(client, { TableName: table, Key: { id: signalId }, ConsistentRead: true }, `get signal ${signalId}`);
      if (!item) return undefined;
      const row = parseRow(item);
      return { signal: rowToSignal(row), pending: row.outbox === OUTBOX_PENDING };
    },
  };
}
