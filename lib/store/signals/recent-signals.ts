/**
 * The newest recorded signals, for /signals: one Query on SignalsTable's sparse GSI `recent`
 * (recentKey = `signal`, recentAt = recorded time, newest first; infra/tables.yml). The index
 * projects only the attributes listed here. Rows recorded before the index existed carry no
 * recentKey and are not listed (they expire by TTL).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describeIssues } from '../../core/zod-issues.js';
import { MAX_RECENT, type RecentSignal, type RecentSignalsReader } from '../../ports/recent-signals.js';
import { queryItems } from '../dynamo/read.js';
import { RECENT_KEY, signalRowObject } from './signal-row.js';

export const RECENT_INDEX = 'recent';

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

export function createDynamoRecentSignals(options: { readonly client: DynamoDBDocumentClient; readonly table: string }): RecentSignalsReader {
  const { client, table } = options;
  return {
    async listRecent(limit) {
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RECENT) throw new RangeError(`limit must be an integer in 1..${MAX_RECENT}, got ${limit}`);
      // Projected rows are ~300 bytes: one page holds them all; the pages only guard the 1 MB page limit.
      const { items } = await queryItems(
        client,
        { TableName: table, IndexName: RECENT_INDEX, KeyConditionExpression: 'recentKey = :k', ExpressionAttributeValues: { ':k': RECENT_KEY }, ScanIndexForward: false },
        limit,
        limit,
        'list recent signals',
      );
      const signals: RecentSignal[] = [];
      const invalid: { id: string; reason: string }[] = [];
      for (const item of items) {
        const read = recentRowSchema.safeParse(item);
        if (read.success) signals.push(read.data);
        else invalid.push({ id: String(item['id']), reason: describeIssues(read.error.issues, { root: '' }) });
      }
      return { signals, invalid };
    },
  };
}
