/**
 * Boundary checks of the trading adapter (zod): what the bot asks for before anything is sent
 * (INVALID_OPTIONS, a bug in the caller), and the plain answers ccxt does not parse for us
 * (BAD_RESPONSE).
 */
import { z } from 'zod';
import { PermanentError } from '../../errors.js';
import type { Balance, PlaceOrder, PlaceProtection } from '../../ports/trading.js';

/** Binance newClientOrderId / listClientOrderId: ≤ 36 of [A-Za-z0-9-_] (the bot's ids use no more). */
const clientId = z.string().regex(/^[A-Za-z0-9_-]{1,36}$/, 'a client order id is 1–36 of [A-Za-z0-9-_]');
const positive = z.number().positive();

const placeOrderSchema = z
  .object({
    clientOrderId: clientId,
    symbol: z.string().min(1),
    side: z.enum(['buy', 'sell']),
    type: z.enum(['limit', 'market']),
    amount: positive,
    price: positive.optional(),
  })
  .refine((o) => (o.type === 'limit') === (o.price !== undefined), { message: 'a limit order has a price, a market order none', path: ['price'] });

const protectionSchema = z
  .object({
    listClientOrderId: clientId,
    stopClientOrderId: clientId,
    targetClientOrderId: clientId,
    symbol: z.string().min(1),
    amount: positive,
    stopPrice: positive,
    stopLimitPrice: positive,
    targetPrice: positive,
  })
  .refine((p) => p.stopLimitPrice <= p.stopPrice && p.stopPrice < p.targetPrice, {
    message: 'a protective bracket needs stopLimitPrice ≤ stopPrice < targetPrice',
    path: ['stopPrice'],
  })
  .refine((p) => new Set([p.listClientOrderId, p.stopClientOrderId, p.targetClientOrderId]).size === 3, {
    message: 'the list, stop and target client order ids must differ',
    path: ['listClientOrderId'],
  });

function check(schema: z.ZodType, value: unknown, what: string): void {
  const result = schema.safeParse(value);
  if (result.success) return;
  const issue = result.error.issues[0];
  const path = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
  throw new PermanentError(`${what}: ${path}${issue?.message ?? 'invalid'}`, { code: 'INVALID_OPTIONS', cause: result.error });
}

export function checkPlaceOrder(order: PlaceOrder): void {
  check(placeOrderSchema, order, 'placeOrder');
}

export function checkProtection(protection: PlaceProtection): void {
  check(protectionSchema, protection, 'placeProtection');
}

const balanceSchema = z.object({ free: z.number().nonnegative(), used: z.number().nonnegative(), total: z.number().nonnegative() });
/** Keys of ccxt's fetchBalance result that are not currencies. */
const NOT_CURRENCIES = new Set(['info', 'free', 'used', 'total', 'timestamp', 'datetime', 'debt']);

export function balancesOf(result: unknown, context: string): Readonly<Record<string, Balance>> {
  if (typeof result !== 'object' || result === null) throw new PermanentError(`${context}: no balances in the answer`, { code: 'BAD_RESPONSE' });
  const out: Record<string, Balance> = {};
  for (const [currency, value] of Object.entries(result)) {
    if (NOT_CURRENCIES.has(currency)) continue;
    const parsed = balanceSchema.safeParse(value);
    if (!parsed.success) throw new PermanentError(`${context}: balance of ${currency} is not {free, used, total} ≥ 0`, { code: 'BAD_RESPONSE', cause: parsed.error });
    out[currency] = Object.freeze(parsed.data);
  }
  return Object.freeze(out);
}

/** A positive finite number at `field` (Binance sends decimals as strings). */
export function numberField(answer: unknown, field: string, context: string): number {
  const raw = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>)[field] : undefined;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new PermanentError(`${context}: ${field} is not a positive number (${JSON.stringify(raw)})`, { code: 'BAD_RESPONSE' });
  }
  return value;
}
