/**
 * ccxt's unified orders, trades and markets → the trading port's shapes, validated (zod):
 * anything malformed is PermanentError BAD_RESPONSE naming the field, never a guess.
 */
import { z } from 'zod';
import { PermanentError } from '../../errors.js';
import type { ExchangeFill, ExchangeOrder, ExchangeOrderStatus, MarketRules, OrderType } from '../../ports/trading.js';

const amount = z.number().nonnegative();
const positive = z.number().positive();

const marketSchema = z.object({
  symbol: z.string().min(1),
  base: z.string().min(1),
  quote: z.string().min(1),
  spot: z.literal(true, { message: 'not a spot market' }),
  precision: z.object({ amount: positive, price: positive }),
  limits: z.object({
    amount: z.object({ min: amount.nullish(), max: positive.nullish() }),
    cost: z.object({ min: amount.nullish() }).nullish(),
  }),
});

const feeSchema = z.object({ cost: amount, currency: z.string().min(1) });

const tradeSchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  order: z.union([z.string(), z.number()]).transform(String).nullish(),
  timestamp: z.number().int().nullish(),
  symbol: z.string().nullish(),
  side: z.enum(['buy', 'sell']).nullish(),
  price: positive,
  amount: positive,
  cost: amount.nullish(),
  fee: feeSchema,
});

const orderSchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  clientOrderId: z.string().nullish(),
  timestamp: z.number().int().nullish(),
  lastUpdateTimestamp: z.number().int().nullish(),
  status: z.enum(['open', 'closed', 'canceled', 'expired', 'rejected', 'canceling']),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  amount: positive,
  filled: amount.nullish(),
  cost: amount.nullish(),
  price: amount.nullish(),
  average: amount.nullish(),
  trades: z.array(z.unknown()).nullish(),
  info: z.record(z.string(), z.unknown()),
});

const ORDER_TYPES: ReadonlySet<string> = new Set<OrderType>(['limit', 'market', 'stop_loss_limit', 'limit_maker']);

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
  throw new PermanentError(`${what}: unexpected answer${path}: ${issue?.message ?? 'invalid'}`, { code: 'BAD_RESPONSE', cause: result.error });
}

/** MarketRules from a ccxt market (precision mode TICK_SIZE: steps are values, as binance uses). */
export function marketRules(market: unknown, context: string): MarketRules {
  const m = parse(marketSchema, market, `${context} market`);
  const maxAmount = m.limits.amount.max ?? undefined;
  return Object.freeze({
    symbol: m.symbol,
    base: m.base,
    quote: m.quote,
    amountStep: m.precision.amount,
    priceTick: m.precision.price,
    minAmount: m.limits.amount.min ?? 0,
    minNotional: m.limits.cost?.min ?? 0,
    ...(maxAmount === undefined ? {} : { maxAmount }),
  });
}

/** The order's type as the port names it; undefined for types the bot never uses. */
export function orderTypeOf(order: { readonly type?: unknown; readonly info?: unknown }): OrderType | undefined {
  const info = order.info as Record<string, unknown> | undefined;
  const raw = typeof info?.['type'] === 'string' ? info['type'].toLowerCase() : typeof order.type === 'string' ? order.type : '';
  return ORDER_TYPES.has(raw) ? (raw as OrderType) : undefined;
}

export interface OrderDefaults {
  /** The client order id the caller asked about (Binance's cancel answer carries a new one). */
  readonly clientOrderId?: string;
  readonly context: string;
}

export function toExchangeOrder(raw: unknown, defaults: OrderDefaults): ExchangeOrder {
  const o = parse(orderSchema, raw, defaults.context);
  const type = orderTypeOf(raw as { type?: unknown; info?: unknown });
  if (type === undefined) {
    throw new PermanentError(`${defaults.context}: order ${o.id} has a type the bot does not use (${String((raw as { type?: unknown }).type)})`, { code: 'BAD_RESPONSE' });
  }
  const origClientOrderId = typeof o.info['origClientOrderId'] === 'string' ? o.info['origClientOrderId'] : undefined;
  const clientOrderId = origClientOrderId ?? o.clientOrderId ?? defaults.clientOrderId;
  if (clientOrderId === undefined || clientOrderId === '') {
    throw new PermanentError(`${defaults.context}: order ${o.id} without a client order id`, { code: 'BAD_RESPONSE' });
  }
  const filled = o.filled ?? 0;
  const time = o.timestamp ?? o.lastUpdateTimestamp ?? 0;
  const status: ExchangeOrderStatus = o.status === 'canceling' ? 'open' : o.status;
  const fills = (o.trades ?? []).map((t) =>
    toExchangeFill(t, { orderId: o.id, clientOrderId, symbol: o.symbol, side: o.side, time, context: defaults.context }),
  );
  const cost = o.cost ?? (filled === 0 ? 0 : fills.reduce((sum, f) => sum + f.cost, 0));
  const price = type === 'market' || o.price === 0 ? undefined : o.price ?? undefined;
  const average = o.average ?? (filled > 0 && cost > 0 ? cost / filled : undefined);
  return Object.freeze({
    clientOrderId, orderId: o.id, symbol: o.symbol, side: o.side, type, status, amount: o.amount, filled, cost,
    ...(price === undefined ? {} : { price }),
    ...(average === undefined ? {} : { average }),
    fills: Object.freeze(fills), time,
  });
}

export interface FillDefaults {
  readonly orderId?: string;
  readonly clientOrderId?: string;
  readonly symbol?: string;
  readonly side?: 'buy' | 'sell';
  readonly time?: number;
  readonly context: string;
}

export function toExchangeFill(raw: unknown, defaults: FillDefaults): ExchangeFill {
  const t = parse(tradeSchema, raw, `${defaults.context} fill`);
  const orderId = t.order ?? defaults.orderId;
  const symbol = t.symbol ?? defaults.symbol;
  const side = t.side ?? defaults.side;
  const time = t.timestamp ?? defaults.time;
  if (orderId === undefined || symbol === undefined || side === undefined || time === undefined) {
    throw new PermanentError(`${defaults.context}: fill ${t.id} lacks its order, symbol, side or time`, { code: 'BAD_RESPONSE' });
  }
  return Object.freeze({
    tradeId: t.id, orderId, ...(defaults.clientOrderId === undefined ? {} : { clientOrderId: defaults.clientOrderId }),
    symbol, side, price: t.price, amount: t.amount, cost: t.cost ?? t.price * t.amount,
    fee: Object.freeze({ cost: t.fee.cost, currency: t.fee.currency }), time,
  });
}
