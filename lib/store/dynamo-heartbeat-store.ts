import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { translateAwsError } from '../aws/errors.js';
import type { HeartbeatStore, ScanHeartbeat } from '../ports/state.js';

const heartbeatSchema = z.object({
  timeframe: z.string(),
  completedAt: z.number().int(),
  candleTime: z.number().int(),
  scanned: z.number().int(),
  failed: z.number().int(),
  signalled: z.number().int(),
});

/** Last completed scan per timeframe in StateTable (`scan#<timeframe>`): one row per timeframe. */
export function createDynamoHeartbeatStore(client: DynamoDBDocumentClient, table: string): HeartbeatStore {
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
        item = (await client.send(new GetCommand({ TableName: table, Key: { pk: `scan#${timeframe}` } }))).Item;
      } catch (error) {
        throw translateAwsError(error, `read heartbeat ${timeframe}`);
      }
      return item ? heartbeatSchema.parse(item) : undefined;
    },
  };
}
