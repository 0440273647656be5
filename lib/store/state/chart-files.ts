import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { ChartFileCache } from '../../ports/delivery.js';
import { defaultCorruptRowReporter, reasonOf, type CorruptRowReporter } from '../../aws/corrupt-rows.js';
import { getRow } from '../dynamo/get-row.js';
import { send } from '../dynamo/send.js';

export interface DynamoChartFilesOptions {
  readonly client: DynamoDBDocumentClient;
  /** StateTable. */
  readonly table: string;
  /** How long a Telegram file id is reused. Default 7 days. */
  readonly ttlDays?: number;
  /** Where a row that fails validation is reported (default: log once + metric). */
  readonly corruptRows?: CorruptRowReporter;
}

const rowSchema = z.object({
  fileId: z.string().min(1),
  uploadedAt: z.number().int().optional(),
  expiresAt: z.number().int(),
});

/**
 * Telegram file ids of uploaded charts in StateTable (`chart#<sourceId>`, TTL): after the first
 * chat got the chart as an upload, every other chat is sent the same file id (no re-render, no
 * re-upload). Telegram file ids stay valid for the bot that uploaded them. A row that fails
 * validation is reported and read as absent: the chart is uploaded again and the row rewritten.
 */
export function createDynamoChartFileCache(options: DynamoChartFilesOptions): ChartFileCache {
  const { client, table } = options;
  const corruptRows = options.corruptRows ?? defaultCorruptRowReporter();
  const ttlMs = (options.ttlDays ?? 7) * 86_400_000;
  const key = (sourceId: string) => ({ pk: `chart#${sourceId}` });
  return {
    async get(sourceId) {
      const item = await getRow(client, table, key(sourceId), `read chart file id ${sourceId}`);
      if (!item) return undefined;
      const row = rowSchema.safeParse(item);
      if (!row.success) {
        corruptRows.corrupt({ kind: 'chart-file', table, key: key(sourceId).pk, reason: reasonOf(row.error) });
        return undefined;
      }
      // TTL deletion is lazy: an expired row may still be there.
      return row.data.expiresAt * 1000 < Date.now() ? undefined : row.data.fileId;
    },
    async put(sourceId, fileId, now) {
      await send(client, { Put: { TableName: table, Item: { ...key(sourceId), fileId, uploadedAt: now, expiresAt: Math.floor((now + ttlMs) / 1000) } } }, `write chart file id ${sourceId}`);
    },
  };
}
