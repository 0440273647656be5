import { z } from 'zod';

/**
 * The part of a Telegram `Update` the bot acts on: text messages (commands) and callback
 * queries (pagination buttons). Objects are loose: Telegram adds fields over time and they must
 * not make a valid update fail.
 *
 * What happens to what (lib/webhook/handle-request.ts):
 * - body not JSON, or bigger than the limit → 400 / 413 (not an update at all; nothing to do);
 * - JSON without a valid `update_id` or with a `message` / `callback_query` of the wrong shape →
 *   logged and answered 200: Telegram would re-send the same bytes on a non-2xx, so retrying
 *   cannot fix it, and a 4xx would only hold up the chat's later updates;
 * - any other update type (edited_message, my_chat_member, …) → accepted and ignored, 200.
 */
const chatSchema = z.looseObject({
  id: z.int(),
  type: z.string().min(1),
});

const userSchema = z.looseObject({
  id: z.int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  username: z.string().optional(),
});

export const messageSchema = z.looseObject({
  message_id: z.int(),
  date: z.int(),
  chat: chatSchema,
  from: userSchema.optional(),
  text: z.string().max(8192).optional(),
});

export const callbackQuerySchema = z.looseObject({
  id: z.string().min(1).max(256),
  from: userSchema,
  /** Absent when the message is too old or was sent in inline mode. */
  message: z.looseObject({ message_id: z.int(), chat: chatSchema }).optional(),
  data: z.string().max(64).optional(),
});

export const updateSchema = z.looseObject({
  update_id: z.int().min(0),
  message: messageSchema.optional(),
  callback_query: callbackQuerySchema.optional(),
});

export type BotUpdate = z.output<typeof updateSchema>;
export type BotMessage = z.output<typeof messageSchema>;
export type BotCallbackQuery = z.output<typeof callbackQuerySchema>;
