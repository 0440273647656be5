import { renderSignalText } from '../core/message.js';
import type { Signal } from '../core/signal.js';
import { timeframeMs, type Timeframe } from '../core/timeframe.js';
import { notificationId, notificationSchema, type ChartSpec, type Notification } from '../core/notification.js';

/** One notification per recipient chat; ids derived from the signal id and the chat. `chart`: attached to each (optional). */
export function signalNotifications(signal: Signal, recipients: readonly number[], createdAt: number, chart?: ChartSpec): Notification[] {
  const text = renderSignalText(signal, timeframeMs(signal.timeframe as Timeframe));
  return recipients.map((chatId) =>
    notificationSchema.parse({
      v: 1,
      id: notificationId(signal.id, chatId),
      kind: 'signal',
      chatId,
      text,
      parseMode: 'HTML',
      sourceId: signal.id,
      createdAt,
      ...(chart ? { chart } : {}),
    }),
  );
}
