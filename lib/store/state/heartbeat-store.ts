import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { HeartbeatStore, ScanHeartbeat } from '../../ports/state.js';
import { defaultCorruptRowReporter, reasonOf, type CorruptRowReporter } from '../../aws/corrupt-rows.js';
import { getRow } from '../dynamo/get-row.js';
import { send } from '../dynamo/send.js';

const count = z.number().int().nonnegative();
const heartbeatSchema = z.object({
  timeframe: z.string().min(1),
  completedAt: z.number().int(),
  candleTime: z.number().int(),
  scanned: count,
  failed: count,
  signalled: count,
});

/**
 * Last completed scan per timeframe in StateTable (`scan#<timeframe>`): one row per timeframe.
 * A row that fails validation (or belongs to another timeframe) reads as absent — health then
 * reports "no scan yet" until the next scan rewrites it — and is reported (`corruptRows`).
 */
export function createDynamoHeartbeatStore(client: DynamoDBDocumentClient, table: string, corruptRows: CorruptRowReporter = defaultCorruptRowReporter()): HeartbeatStore {
  return {
    async put(heartbeat: ScanHeartbeat) {
      await send(client, { Put: { TableName: table, Item: { pk: `scan#${heartbeat.timeframe}`, ...heartbeat } } }, `write heartbeat ${heartbeat.timeframe}`);
    },
    async get(timeframe: string) {
      const item = await getRow(client, table, { pk: `scan#${timeframe}` }, `read heartbeat ${timeframe}`);
      if (!item) return undefined;
      const parsed = heartbeatSchema.safeParse(item);
      const reason = !parsed.success ? reasonOf(parsed.error) : parsed.data.timeframe !== timeframe ? `heartbeat of ${parsed.data.timeframe}, not ${timeframe}` : undefined;
      if (reason === undefined && parsed.success) return parsed.data;
      corruptRows.corrupt({ kind: 'heartbeat', table, key: `scan#${timeframe}`, reason: reason ?? 'invalid' });
      return undefined;
    },
  };
}
