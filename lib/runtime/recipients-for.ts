import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Log } from '../ports/log.js';
import type { RecipientResolver } from '../ports/users.js';
import { createDynamoRecipientResolver } from '../store/users/recipients.js';
import { createStaticRecipientResolver } from '../users/static-recipients.js';

/**
 * The recipients of one scan/monitor invocation (call once per invocation: the Dynamo
 * resolver memoises for that invocation only):
 * - `fixed` chats when given (npm start without a Telegram token, tests),
 * - else the subscribers in `usersTable` when the environment names it (deployed),
 * - else the configured admin chats.
 */
export function recipientResolverFor(options: {
  readonly client: DynamoDBDocumentClient;
  readonly usersTable: string | undefined;
  readonly fixed: readonly number[] | undefined;
  readonly adminChatIds: readonly number[];
  readonly log: Log;
}): RecipientResolver {
  if (options.fixed) return createStaticRecipientResolver(options.fixed);
  if (options.usersTable) return createDynamoRecipientResolver({ client: options.client, table: options.usersTable, log: options.log });
  return createStaticRecipientResolver(options.adminChatIds);
}
