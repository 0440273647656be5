/**
 * UsersTable row layout (infra/tables.yml) and the zod schemas every row is read through:
 *   chat#<id> / profile                                      the chat (ChatProfile + subCount)
 *   chat#<id> / sub#<symbol|*>#<strategy|*>#<timeframe|*>    one subscription, fanKey = symbol or `*`
 *   chat#<id> / ratelimit                                    the command rate limit (lib/store/users/command-rate-limit.ts, TTL)
 *   chat#<id> / slowdown                                     when the last "slow down" was said (lib/store/users/slowdown-notice.ts, TTL)
 */
import { z } from 'zod';
import { TIMEFRAMES } from '../../core/timeframe.js';
import { describeIssues } from '../../core/zod-issues.js';
import { PermanentError } from '../../errors.js';
import type { ChatProfile, ChatSettings, Subscription } from '../../ports/users.js';
import { canonicalTimeZone } from '../../core/time-zone.js';

export const PROFILE_SK = 'profile';
export const SUB_PREFIX = 'sub#';
export const ANY = '*';
/** dashKey value of profiles with a pinned dashboard (GSI `dashboards`). */
export const DASHBOARD_KEY = 'dashboard';
export const SUBSCRIBERS_INDEX = 'subscribers';
export const DASHBOARDS_INDEX = 'dashboards';

export const chatPk = (chatId: number): string => `chat#${chatId}`;
export const subSk = (s: Pick<Subscription, 'symbol' | 'strategy' | 'timeframe'>): string => `${SUB_PREFIX}${s.symbol}#${s.strategy}#${s.timeframe}`;

const validTimeZone = (tz: string): boolean => canonicalTimeZone(tz) !== undefined;

const hour = z.int().min(0).max(23);

export const chatSettingsSchema = z
  .object({
    timezone: z.string().min(1).max(64).refine(validTimeZone, 'unknown IANA time zone (e.g. "Europe/Berlin", "UTC")'),
    quietHours: z
      .object({ start: hour, end: hour })
      .strict()
      .refine((q) => q.start !== q.end, 'quiet hours start and end must differ')
      .nullable(),
    notify: z.object({ signals: z.boolean(), positions: z.boolean(), summary: z.boolean() }).strict(),
  })
  .strict();

export const profileRowSchema = z.object({
  pk: z.string(),
  sk: z.literal(PROFILE_SK),
  chatId: z.int(),
  active: z.boolean(),
  inactiveReason: z.string().optional(),
  createdAt: z.int(),
  updatedAt: z.int(),
  settings: chatSettingsSchema,
  dashboardMessageId: z.int().optional(),
  version: z.int().min(1),
  subCount: z.int().min(0).default(0),
});
export type ProfileRow = z.output<typeof profileRowSchema>;

export function toProfile(row: ProfileRow): ChatProfile {
  return {
    chatId: row.chatId,
    active: row.active,
    ...(row.inactiveReason !== undefined ? { inactiveReason: row.inactiveReason } : {}),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    settings: row.settings,
    ...(row.dashboardMessageId !== undefined ? { dashboardMessageId: row.dashboardMessageId } : {}),
    version: row.version,
  };
}

/** A stored profile that fails validation: never guessed at, reported with the chat. */
export function parseProfile(item: Record<string, unknown>): ProfileRow {
  const parsed = profileRowSchema.safeParse(item);
  if (!parsed.success) {
    throw new PermanentError(`profile row ${String(item.pk)} is invalid: ${describeIssues(parsed.error.issues, { root: '' })}`, {
      code: 'CORRUPT_PROFILE',
      cause: parsed.error,
    });
  }
  return parsed.data;
}

const symbolOrAny = z.union([z.literal(ANY), z.string().regex(/^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}$/, 'expected "*" or a symbol like "BTC/USDT"')]);
const strategyOrAny = z.string().regex(/^(\*|[a-z][a-z0-9-]{0,39})$/, 'expected "*" or a strategy name like "ema-cross"');
const timeframeOrAny = z.enum([ANY, ...TIMEFRAMES]);

export const subscriptionSchema = z
  .object({ chatId: z.int(), symbol: symbolOrAny, strategy: strategyOrAny, timeframe: timeframeOrAny })
  .strict();

/** Validates a subscription (the commands validate the symbol against the markets before). */
export function checkSubscription(sub: Subscription): Subscription {
  const parsed = subscriptionSchema.safeParse(sub);
  if (!parsed.success) {
    throw new PermanentError(`invalid subscription: ${describeIssues(parsed.error.issues, { root: '' })}`, {
      code: 'BAD_SUBSCRIPTION',
      cause: parsed.error,
    });
  }
  return parsed.data;
}

export const subRowSchema = z.object({
  pk: z.string(),
  sk: z.string().startsWith(SUB_PREFIX),
  chatId: z.int(),
  symbol: symbolOrAny,
  strategy: strategyOrAny,
  timeframe: timeframeOrAny,
  fanKey: z.string(),
});

export function subItem(sub: Subscription, now: number): Record<string, unknown> {
  return { pk: chatPk(sub.chatId), sk: subSk(sub), chatId: sub.chatId, symbol: sub.symbol, strategy: sub.strategy, timeframe: sub.timeframe, fanKey: sub.symbol, createdAt: now };
}

export function checkSettings(settings: ChatSettings): ChatSettings {
  const parsed = chatSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    throw new PermanentError(`invalid settings: ${describeIssues(parsed.error.issues)}`, {
      code: 'BAD_SETTINGS',
      cause: parsed.error,
    });
  }
  return parsed.data;
}
