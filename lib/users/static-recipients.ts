import type { RecipientResolver } from '../ports/users.js';

/**
 * A fixed list of chats for every notification: used when no users table is configured
 * (tests, `npm start` without a Telegram token, where the console is the only "chat").
 */
export function createStaticRecipientResolver(chatIds: readonly number[]): RecipientResolver {
  const chats = Object.freeze([...new Set(chatIds)].sort((a, b) => a - b));
  return { resolve: async () => chats };
}
