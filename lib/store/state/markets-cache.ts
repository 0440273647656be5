import { gunzipSync, gzipSync } from 'node:zlib';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { MarketsCache, MarketsSnapshot } from '../../ports/exchange.js';
import { defaultCorruptRowReporter, reasonOf, type CorruptRowReporter } from '../../aws/corrupt-rows.js';
import { getRow } from '../dynamo/get-row.js';
import { send } from '../dynamo/send.js';

export interface DynamoMarketsCacheOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** Rows are deleted by TTL this long after they were fetched (readers apply their own freshness). */
  readonly retainMs: number;
  /** Where a row that fails validation is reported (default: log once + metric, lib/aws/corrupt-rows.ts). */
  readonly corruptRows?: CorruptRowReporter;
}

/**
 * A cached ccxt market, as far as the adapter relies on it: an object whose `symbol` is its key,
 * with the exchange's `id`, `base`, `quote` and `spot: true` (only usable spot markets are cached).
 */
const marketSchema = z.looseObject({
  id: z.string().min(1),
  symbol: z.string().min(1),
  base: z.string().min(1),
  quote: z.string().min(1),
  spot: z.literal(true),
});

const snapshotSchema = z
  .object({
    exchange: z.string().min(1),
    fetchedAt: z.number().int().nonnegative(),
    markets: z.record(z.string(), marketSchema),
    unknown: z.array(z.string()),
  })
  .superRefine((s, ctx) => {
    for (const [symbol, market] of Object.entries(s.markets)) {
      if (market.symbol !== symbol) ctx.addIssue({ code: 'custom', path: ['markets', symbol, 'symbol'], message: `market filed under ${symbol} is ${market.symbol}` });
    }
  });

type Parsed = { ok: true; snapshot: MarketsSnapshot } | { ok: false; reason: string };

/** The stored item as a snapshot of `exchange`, or why it is not one. Never throws. */
function parseItem(item: Record<string, unknown>, exchange: string): Parsed {
  const data = item['data'];
  if (!(data instanceof Uint8Array)) return { ok: false, reason: `data is not binary (got ${data === null ? 'null' : typeof data})` };
  let text: string;
  try {
    text = gunzipSync(data).toString('utf8');
  } catch (error) {
    return { ok: false, reason: `data is not gzip: ${reasonOf(error)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `data is not JSON: ${reasonOf(error)}` };
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `snapshot: ${reasonOf(parsed.error)}` };
  if (parsed.data.exchange !== exchange) return { ok: false, reason: `snapshot of ${parsed.data.exchange}, not ${exchange}` };
  return { ok: true, snapshot: parsed.data as MarketsSnapshot };
}

/**
 * Market definitions of the watched symbols, cached in StateTable (`markets#<exchange>`),
 * gzip-compressed JSON (the ccxt market objects keep their raw `info`, which is large).
 * A cold start reads this instead of calling the exchange's market endpoint. Every read is
 * validated (binary, gzip, JSON, snapshot shape, each market's shape, the exchange): a row that
 * fails is reported and read as a miss, never an error.
 */
export function createDynamoMarketsCache(options: DynamoMarketsCacheOptions): MarketsCache {
  const { client, table, retainMs } = options;
  const corruptRows = options.corruptRows ?? defaultCorruptRowReporter();
  return {
    async get(exchange) {
      const item = await getRow(client, table, { pk: `markets#${exchange}` }, `read markets cache ${exchange}`);
      if (!item) return undefined;
      // A row that does not parse is a miss (reported): markets are fetched again and the row overwritten.
      const parsed = parseItem(item, exchange);
      if (parsed.ok) return parsed.snapshot;
      corruptRows.corrupt({ kind: 'markets', table, key: `markets#${exchange}`, reason: parsed.reason });
      return undefined;
    },
    async put(snapshot) {
      const data = gzipSync(JSON.stringify(snapshot));
      const Item = { pk: `markets#${snapshot.exchange}`, data, fetchedAt: snapshot.fetchedAt, expiresAt: Math.floor((snapshot.fetchedAt + retainMs) / 1000) };
      await send(client, { Put: { TableName: table, Item } }, `write markets cache ${snapshot.exchange}`);
    },
  };
}
