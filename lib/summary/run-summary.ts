/**
 * The daily summary: once a day after 00:00 UTC (EventBridge schedule) for the UTC day before.
 * Stats from the closed trade rows of that day (bounded Query per strategy partition, filter on
 * `closedAt`), plus the portfolio row; one `daily-summary` notification per chat that accepts
 * it. Ids `summary#<yyyy-mm-dd>#chat#<id>` are derived from the day: a schedule that fires
 * twice (EventBridge is at-least-once) enqueues the same ids, delivered once.
 */
import { renderDailySummaryText, type SummaryTrade } from '../core/summary-text.js';
import { notificationId, notificationSchema } from '../core/notification.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { ClosedTradesReader, PositionLedger } from '../ports/positions.js';
import type { NotificationQueue } from '../ports/queue.js';

const DAY = 86_400_000;
export const DEFAULT_SUMMARY_MAX_TRADES = 5000;

export interface SummaryDeps {
  readonly trades: ClosedTradesReader;
  readonly positions: Pick<PositionLedger, 'getPortfolio'>;
  /** Chats that receive the summary (active, settings accept `daily-summary`). */
  recipients(): Promise<readonly number[]>;
  readonly queue: NotificationQueue;
  readonly clock: Clock;
  readonly log: Log;
  /** Configured strategies (their trade partitions are read even before they have statistics). */
  readonly strategies: readonly string[];
  readonly maxTrades?: number;
}

export interface SummaryReport {
  readonly date: string;
  readonly trades: number;
  readonly truncated: boolean;
  readonly recipients: number;
  readonly enqueued: number;
}

/** The UTC day before the one containing `now`: `yyyy-mm-dd` and its [start, end) in ms. */
export function previousUtcDay(now: number): { date: string; start: number; end: number } {
  const end = Math.floor(now / DAY) * DAY;
  const start = end - DAY;
  return { date: new Date(start).toISOString().slice(0, 10), start, end };
}

/** The day `yyyy-mm-dd` (a manual re-run) as [start, end). */
export function utcDay(date: string): { date: string; start: number; end: number } {
  const start = Date.parse(`${date}T00:00:00.000Z`);
  return { date, start, end: start + DAY };
}

export async function runDailySummary(deps: SummaryDeps, day = previousUtcDay(deps.clock.now())): Promise<SummaryReport> {
  const now = deps.clock.now();
  const [closed, portfolio] = await Promise.all([
    deps.trades.listClosedSince(day.start, deps.maxTrades ?? DEFAULT_SUMMARY_MAX_TRADES, deps.strategies),
    deps.positions.getPortfolio(),
  ]);
  if (closed.invalid.length > 0) deps.log.warn('daily summary: invalid trade rows left out', { rows: closed.invalid.slice(0, 10) });
  if (portfolio && !portfolio.ok) deps.log.warn('daily summary: invalid portfolio row left out', { problem: portfolio.problem });
  if (closed.truncated) deps.log.warn('daily summary: more trades than read; totals are partial', { maxTrades: deps.maxTrades ?? DEFAULT_SUMMARY_MAX_TRADES });
  const trades: SummaryTrade[] = closed.trades
    .filter((t) => t.closedAt >= day.start && t.closedAt < day.end)
    .map(({ strategy, exchange, symbol, side, pnl, fees, stake }) => ({ strategy, exchange, symbol, side, pnl, fees, stake }));

  const text = renderDailySummaryText({
    date: day.date,
    trades,
    truncated: closed.truncated,
    ...(portfolio?.ok ? { portfolio: portfolio.value } : {}),
  });
  const recipients = await deps.recipients();
  const sourceId = `summary#${day.date}`;
  const notifications = recipients.map((chatId) =>
    notificationSchema.parse({ v: 1, id: notificationId(sourceId, chatId), kind: 'daily-summary', chatId, text, parseMode: 'HTML', sourceId, createdAt: now }),
  );
  await deps.queue.send(notifications);
  return { date: day.date, trades: trades.length, truncated: closed.truncated, recipients: recipients.length, enqueued: notifications.length };
}
