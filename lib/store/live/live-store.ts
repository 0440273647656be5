/**
 * The DynamoDB adapter of the live-trading store (lib/ports/live.ts) over LiveTable
 * (infra/tables.yml, env LIVE_TABLE). Every money movement is one conditional
 * TransactWriteItems (intent.ts, settle.ts, close.ts), every order change versioned and
 * forward only (orders.ts), every read validated with zod; no Scan anywhere.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LiveStore } from '../../ports/live.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../dynamo/transact.js';
import { createBudgetOps } from './budget.js';
import { createCloseOps } from './close.js';
import type { LiveStoreContext } from './context.js';
import { createExitOps } from './exit.js';
import { createIntentOps } from './intent.js';
import { createOrderOps } from './orders.js';
import { createQueryOps } from './queries.js';
import { createRefusalOps } from './refusal.js';
import { createSettleOps } from './settle.js';

export interface DynamoLiveStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** Final orders and closed positions expire this many days later (default 90). */
  readonly ttlDays?: number;
  /** Transaction retries (default: 8 attempts, 20 ms × 2^n full jitter, capped at 1 s). */
  readonly retry?: Partial<RetryPolicy>;
}

export function createDynamoLiveStore(options: DynamoLiveStoreOptions): LiveStore {
  const ctx: LiveStoreContext = { client: options.client, table: options.table, ttlDays: options.ttlDays ?? 90, retry: { ...DEFAULT_RETRY, ...options.retry } };
  return Object.freeze({
    ...createBudgetOps(ctx),
    ...createIntentOps(ctx),
    ...createOrderOps(ctx),
    ...createSettleOps(ctx),
    ...createExitOps(ctx),
    ...createCloseOps(ctx),
    ...createQueryOps(ctx),
    ...createRefusalOps(ctx),
  });
}
