/**
 * The dashboard producer, run after every monitor run: one `dashboard` notification per chat
 * with a pinned dashboard (UsersTable GSI `dashboards`, bounded), all with the same text. The
 * notify consumer edits the chat's stored message (not modified = done; a deleted message is
 * recreated once and its new id stored). The id `dashboard#<chatId>#<minute>` is derived from
 * the data: two monitor runs in the same minute enqueue the same ids, delivered once.
 */
import { renderDashboardText } from '../core/dashboard-text.js';
import { notificationSchema, type Notification } from '../core/notification.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationQueue } from '../ports/queue.js';
import type { UserStore } from '../ports/users.js';
import { readDashboardData, type DashboardSource } from './dashboard-data.js';

export const DEFAULT_MAX_DASHBOARDS = 500;

export interface DashboardRefreshDeps extends DashboardSource {
  readonly users: Pick<UserStore, 'dashboards'>;
  readonly queue: NotificationQueue;
  readonly clock: Clock;
  /** Chats refreshed at most per run (default 500). */
  readonly maxChats?: number;
}

export interface DashboardRefreshReport {
  readonly chats: number;
  readonly enqueued: number;
  /** The chat limit was reached: some dashboards were not refreshed this run. */
  readonly limited: boolean;
}

export const minuteBucket = (now: number): number => Math.floor(now / 60_000);
export const dashboardNotificationId = (chatId: number, now: number): string => `dashboard#${chatId}#${minuteBucket(now)}`;

export async function refreshDashboards(deps: DashboardRefreshDeps): Promise<DashboardRefreshReport> {
  const limit = deps.maxChats ?? DEFAULT_MAX_DASHBOARDS;
  const chats = await deps.users.dashboards(limit);
  if (chats.length === 0) return { chats: 0, enqueued: 0, limited: false };
  const now = deps.clock.now();
  const text = renderDashboardText(await readDashboardData(deps, now));
  const notifications: Notification[] = [...new Set(chats.map((c) => c.chatId))].map((chatId) =>
    notificationSchema.parse({
      v: 1,
      id: dashboardNotificationId(chatId, now),
      kind: 'dashboard',
      chatId,
      text,
      parseMode: 'HTML',
      sourceId: `dashboard#${minuteBucket(now)}`,
      createdAt: now,
    }),
  );
  await deps.queue.send(notifications);
  const limited = chats.length >= limit;
  if (limited) deps.log.warn('dashboard refresh reached its chat limit', { limit });
  return { chats: chats.length, enqueued: notifications.length, limited };
}
