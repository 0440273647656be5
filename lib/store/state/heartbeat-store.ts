import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { translateAwsError } from '../../aws/errors.js';
import type { HeartbeatStore, ScanHeartbeat } from '../../ports/state.js';
import { defaultCorruptRowReporter, reasonOf, type CorruptRowReporter } from '../../aws/corrupt-rows.js';
import { getRow } from '../dynamo/get-row.js';

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
      try {
        await client.send(new PutCommand({ TableName: table, Item: { pk: `scan#${heartbeat.timeframe}`, ...heartbeat } }));
      } catch (error) {
        throw translateAwsError(error, `write heartbeat ${heartbeat.timeframe}`);
      }
    },
    async get(timeframe: string) {
      let item: Record<string, unknown> | undefined;
      try {
        item = await getRow(client, table, { pk: `scan#${timeframe}` });
      } catch (error) {
        throw translateAwsError(error, `read heartbeat ${timeframe}`);
      }
      if (!item) return undefined;
      const parsed = heartbeatSchema.safeParse(item);
      const reason = !parsed.success ? reasonOf(parsed.error) : parsed.data.timeframe !== timeframe ? `heartbeat of ${parsed.data.timeframe}, not ${timeframe}` : undefined;
      if (reason === undefined && parsed.success) return parsed.data;
      corruptRows.corrupt({ kind: 'heartbeat', table, key: `scan#${timeframe}`, reason: reason ?? 'invalid' });
      return undefined;
    },
  };
}
