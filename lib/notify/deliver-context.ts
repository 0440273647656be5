import { describeError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { SendOptions, TelegramPort } from '../ports/telegram.js';
import type { UserStore } from '../ports/users.js';
import type { ChartPhotos } from './chart-photos.js';
import type { DeliveryProgress, DeliveryStore, SendRateLimiter } from '../ports/delivery.js';
import type { Notification } from '../core/notification.js';
import type { BackoffOptions } from './policy.js';

export interface DeliverDeps {
  readonly telegram: TelegramPort;
  readonly deliveries: DeliveryStore;
  readonly limiter: SendRateLimiter;
  readonly users: UserStore;
  /** Undefined when charts are off (config.telegram.delivery.charts = false). */
  readonly charts: ChartPhotos | undefined;
  readonly clock: Clock;
  readonly log: Log;
  /** How long a claim owns a delivery (covers the sends of one record). */
  readonly leaseMs: number;
  readonly backoff: BackoffOptions;
  /** Longest wait for rate slots in this invocation (remaining time minus a margin). */
  readonly maxWaitMs: () => number;
  readonly random?: () => number;
}

export type DeliverOutcome =
  | { readonly type: 'sent'; readonly parts: number; readonly rateWaitMs: number; readonly withChart: boolean }
  | { readonly type: 'duplicate'; readonly status: 'sent' | 'dropped' }
  | { readonly type: 'dropped'; readonly reason: string }
  | { readonly type: 'retry'; readonly delayMs: number; readonly reason: string; readonly rateLimited: boolean };

/**
 * The signal a notification is about, for the log lines (correlation): a signal's notification
 * names it as its source; a position's (`<position id>#opened|closed`) names the position, whose
 * id is the id of the signal that opened it. Summaries and dashboards have none.
 */
export function signalIdOf(n: Pick<Notification, 'kind' | 'sourceId'>): string | undefined {
  if (n.kind === 'signal') return n.sourceId;
  if (n.kind === 'position-opened' || n.kind === 'position-closed') return n.sourceId.replace(/#(opened|closed)$/, '');
  return undefined;
}

/** The correlation fields of every log line about one notification. */
export function notificationFields(n: Pick<Notification, 'id' | 'chatId' | 'kind' | 'sourceId'>): Record<string, unknown> {
  const signalId = signalIdOf(n);
  return { notificationId: n.id, chatId: n.chatId, kind: n.kind, ...(signalId === undefined ? {} : { signalId }) };
}

/** A rate-slot wait gave up within this invocation: give the message back (retry later). */
export class SlotUnavailable extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`send slot not available within the invocation (retry in ${retryAfterMs} ms)`);
  }
}

export interface DeliveryContext {
  readonly deps: DeliverDeps;
  readonly n: Notification;
  readonly options: SendOptions;
  readonly progress: DeliveryProgress | undefined;
  /** Adds rate-limit wait time. */
  waited(ms: number): void;
}

/** The chart could not be produced (render failed): thrown before anything was sent. */
export class PhotoUnavailable extends Error {
  constructor() {
    super('chart unavailable');
  }
}

/**
 * Sends through the chat's and a global send slot: waits for them (SlotUnavailable when it cannot
 * within the invocation), runs `send`, then releases the chat slot so its next message goes one
 * interval after this one has finished. A failed release is logged: the slot's lease expires.
 */
export async function withSlot<T>(ctx: DeliveryContext, send: () => Promise<T>): Promise<T> {
  const slot = await ctx.deps.limiter.acquire(ctx.n.chatId, ctx.deps.maxWaitMs());
  if (!slot.ok) throw new SlotUnavailable(slot.retryAfterMs);
  ctx.waited(slot.waitedMs);
  try {
    return await send();
  } finally {
    await slot.release().catch((error: unknown) =>
      ctx.deps.log.warn('send slot not released; it expires by itself', { ...notificationFields(ctx.n), error: describeError(error) }),
    );
  }
}
