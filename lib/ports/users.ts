import type { NotificationKind } from '../core/notification.js';

/** Per-chat preferences, set with /settings. */
export interface ChatSettings {
  /** IANA time zone for quiet hours and displayed times, e.g. `Europe/Berlin`. Default `UTC`. */
  readonly timezone: string;
  /** Local hours [start, end) during which messages are sent silently; null = never. */
  readonly quietHours: { readonly start: number; readonly end: number } | null;
  /** Which notifications the chat receives. */
  readonly notify: { readonly signals: boolean; readonly positions: boolean; readonly summary: boolean };
}

export const DEFAULT_CHAT_SETTINGS: ChatSettings = Object.freeze({
  timezone: 'UTC',
  quietHours: null,
  notify: Object.freeze({ signals: true, positions: true, summary: true }),
});

export interface ChatProfile {
  readonly chatId: number;
  readonly active: boolean;
  /** Why the chat was deactivated: `stopped` (/stop), `blocked` (403), `chat-not-found` (400). */
  readonly inactiveReason?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly settings: ChatSettings;
  /** The pinned dashboard message the monitor keeps up to date. */
  readonly dashboardMessageId?: number;
  /** Optimistic-lock version, incremented by every profile write. */
  readonly version: number;
}

/** `*` = any. `symbol` is a ccxt symbol (`BTC/USDT`), validated against the exchange's markets. */
export interface Subscription {
  readonly chatId: number;
  readonly symbol: string;
  readonly strategy: string;
  readonly timeframe: string;
}

/** Users and subscriptions. */
export interface UserStore {
  /** /start: creates the profile or re-activates it (keeps settings and subscriptions). */
  register(chatId: number, now: number): Promise<ChatProfile>;
  /** /stop, or the notify consumer on 403 / chat-not-found. Idempotent. */
  deactivate(chatId: number, reason: string, now: number): Promise<void>;
  get(chatId: number): Promise<ChatProfile | undefined>;
  /** Version-checked read-modify-write (retried on conflict). */
  updateSettings(chatId: number, change: (s: ChatSettings) => ChatSettings, now: number): Promise<ChatProfile>;
  subscribe(sub: Subscription, now: number): Promise<'added' | 'exists'>;
  unsubscribe(sub: Subscription): Promise<boolean>;
  list(chatId: number): Promise<Subscription[]>;
  /**
   * Sets (or clears, `messageId` undefined) the chat's dashboard message, only if the stored id is
   * still `expected` (undefined = none). False when another writer changed it first.
   */
  setDashboard(chatId: number, messageId: number | undefined, expected: number | undefined, now: number): Promise<boolean>;
  /** Chats with a pinned dashboard, bounded by `limit`. */
  dashboards(limit: number): Promise<{ chatId: number; messageId: number }[]>;
}

export type TakeResult = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/** A per-chat command allowance (the bot's command rate limit). */
export interface CommandBucket {
  take(chatId: number, now: number): Promise<TakeResult>;
}

/** "Slow down" said once per refusal window, not once per refused message. */
export interface SlowdownNotice {
  /** True for the first refusal of a window of `windowMs` from `now` (the caller then replies once). */
  first(chatId: number, now: number, windowMs: number): Promise<boolean>;
}

export interface RecipientQuery {
  readonly strategy: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly kind: NotificationKind;
}

/**
 * Who gets a notification: the active chats with a matching subscription (symbol or `*`,
 * strategy or `*`, timeframe or `*`) whose settings accept the kind. Sorted, distinct.
 */
export interface RecipientResolver {
  resolve(query: RecipientQuery): Promise<readonly number[]>;
}

/** The subscribers of a set of symbols, as /stats and the daily summary count them. */
export interface SubscribersRead {
  /** Subscription rows read. */
  readonly subscriptions: number;
  /** Distinct subscribed chats, sorted. */
  readonly chats: readonly number[];
  /** The row bound was reached: counts are lower bounds. */
  readonly truncated: boolean;
}
