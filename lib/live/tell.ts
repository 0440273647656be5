/**
 * Messages of live trading through the notification queue: order, fill and refusal messages to
 * a position's recipients, admin alerts to `telegram.adminChatIds`. Ids are derived from the
 * data (`live#<client order id>#<event>`, `live-alert#<key>`) and the chat, so a message sent
 * again by a later run (after a crash between a state change and its message) is absorbed by
 * the notify consumer, and one alert repeated by every run is delivered once.
 *
 * A message that cannot be enqueued does not undo the state change it tells about: the error is
 * thrown to the caller, which counts it (report `errors`, code QUEUE_*) and logs it.
 */
import { notificationId, notificationSchema, type Notification, type NotificationKind } from '../core/notification.js';
import { renderLiveAlertText } from '../core/live-text.js';
import type { LiveDeps, LiveExchange } from './deps.js';

export interface Teller {
  /** To the chats of a position (its signal's recipients). `kind`: opened for the entry side, closed for exits. */
  tell(chats: readonly number[], sourceId: string, kind: Extract<NotificationKind, 'position-opened' | 'position-closed'>, text: string): Promise<void>;
  /** To every admin chat; counted in `alerts()`. `key`: what the alert is about (one alert per key). */
  alert(key: string, text: string): Promise<void>;
  /** A generic admin alert (renderLiveAlertText). */
  alertOf(ex: LiveExchange, key: string, alert: { readonly title: string; readonly detail?: string; readonly check?: string; readonly code?: string }): Promise<void>;
  /** Admin alerts enqueued so far. */
  alerts(): number;
}

/** The source id of a message about an order: `live#<client order id>#<event>`. */
export const orderSourceId = (clientOrderId: string, event: string): string => `live#${clientOrderId}#${event}`;

export function createTeller(deps: Pick<LiveDeps, 'queue' | 'clock' | 'config'>): Teller {
  let alerts = 0;
  const build = (chats: readonly number[], sourceId: string, kind: NotificationKind, text: string): Notification[] => {
    const createdAt = deps.clock.now();
    return [...new Set(chats)].map((chatId) =>
      notificationSchema.parse({ v: 1, id: notificationId(sourceId, chatId), kind, chatId, text, parseMode: 'HTML', sourceId, createdAt }),
    );
  };
  const teller: Teller = {
    async tell(chats, sourceId, kind, text) {
      const notifications = build(chats, sourceId, kind, text);
      if (notifications.length > 0) await deps.queue.send(notifications);
    },
    async alert(key, text) {
      alerts++;
      const notifications = build(deps.config.telegram.adminChatIds, `live-alert#${key}`, 'position-closed', text);
      if (notifications.length > 0) await deps.queue.send(notifications);
    },
    alertOf(ex, key, a) {
      return teller.alert(key, renderLiveAlertText({ venue: ex.venue, exchange: ex.id, ...a }));
    },
    alerts: () => alerts,
  };
  return teller;
}
