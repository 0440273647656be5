/** Binance spot errors and exchangeInfo filter checks of the simulator's order endpoints. */
import type { SimFilters, SimSymbol } from './binance-payloads.js';

/** An error the simulator answers as Binance does: HTTP status + `{code, msg}`. */
export class SimError extends Error {
  constructor(readonly status: number, readonly code: number, msg: string) {
    super(msg);
    this.name = 'SimError';
  }
}

export const MSG = Object.freeze({
  insufficient: 'Account has insufficient balance for requested action.',
  duplicate: 'Duplicate order sent.',
  notFound: 'Order does not exist.',
  unknownOrder: 'Unknown order sent.',
  relationship: 'The relationship of the prices for the orders is not correct.',
  ocoRefused: 'OCO orders are not supported for this symbol.',
});

export const insufficientBalance = (): SimError => new SimError(400, -2010, MSG.insufficient);
export const duplicateOrder = (): SimError => new SimError(400, -2010, MSG.duplicate);
export const filterFailure = (filter: string): SimError => new SimError(400, -1013, `Filter failure: ${filter}`);
export const mandatory = (name: string): SimError =>
  new SimError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

/** Binance client order ids: 1–36 of [A-Za-z0-9-_] (`.` and `:` too, unused here). */
const CLIENT_ID = /^[A-Za-z0-9_.:-]{1,36}$/;

export function checkClientOrderId(id: string, name: string): void {
  if (!CLIENT_ID.test(id)) {
    throw new SimError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.`);
  }
}

function isMultiple(value: number, step: number): boolean {
  if (step <= 0) return true;
  const k = value / step;
  return Math.abs(k - Math.round(k)) < 1e-6;
}

export function checkPrice(f: SimFilters, price: number): void {
  if (price < f.minPrice || price > f.maxPrice || !isMultiple(price, f.tickSize)) throw filterFailure('PRICE_FILTER');
}

export function checkQuantity(f: SimFilters, qty: number): void {
  if (qty < f.minQty || qty > f.maxQty || !isMultiple(qty, f.stepSize)) throw filterFailure('LOT_SIZE');
}

export function checkNotional(f: SimFilters, notional: number): void {
  if (notional < f.minNotional - 1e-12 || notional > f.maxNotional) throw filterFailure('NOTIONAL');
}

export function checkTrading(s: SimSymbol): void {
  if (s.status !== 'TRADING') throw new SimError(400, -1013, 'Market is closed.');
}

/** A positive decimal parameter, or -1100/-1102 as Binance answers. */
export function decimalParam(params: URLSearchParams, name: string, required: true): number;
export function decimalParam(params: URLSearchParams, name: string, required: false): number | undefined;
export function decimalParam(params: URLSearchParams, name: string, required: boolean): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') {
    if (required) throw mandatory(name);
    return undefined;
  }
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(value)) {
    throw new SimError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`);
  }
  if (value <= 0) throw new SimError(400, -1013, `Invalid ${name}.`);
  return value;
}

export function stringParam(params: URLSearchParams, name: string): string | undefined {
  const raw = params.get(name);
  return raw === null || raw === '' ? undefined : raw;
}

export function requiredString(params: URLSearchParams, name: string): string {
  const value = stringParam(params, name);
  if (value === undefined) throw mandatory(name);
  return value;
}
