/**
 * An exchange order as the store records it: its status on the order state machine and the
 * totals of its fills (fees in quote: lib/core/live/fees.ts). The fills come with the order
 * when the exchange's answer carries them, else from the account's trades in the market; a fee
 * in a third asset (BNB) is priced at that asset's last price in the quote currency.
 *
 * The exchange's fills are the source of truth: the totals are recomputed from every fill of
 * the order (counted once per trade id), so a fill is never lost and never counted twice. When
 * the exchange reports more filled than the fills it lists (its trade history lagging), the
 * totals are not complete: FILLS_INCOMPLETE (transient), the next run tries again.
 */
import { addFills, NO_FILLS, qty, type FeeMarket, type FillTotals } from '../core/live/fees.js';
import type { OrderStatus } from '../core/live/order-state.js';
import { TransientError } from '../errors.js';
import type { OrderFills } from '../ports/live.js';
import type { ExchangeFill, ExchangeOrder, MarketRules, TradingPort } from '../ports/trading.js';

/** Filled amounts closer than this (base) are the same (float noise of the exchange's sums). */
const AMOUNT_EPS = 1e-9;

/** The order state machine's status of an exchange order. */
export function statusOf(order: Pick<ExchangeOrder, 'status' | 'filled'>): OrderStatus {
  switch (order.status) {
    case 'open':
      return order.filled > 0 ? 'partially-filled' : 'open';
    case 'closed':
      return 'filled';
    case 'canceled':
      return 'cancelled';
    case 'expired':
      return 'expired';
    case 'rejected':
      return 'rejected';
  }
}

/** Fills of `order`: those of its answer, else the account's trades in the market since `sinceMs` with its order id. */
export async function fillsOf(trading: TradingPort, order: ExchangeOrder, sinceMs: number): Promise<readonly ExchangeFill[]> {
  if (order.filled <= 0) return [];
  const carried = sum(order.fills);
  if (carried + AMOUNT_EPS >= order.filled) return order.fills;
  const listed = (await trading.fills(order.symbol, sinceMs)).filter((f) => f.orderId === order.orderId);
  const byId = new Map<string, ExchangeFill>();
  for (const f of [...order.fills, ...listed]) byId.set(f.tradeId, f);
  return [...byId.values()];
}

const sum = (fills: readonly ExchangeFill[]): number => fills.reduce((s, f) => s + f.amount, 0);

/** The fee assets of `fills` that are neither base nor quote, priced at their last price in quote. */
async function feeMarket(trading: TradingPort, rules: MarketRules, fills: readonly ExchangeFill[]): Promise<FeeMarket> {
  const others = [...new Set(fills.map((f) => f.fee.currency).filter((c) => c !== rules.base && c !== rules.quote))];
  const rates: Record<string, number> = {};
  for (const asset of others) {
    if (fills.every((f) => f.fee.currency !== asset || f.fee.cost === 0)) continue;
    rates[asset] = await trading.lastPrice(`${asset}/${rules.quote}`);
  }
  return { base: rules.base, quote: rules.quote, rates };
}

/** The totals of every fill of `order` (FILLS_INCOMPLETE when the exchange lists fewer than it reports filled). */
export async function totalsOf(trading: TradingPort, rules: MarketRules, order: ExchangeOrder, sinceMs: number): Promise<OrderFills> {
  const fills = await fillsOf(trading, order, sinceMs);
  const totals: FillTotals = addFills(NO_FILLS, fills, await feeMarket(trading, rules, fills));
  if (totals.filled + AMOUNT_EPS < order.filled) {
    throw new TransientError(
      `order ${order.clientOrderId}: the exchange reports ${order.filled} filled but lists fills of ${totals.filled}; counted on the next run`,
      { code: 'FILLS_INCOMPLETE' },
    );
  }
  return totals;
}

/** Have the totals changed from what the row holds (a new trade id)? */
export const newFills = (stored: Pick<OrderFills, 'tradeIds'>, totals: Pick<OrderFills, 'tradeIds'>): boolean => {
  const seen = new Set(stored.tradeIds);
  return totals.tradeIds.some((id) => !seen.has(id));
};

/** Totals of an order row (what it recorded so far). */
export const storedTotals = (o: { readonly filled: number; readonly cost: number; readonly fee: number; readonly feeFromBase: number; readonly baseFee: number; readonly fills: readonly string[] }): OrderFills => ({
  filled: o.filled,
  cost: o.cost,
  fee: o.fee,
  feeFromBase: o.feeFromBase,
  baseFee: o.baseFee,
  tradeIds: o.fills,
});

/** Average fill price of totals (0 when nothing filled). */
export const averagePrice = (t: Pick<OrderFills, 'filled' | 'cost'>): number => (t.filled > 0 ? t.cost / t.filled : 0);

export { qty };
