import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RetryPolicy } from '../dynamo/transact.js';

/** What every PositionsTable operation needs. */
export interface PositionStoreContext {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** Closed and rejected positions and delivered events expire (TTL) this many days later. */
  readonly ttlDays: number;
  /** How long an event claimer owns the event before another run may take it over. */
  readonly leaseMs: number;
  readonly retry: RetryPolicy;
}
