import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsErrorName, translateAwsError } from '../../aws/errors.js';
import type { Signal } from '../../core/signal.js';
import type { PendingSignal, RecordResult, SignalStore } from '../../ports/signals.js';
import { OUTBOX_FAILED, OUTBOX_PENDING, parseRow, rowToPending, rowToSignal, toRow } from './signal-row.js';

export interface DynamoSignalStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** How long the writer (or a claimer) owns the outbox before a later run may re-drive it. */
  readonly leaseMs: number;
  readonly ttlDays: number;
}

const OUTBOX_INDEX = 'outbox-pending';

function isConditionFailure(error: unknown): boolean {
  return awsErrorName(error) === 'ConditionalCheckFailedException';
}

export function createDynamoSignalStore(options: DynamoSignalStoreOptions): SignalStore {
  const { client, table, leaseMs, ttlDays } = options;

  return {
    async record(signal: Signal, recipients: readonly number[], now: number): Promise<RecordResult> {
      const row = toRow(signal, recipients, now, now + leaseMs, ttlDays);
      try {
        await client.send(new PutCommand({ TableName: table, Item: row, ConditionExpression: 'attribute_not_exists(id)' }));
      } catch (error) {
        if (isConditionFailure(error)) return { status: 'duplicate' };
        throw translateAwsError(error, `record signal ${signal.id}`);
      }
      return { status: 'recorded', pending: rowToPending(row) };
    },

    async listStalePending(now: number, limit: number): Promise<PendingSignal[]> {
      try {
        const out = await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: OUTBOX_INDEX,
            KeyConditionExpression: 'outbox = :pending AND leaseUntil < :now',
            ExpressionAttributeValues: { ':pending': OUTBOX_PENDING, ':now': now },
            Limit: limit,
          }),
        );
        return (out.Items ?? []).map((item) => rowToPending(parseRow(item)));
      } catch (error) {
        throw translateAwsError(error, 'list pending outbox');
      }
    },

    async claim(pending: PendingSignal, now: number): Promise<PendingSignal | undefined> {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { id: pending.signal.id },
            UpdateExpression: 'SET leaseUntil = :next',
            ConditionExpression: 'outbox = :pending AND leaseUntil = :seen',
            ExpressionAttributeValues: { ':pending': OUTBOX_PENDING, ':seen': pending.leaseUntil, ':next': now + leaseMs },
          }),
        );
        return { ...pending, leaseUntil: now + leaseMs };
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw translateAwsError(error, `claim outbox ${pending.signal.id}`);
      }
    },

    async complete(signalId: string, now: number): Promise<void> {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { id: signalId },
            UpdateExpression: 'REMOVE outbox, leaseUntil SET notifiedAt = :now',
            ConditionExpression: 'attribute_exists(id)',
            ExpressionAttributeValues: { ':now': now },
          }),
        );
      } catch (error) {
        throw translateAwsError(error, `complete outbox ${signalId}`);
      }
    },

    async fail(signalId: string, reason: string, now: number): Promise<void> {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { id: signalId },
            // Still in the outbox index, under FAILED: listed for operators, never re-driven.
            UpdateExpression: 'SET outbox = :failed, outboxError = :reason, leaseUntil = :now',
            ConditionExpression: 'outbox = :pending',
            ExpressionAttributeValues: { ':failed': OUTBOX_FAILED, ':pending': OUTBOX_PENDING, ':reason': reason.slice(0, 1000), ':now': now },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) return; // completed or failed by another invocation meanwhile
        throw translateAwsError(error, `fail outbox ${signalId}`);
      }
    },

    async get(signalId: string) {
      let item: Record<string, unknown> | undefined;
      try {
        item = (await client.send(new GetCommand({ TableName: table, Key: { id: signalId }, ConsistentRead: true }))).Item;
      } catch (error) {
        throw translateAwsError(error, `get signal ${signalId}`);
      }
      if (!item) return undefined;
      const row = parseRow(item);
      return { signal: rowToSignal(row), pending: row.outbox === OUTBOX_PENDING };
    },
  };
}
