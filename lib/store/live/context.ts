import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RetryPolicy } from '../dynamo/transact.js';

/** What every LiveTable operation needs. */
export interface LiveStoreContext {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** Final orders and closed positions expire (TTL) this many days later. */
  readonly ttlDays: number;
  readonly retry: RetryPolicy;
}
