import { notificationId, notificationSchema, type Notification } from '../core/notification.js';
import type { PositionEvent } from '../ports/positions.js';

/** Id of the record behind a position notification: `<position id>#opened|closed`. */
export const positionEventId = (event: Pick<PositionEvent, 'positionId' | 'kind'>): string => `${event.positionId}#${event.kind}`;

/** One notification per recipient (with the event's chart, if any); ids derived from the position id, the event and the chat. */
export function positionNotifications(event: PositionEvent): Notification[] {
  const sourceId = positionEventId(event);
  return event.recipients.map((chatId) =>
    notificationSchema.parse({
      v: 1,
      id: notificationId(sourceId, chatId),
      kind: `position-${event.kind}`,
      chatId,
      text: event.text,
      parseMode: 'HTML',
      sourceId,
      createdAt: event.createdAt,
      ...(event.chart === undefined ? {} : { chart: event.chart }),
    }),
  );
}
