/**
 * Reads chat profiles (chatId, active, settings) with BatchGetItem: 100 keys a call, the
 * unprocessed keys retried with the given backoff a bounded number of times, then a
 * TransientError. Shared by the notification fan-out and the daily summary's audience.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateAwsError } from '../../aws/errors.js';
import { TransientError } from '../../errors.js';
import type { ChatSettings } from '../../ports/users.js';
import { withStoreRetry, type RetryPolicy } from '../dynamo/transact.js';
import { chatPk, chatSettingsSchema, PROFILE_SK } from './user-rows.js';

const BATCH_GET_MAX = 100;

/** One stored profile; `settings` is undefined when the stored settings do not validate. */
export interface ProfileFlags {
  readonly chatId: number;
  readonly active: boolean;
  readonly settings: ChatSettings | undefined;
}

/** The stored profiles among `chatIds` (missing ones and rows without a numeric chatId left out), in no particular order. */
export async function batchGetProfiles(client: DynamoDBDocumentClient, table: string, chatIds: readonly number[], retry: RetryPolicy): Promise<ProfileFlags[]> {
  const out: ProfileFlags[] = [];
  for (let i = 0; i < chatIds.length; i += BATCH_GET_MAX) {
    let keys: Record<string, unknown>[] = chatIds.slice(i, i + BATCH_GET_MAX).map((id) => ({ pk: chatPk(id), sk: PROFILE_SK }));
    // Unprocessed keys (throttling) are read again after a jittered wait, bounded (lib/retry.ts).
    await withStoreRetry(retry, async (attempt) => {
      let res;
      try {
        res = await client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ProjectionExpression: 'chatId, active, settings' } } }));
      } catch (error) {
        throw translateAwsError(error, 'read chat profiles');
      }
      for (const item of res.Responses?.[table] ?? []) {
        if (typeof item['chatId'] !== 'number') continue;
        const settings = chatSettingsSchema.safeParse(item['settings']);
        out.push({ chatId: item['chatId'], active: item['active'] === true, settings: settings.success ? settings.data : undefined });
      }
      keys = (res.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      if (keys.length > 0) {
        throw new TransientError(`read chat profiles: ${keys.length} keys still unprocessed after ${attempt} attempts`, { code: 'AWS_TRANSIENT' });
      }
    });
  }
  return out;
}
