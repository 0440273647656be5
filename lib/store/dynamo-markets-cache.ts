import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { translateAwsError } from '../aws/errors.js';
import type { MarketsCache, MarketsSnapshot } from '../ports/exchange.js';

export interface DynamoMarketsCacheOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** Rows are deleted by TTL this long after they were fetched (readers apply their own freshness). */
  readonly retainMs: number;
}

const snapshotSchema = z.object({
  exchange: z.string().min(1),
  fetchedAt: z.number().int(),
  markets: z.record(z.string(), z.unknown()),
  unknown: z.array(z.string()),
});

/**
 * Market definitions of the watched symbols, cached in StateTable (`markets#<exchange>`),
 * gzip-compressed JSON (the ccxt market objects keep their raw `info`, which is large).
 * A cold start reads this instead of calling the exchange's market endpoint.
 */
export function createDynamoMarketsCache(options: DynamoMarketsCacheOptions): MarketsCache {
  const { client, table, retainMs } = options;
  return {
    async get(exchange) {
      let item: Record<string, unknown> | undefined;
      try {
        item = (await client.send(new GetCommand({ TableName: table, Key: { pk: `markets#${exchange}` } }))).Item;
      } catch (error) {
        throw translateAwsError(error, `read markets cache ${exchange}`);
      }
      if (!item || !(item.data instanceof Uint8Array)) return undefined;
      const parsed = snapshotSchema.safeParse(JSON.parse(gunzipSync(item.data).toString('utf8')));
      // A cache row that does not parse is treated as a miss: markets are fetched again and the row overwritten.
      return parsed.success ? (parsed.data as MarketsSnapshot) : undefined;
    },
    async put(snapshot) {
      const data = gzipSync(JSON.stringify(snapshot));
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: `markets#${snapshot.exchange}`,
              data,
              fetchedAt: snapshot.fetchedAt,
              expiresAt: Math.floor((snapshot.fetchedAt + retainMs) / 1000),
            },
          }),
        );
      } catch (error) {
        throw translateAwsError(error, `write markets cache ${snapshot.exchange}`);
      }
    },
  };
}
