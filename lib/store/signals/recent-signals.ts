/**
 * The newest recorded signals, for /signals: one Query on SignalsTable's sparse GSI `recent`
 * (recentKey = `signal`, recentAt = recorded time, newest first; infra/tables.yml). The index
 * projects only the attributes listed here. Rows recorded before the index existed carry no
 * recentKey and are not listed (they expire by TTL).
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { translateAwsError } from '../../aws/errors.js';
import { RECENT_KEY, signalRowObject } from './signal-row.js';

export const RECENT_INDEX = 'recent';
/** Most signals one call returns (the /signals maximum). */
export const MAX_RECENT = 50;

/** What the `recent` index projects: the signal's fields and when it was recorded. */
const recentRowSchema = signalRowObject.pick({
  id: true,
  strategy: true,
  exchange: true,
  symbol: true,
  timeframe: true,
  candleTime: true,
  side: true,
  entry: true,
  stop: true,
  target: true,
  createdAt: true,
});

export type RecentSignal = z.output<typeof recentRowSchema>;

export interface RecentSignals {
  readonly signals: RecentSignal[];
  /** Index rows that failed validation (not shown; the caller logs their ids). */
  readonly invalid: { readonly id: string; readonly reason: string }[];
}

export interface RecentSignalsReader {
  /** The newest `limit` (1..MAX_RECENT) signals, newest first. */
  listRecent(limit: number): Promise<RecentSignals>;
}

export function createDynamoRecentSignals(options: { readonly client: DynamoDBDocumentClient; readonly table: string }): RecentSignalsReader {
  const { client, table } = options;
  return {
    async listRecent(limit) {
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RECENT) throw new RangeError(`limit must be an integer in 1..${MAX_RECENT}, got ${limit}`);
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      try {
        // Projected rows are ~300 bytes: one page holds them all; the loop only guards the 1 MB page limit.
        do {
          const out = await client.send(
            new QueryCommand({
              TableName: table,
              IndexName: RECENT_INDEX,
              KeyConditionExpression: 'recentKey = :k',
              ExpressionAttributeValues: { ':k': RECENT_KEY },
              ScanIndexForward: false,
              Limit: limit - items.length,
              ExclusiveStartKey: start,
            }),
          );
          items.push(...(out.Items ?? []));
          start = out.LastEvaluatedKey;
        } while (start && items.length < limit);
      } catch (error) {
        throw translateAwsError(error, 'list recent signals');
      }
      const signals: RecentSignal[] = [];
      const invalid: { id: string; reason: string }[] = [];
      for (const item of items) {
        const read = recentRowSchema.safeParse(item);
        if (read.success) signals.push(read.data);
        else invalid.push({ id: String(item['id']), reason: read.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      }
      return { signals, invalid };
    },
  };
}
