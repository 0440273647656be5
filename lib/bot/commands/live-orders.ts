/**
 * /orders (admins) — the bot's live orders per live exchange: those in flight (not final on the
 * exchange: intent, submitted, open, partially filled), then the most recent final ones.
 * Paginated like every list (◂ ▸ buttons).
 *
 * Reads: LiveTable GSI `live-lists` (Query, bounded by ORDERS_IN_FLIGHT_LISTED / ORDERS_RECENT_LISTED).
 */
import { escapeHtml, formatAmount, formatPrice, quoteCurrency } from '../../core/format.js';
import { formatAge } from '../../health/status-text.js';
import type { LiveOrder } from '../../ports/live.js';
import { CommandInputError, type BotCommand, type CommandInfo } from '../command.js';
import { corruptLine, exchangeHeading, liveSetup, type LiveCommandDeps } from './live-common.js';

/** Most in-flight orders listed per exchange (far above maxOpenPositions × 2). */
export const ORDERS_IN_FLIGHT_LISTED = 200;
/** Most recent final orders listed per exchange. */
export const ORDERS_RECENT_LISTED = 30;

/** /orders as /help and the command menu show it. */
export const ordersInfo: CommandInfo = {
  name: 'orders',
  usage: '/orders',
  description: 'admin: live orders in flight and recent ones, per live exchange',
  admin: true,
};

const STATUS_ICON: Readonly<Record<string, string>> = {
  intent: '📝',
  submitted: '📨',
  open: '⏳',
  'partially-filled': '◐',
  filled: '✅',
  cancelled: '✖️',
  rejected: '⛔',
  expired: '⌛',
  lost: '🚨',
};

/** One order: status, role, side, amount, market, price, filled part (average price, fee), age, client order id. */
export function orderLine(o: LiveOrder, now: number): string {
  const at = o.price === undefined ? ' market' : ` @ <code>${formatPrice(o.price)}</code>`;
  const filled = o.filled > 0 ? ` · filled ${formatPrice(o.filled)} (avg <code>${formatPrice(o.cost / o.filled)}</code>, fee ${escapeHtml(formatAmount(o.fee, quoteCurrency(o.symbol)))})` : '';
  const reason = o.reason ? ` — ${escapeHtml(o.reason.slice(0, 120))}` : '';
  const age = formatAge(Math.max(0, Math.round((now - (o.submittedAt ?? o.createdAt)) / 1000)));
  const adopted = o.adopted ? ' (adopted)' : '';
  return `${STATUS_ICON[o.status] ?? '•'} <b>${escapeHtml(o.status)}</b> ${o.role} ${o.side} ${formatPrice(o.amount)} ${escapeHtml(o.symbol)}${at}${filled}${reason} · ${age} ago${adopted}\n   <code>${escapeHtml(o.clientOrderId)}</code>`;
}

export function ordersCommand(deps: LiveCommandDeps): BotCommand {
  return {
    ...ordersInfo,
    async run(ctx) {
      if (ctx.args.length > 0) throw new CommandInputError('Usage: /orders (no arguments).');
      const setup = liveSetup(deps);
      if ('answer' in setup) {
        await ctx.reply(setup.answer);
        return;
      }
      const lines: string[] = [];
      let total = 0;
      for (const e of setup.exchanges) {
        const [inFlight, recent] = await Promise.all([setup.store.listInFlightOrders(e.id, ORDERS_IN_FLIGHT_LISTED), setup.store.listRecentOrders(e.id, ORDERS_RECENT_LISTED)]);
        total += inFlight.items.length + recent.items.length;
        lines.push(
          '',
          `${exchangeHeading(e)} — in flight: ${inFlight.items.length}${inFlight.truncated ? '+' : ''}`,
          ...(inFlight.items.length === 0 ? ['  none'] : inFlight.items.map((o) => orderLine(o, ctx.now))),
          ...corruptLine('order', [...inFlight.corrupt, ...recent.corrupt], deps.log, e.id),
          `<i>recent (newest first, at most ${ORDERS_RECENT_LISTED}):</i>${recent.items.length === 0 ? ' none' : ''}`,
          ...recent.items.map((o) => orderLine(o, ctx.now)),
        );
      }
      await ctx.replyLines(`<b>Live orders</b> · ${total} listed`, lines.slice(1));
    },
  };
}
