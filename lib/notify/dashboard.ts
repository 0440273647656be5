import { describeError } from '../errors.js';
import { TelegramApiError } from '../ports/telegram.js';
import type { ChatProfile } from '../ports/users.js';
import { splitHtml } from '../core/html-split.js';
import { withSlot, type DeliveryContext } from './deliver-context.js';
import { TELEGRAM_TEXT_LIMIT } from '../core/format.js';

/**
 * A `dashboard` notification: edits the chat's pinned dashboard message in place ("not
 * modified" counts as success). When there is none, or Telegram says it is gone, a new one is
 * sent, pinned and stored with `users.setDashboard` (compare-and-set on the old id): the
 * dashboard is recreated once per notification, never retried forever. Progress (the new
 * message id) is recorded before pinning, so a retry pins and stores it instead of sending
 * another message.
 */
export async function deliverDashboard(ctx: DeliveryContext, profile: ChatProfile | undefined): Promise<{ messageIds: readonly number[]; withChart: false }> {
  const { deps, n, options } = ctx;
  const meta = { notificationId: n.id, chatId: n.chatId };
  const parts = splitHtml(n.text, TELEGRAM_TEXT_LIMIT);
  if (parts.length > 1) deps.log.warn('dashboard text longer than one message; showing the first part', { ...meta, textLength: n.text.length, parts: parts.length });
  const text = parts[0] ?? n.text.slice(0, TELEGRAM_TEXT_LIMIT);
  const resume = ctx.progress?.plan === 'dashboard' ? ctx.progress.messageIds[0] : undefined;
  const oldId = profile?.dashboardMessageId;

  if (resume === undefined && oldId !== undefined) {
    try {
      const result = await withSlot(ctx, () => deps.telegram.editMessageText(n.chatId, oldId, text, options));
      deps.log.debug('dashboard updated', { ...meta, messageId: oldId, result });
      return { messageIds: [oldId], withChart: false };
    } catch (error) {
      if (!(error instanceof TelegramApiError && error.failure === 'message-gone')) throw error;
      deps.log.info('dashboard message is gone; sending a new one', { ...meta, messageId: oldId });
    }
  }

  let messageId = resume;
  if (messageId === undefined) {
    messageId = (await withSlot(ctx, () => deps.telegram.sendMessage(n.chatId, text, { ...options, silent: true }))).messageId;
    await deps.deliveries.recordProgress(n.id, { plan: 'dashboard', partsSent: 1, messageIds: [messageId] }, deps.clock.now());
  }
  try {
    await deps.telegram.pinChatMessage(n.chatId, messageId);
  } catch (error) {
    // Pinning is best effort when Telegram refuses it for good (no rights in a group…); a
    // transient failure retries (the message is not sent again: progress above).
    if (!(error instanceof TelegramApiError) || error.kind === 'transient' || error.failure === 'blocked' || error.failure === 'chat-not-found') throw error;
    deps.log.warn('dashboard not pinned', { ...meta, messageId, error: describeError(error) });
  }
  const stored = await deps.users.setDashboard(n.chatId, messageId, oldId, deps.clock.now());
  if (!stored) deps.log.warn('dashboard id not stored: another writer changed it first', { ...meta, messageId, expected: oldId });
  return { messageIds: [messageId], withChart: false };
}
