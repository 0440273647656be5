import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateAwsError } from '../aws/errors.js';
import type { ChartFileCache } from '../notify/delivery-ports.js';

export interface DynamoChartFilesOptions {
  readonly client: DynamoDBDocumentClient;
  /** StateTable. */
  readonly table: string;
  /** How long a Telegram file id is reused. Default 7 days. */
  readonly ttlDays?: number;
}

/**
 * Telegram file ids of uploaded charts in StateTable (`chart#<sourceId>`, TTL): after the first
 * chat got the chart as an upload, every other chat is sent the same file id (no re-render, no
 * re-upload). Telegram file ids stay valid for the bot that uploaded them.
 */
export function createDynamoChartFileCache(options: DynamoChartFilesOptions): ChartFileCache {
  const { client, table } = options;
  const ttlMs = (options.ttlDays ?? 7) * 86_400_000;
  const key = (sourceId: string) => ({ pk: `chart#${sourceId}` });
  return {
    async get(sourceId) {
      try {
        const out = await client.send(new GetCommand({ TableName: table, Key: key(sourceId) }));
        const fileId = out.Item?.['fileId'];
        const expiresAt = out.Item?.['expiresAt'];
        // TTL deletion is lazy: an expired row may still be there.
        if (typeof expiresAt === 'number' && expiresAt * 1000 < Date.now()) return undefined;
        return typeof fileId === 'string' && fileId.length > 0 ? fileId : undefined;
      } catch (error) {
        throw translateAwsError(error, `read chart file id ${sourceId}`);
      }
    },
    async put(sourceId, fileId, now) {
      try {
        await client.send(new PutCommand({ TableName: table, Item: { ...key(sourceId), fileId, uploadedAt: now, expiresAt: Math.floor((now + ttlMs) / 1000) } }));
      } catch (error) {
        throw translateAwsError(error, `write chart file id ${sourceId}`);
      }
    },
  };
}
