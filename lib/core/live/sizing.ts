/**
 * Sizing a live order to the market's filters (issue 15), before anything is written or sent:
 * the amount down to the amount step, the price to the tick, then the minimum amount, the
 * minimum notional and the maximum amount. A refusal carries its reason and the numbers.
 * The filters are MarketRules of lib/ports/trading.ts (same shape; core cannot import ports).
 */
import { PermanentError } from '../../errors.js';

export interface MarketFilters {
  readonly amountStep: number;
  readonly priceTick: number;
  readonly minAmount: number;
  /** 0 when the exchange has none. */
  readonly minNotional: number;
  readonly maxAmount?: number;
}

export type SizingRefusal = 'zero-amount' | 'min-amount' | 'min-notional' | 'max-amount';

export type Sized =
  | { readonly ok: true; readonly amount: number; readonly price: number; readonly notional: number }
  | { readonly ok: false; readonly reason: SizingRefusal; readonly detail: string };

export type TickRounding = 'down' | 'up' | 'nearest';

/** Decimal places of a step such as 0.001 or 1e-8 (so a multiple prints without float noise). */
export function stepDecimals(step: number): number {
  const [mantissa = '', exponent] = step.toExponential().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

function checkStep(step: number, what: string): void {
  if (!(Number.isFinite(step) && step > 0)) throw new PermanentError(`${what} must be a finite number > 0, got ${String(step)}`, { code: 'BAD_SIZING' });
}

/**
 * `x` as a multiple of `step`. The quotient's float noise (1e-9 of a step, plus 1e-12 of the
 * quotient: 9001 / 0.00001 = 900099999.9999999) is absorbed first, so an exact multiple stays.
 */
export function toStep(x: number, step: number, rounding: TickRounding): number {
  checkStep(step, 'step');
  if (!(Number.isFinite(x) && x >= 0)) throw new PermanentError(`a size or price must be a finite number ≥ 0, got ${String(x)}`, { code: 'BAD_SIZING' });
  const q = x / step;
  const near = Math.round(q);
  const exact = Math.abs(q - near) < 1e-9 + Math.abs(q) * 1e-12 ? near : undefined;
  const n = exact ?? (rounding === 'down' ? Math.floor(q) : rounding === 'up' ? Math.ceil(q) : near);
  return Number((n * step).toFixed(stepDecimals(step)));
}

/** The amount down to the step. */
export const amountToStep = (amount: number, step: number): number => toStep(amount, step, 'down');

/** The price to the tick (nearest unless told). */
export const priceToTick = (price: number, tick: number, rounding: TickRounding = 'nearest'): number => toStep(price, tick, rounding);

/** An amount and limit price as the exchange will take them, or why not. */
export function sizeOrder(amount: number, price: number, filters: MarketFilters, priceRounding: TickRounding = 'nearest'): Sized {
  checkStep(filters.amountStep, 'amountStep');
  checkStep(filters.priceTick, 'priceTick');
  const a = amountToStep(amount, filters.amountStep);
  const p = priceToTick(price, filters.priceTick, priceRounding);
  const notional = Number((a * p).toPrecision(15));
  if (a <= 0 || p <= 0) return { ok: false, reason: 'zero-amount', detail: `amount ${amount} at step ${filters.amountStep} and price ${price} at tick ${filters.priceTick} leave nothing to trade` };
  if (a < filters.minAmount) return { ok: false, reason: 'min-amount', detail: `amount ${a} < minimum amount ${filters.minAmount}` };
  if (notional < filters.minNotional) return { ok: false, reason: 'min-notional', detail: `notional ${a} × ${p} = ${notional} < minimum notional ${filters.minNotional}` };
  if (filters.maxAmount !== undefined && a > filters.maxAmount) return { ok: false, reason: 'max-amount', detail: `amount ${a} > maximum amount ${filters.maxAmount}` };
  return { ok: true, amount: a, price: p, notional };
}

/**
 * The entry of a stake: the limit price to the tick, then the largest amount (to the step)
 * whose notional plus a quote fee of `feeReserve` (fraction, default 0) fits the stake.
 */
export function sizeEntry(stake: number, limitPrice: number, filters: MarketFilters, feeReserve = 0): Sized {
  if (!(Number.isFinite(stake) && stake > 0)) throw new PermanentError(`stake must be a finite number > 0, got ${String(stake)}`, { code: 'BAD_SIZING' });
  if (!(Number.isFinite(feeReserve) && feeReserve >= 0 && feeReserve < 1)) throw new PermanentError(`fee reserve must be in [0, 1), got ${String(feeReserve)}`, { code: 'BAD_SIZING' });
  checkStep(filters.priceTick, 'priceTick');
  const p = priceToTick(limitPrice, filters.priceTick);
  if (p <= 0) return { ok: false, reason: 'zero-amount', detail: `price ${limitPrice} at tick ${filters.priceTick} is 0` };
  const sized = sizeOrder(stake / (p * (1 + feeReserve)), p, filters);
  if (sized.ok || sized.reason !== 'zero-amount') return sized;
  return { ok: false, reason: 'min-amount', detail: `stake ${stake} buys less than one amount step ${filters.amountStep} at ${p}` };
}
