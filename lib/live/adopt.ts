/**
 * Orders with a bot client order id (cb…) that the exchange knows and the store does not:
 * open orders of the exchange's live markets, and orders behind the market's recent fills. The
 * bot writes every entry and exit row before sending, so such an order means a row was lost or
 * another deployment trades the same account: it is adopted (its row written as the exchange
 * shows it, marked `adopted`; money untouched) and the admins are alerted. Protective legs are
 * recognised by the live positions' bracket ids; an unknown one is alerted, not adopted (it is
 * no entry or exit of the bot's books).
 *
 * An adopted order is followed by reconcile (followAdopted) only until the exchange shows it
 * final: then it leaves the in-flight list (LiveStore.finishAdopted, versioned; money untouched),
 * so it never holds one of the run's `maxOrders` slots for good.
 */
import { isBotOrderId, parseBotOrderId } from '../core/live/client-order-id.js';
import { isFinal } from '../core/live/order-state.js';
import type { LiveOrder, OrderFills } from '../ports/live.js';
import type { ExchangeOrder } from '../ports/trading.js';
import type { LiveCtx } from './context.js';
import { statusOf, storedTotals, totalsOf } from './fills.js';
import { contended, readOrder } from './order-sync.js';

/** Fills of this long ago and newer are compared with the store each run. */
export const ADOPT_FILLS_WINDOW_MS = 6 * 60 * 60_000;
/** Orders behind fills looked up per market and run at most. */
const MAX_FILL_ORDERS = 20;

/** `knownLegs`: the bracket ids of the listed live positions. */
export async function adoptUnknown(ctx: LiveCtx, knownLegs: ReadonlySet<string>): Promise<void> {
  const symbols = [...new Set(ctx.ex.config.symbols)];
  const seen = new Set<string>();
  for (const symbol of symbols) {
    for (const x of await ctx.trading.openOrders(symbol)) {
      if (!isBotOrderId(x.clientOrderId) || knownLegs.has(x.clientOrderId)) continue;
      seen.add(x.clientOrderId);
      await check(ctx, x);
    }
    const fills = await ctx.trading.fills(symbol, ctx.now() - ADOPT_FILLS_WINDOW_MS);
    const ids = [...new Set(fills.map((f) => f.clientOrderId).filter((id): id is string => id !== undefined && isBotOrderId(id) && !knownLegs.has(id) && !seen.has(id)))];
    for (const id of ids.slice(0, MAX_FILL_ORDERS)) {
      const role = parseBotOrderId(id)?.role;
      // Legs of closed positions have fills and no row by design: only entries and exits are rows.
      if (role !== 'entry' && role !== 'exit') continue;
      if (await readOrder(ctx, id)) continue;
      const x = await ctx.trading.findOrder(symbol, id);
      if (x) await check(ctx, x);
    }
  }
}

async function check(ctx: LiveCtx, x: ExchangeOrder): Promise<void> {
  const role = parseBotOrderId(x.clientOrderId)?.role;
  if (role !== 'entry' && role !== 'exit') {
    await ctx.tell.alertOf(ctx.ex, `unknown-leg#${x.clientOrderId}`, {
      title: 'an unknown protective order of the bot is open',
      detail: `${x.symbol} ${x.side} ${x.type} ${x.amount} (client order id ${x.clientOrderId}) belongs to no live position of the store`,
      check: 'cancel it on the exchange if no position needs it (/panic cancels every bot order)',
    });
    return;
  }
  if (await readOrder(ctx, x.clientOrderId)) return;
  const rules = await ctx.rules(x.symbol);
  const fills = await totalsOf(ctx.trading, rules, x, x.time - 60_000);
  const created = await ctx.deps.store.adoptOrder({
    clientOrderId: x.clientOrderId,
    exchange: ctx.ex.id,
    symbol: x.symbol,
    side: x.side,
    type: x.type === 'market' ? 'market' : 'limit',
    amount: x.amount,
    ...(x.price === undefined ? {} : { price: x.price }),
    status: statusOf(x),
    exchangeOrderId: x.orderId,
    fills,
    now: ctx.now(),
  });
  if (created !== 'created') return;
  ctx.counts.adopted++;
  ctx.deps.log.error('live order adopted: a bot order had no row', { clientOrderId: x.clientOrderId, symbol: x.symbol, status: x.status, filled: x.filled });
  await ctx.tell.alertOf(ctx.ex, `adopted#${x.clientOrderId}`, {
    title: 'a bot order without a row was adopted',
    detail: `${x.symbol} ${x.side} ${x.type} ${x.amount}, ${x.status}, filled ${x.filled} (client order id ${x.clientOrderId}); recorded, the budget untouched`,
    check: 'whether another deployment uses the same API key; the balance of the account',
  });
}

/**
 * An adopted order still listed in flight: looked up by client order id; once final at the
 * exchange it is written final with its fills (never fewer than stored) and leaves the list.
 * Not final yet, or unknown to the exchange: left as it is (logged), looked at again next run.
 */
export async function followAdopted(ctx: LiveCtx, o: LiveOrder): Promise<void> {
  const x = await ctx.trading.findOrder(o.symbol, o.clientOrderId);
  if (!x) {
    ctx.deps.log.warn('adopted live order not found at the exchange; left in flight', { clientOrderId: o.clientOrderId, symbol: o.symbol, status: o.status });
    return;
  }
  const to = statusOf(x);
  if (!isFinal(to) || to === 'lost') return;
  const totals = await totalsOf(ctx.trading, await ctx.rules(o.symbol), x, x.time - 60_000);
  const stored = storedTotals(o);
  const fills: OrderFills = totals.filled >= stored.filled && totals.cost >= stored.cost && totals.fee >= stored.fee && totals.tradeIds.length >= stored.tradeIds.length ? totals : stored;
  const r = await ctx.deps.store.finishAdopted({ clientOrderId: o.clientOrderId, version: o.version, from: o.status, to: to as 'filled' | 'cancelled' | 'expired' | 'rejected', fills, now: ctx.now() });
  if (r.status === 'stale') throw contended(`adopted order ${o.clientOrderId}`);
  if (r.status === 'missing') return;
  ctx.deps.log.info('adopted live order final at the exchange: no longer in flight', { clientOrderId: o.clientOrderId, symbol: o.symbol, status: to, filled: fills.filled });
}
