import { z } from 'zod';

/**
 * The SQS message body of one Telegram notification. Producers build it with
 * `notificationSchema.parse` and the notify consumer validates with the same schema.
 * `id` is derived from the data (`<signal id>#chat#<chat id>`, for paper positions
 * `<position id>#<opened|closed>#chat#<chat id>`), so a redelivered or re-driven message can be
 * recognised as already sent.
 */
export const notificationSchema = z
  .object({
    v: z.literal(1),
    id: z.string().min(1).max(512),
    kind: z.enum(['signal', 'position-opened', 'position-closed']),
    chatId: z.int(),
    text: z.string().min(1).max(16_384),
    parseMode: z.enum(['HTML']),
    /** Id of the record that caused the notification: a signal id, or `<position id>#opened|closed`. */
    sourceId: z.string().min(1).max(512),
    createdAt: z.int().positive(),
  })
  .strict();

export type Notification = z.output<typeof notificationSchema>;

export function notificationId(sourceId: string, chatId: number): string {
  return `${sourceId}#chat#${chatId}`;
}
