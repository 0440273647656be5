/**
 * The DynamoDB adapter of the paper-trading ports, over PositionsTable (infra/tables.yml).
 * Every money movement is one conditional TransactWriteItems (open: dynamo-position-open.ts,
 * close: dynamo-position-close.ts, reversal: dynamo-position-reverse.ts); every read is validated with zod; no Scan anywhere.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PositionStore } from '../../ports/positions.js';
import { createCloseOps } from './close.js';
import type { PositionStoreContext } from './context.js';
import { createEventOps } from './events.js';
import { createOpenOps } from './open.js';
import { createQueryOps } from './queries.js';
import { createReverseOps } from './reverse.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../dynamo/transact.js';

export interface DynamoPositionStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  readonly ttlDays: number;
  /** Event-outbox lease (default 60 s). */
  readonly leaseMs?: number;
  /** Transaction retries (default: 8 attempts, 20 ms × 2^n full jitter, capped at 1 s). */
  readonly retry?: Partial<RetryPolicy>;
}

export function createDynamoPositionStore(options: DynamoPositionStoreOptions): PositionStore {
  const ctx: PositionStoreContext = {
    client: options.client,
    table: options.table,
    ttlDays: options.ttlDays,
    leaseMs: options.leaseMs ?? 60_000,
    retry: { ...DEFAULT_RETRY, ...options.retry },
  };
  return Object.freeze({ ...createOpenOps(ctx), ...createCloseOps(ctx), ...createReverseOps(ctx), ...createQueryOps(ctx), ...createEventOps(ctx) });
}
