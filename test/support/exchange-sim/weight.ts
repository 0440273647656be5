/** Binance-style request weight accounting: a fixed window per wall-clock minute. */

/** Request weights of the simulated endpoints (Binance spot docs). */
export const REQUEST_WEIGHT: Readonly<Record<string, number>> = {
  '/api/v3/exchangeInfo': 20,
  '/api/v3/klines': 2,
  '/api/v3/time': 1,
  '/api/v3/ping': 1,
};

/** Weights of the account and order endpoints, by `METHOD /path` (Binance spot docs). */
export const ORDER_WEIGHT: Readonly<Record<string, number>> = {
  'POST /api/v3/order': 1,
  'GET /api/v3/order': 4,
  'DELETE /api/v3/order': 1,
  'GET /api/v3/openOrders': 6,
  'GET /api/v3/myTrades': 20,
  'GET /api/v3/account': 20,
  'POST /api/v3/orderList/oco': 1,
  'GET /api/v3/ticker/price': 2,
  'GET /sapi/v1/account/apiRestrictions': 1,
  'GET /sapi/v1/capital/config/getall': 10,
};

export class WeightWindow {
  readonly limit: number;
  readonly #now: () => number;
  #minute = Number.NaN;
  #used = 0;

  constructor(limit: number, now: () => number) {
    this.limit = limit;
    this.#now = now;
  }

  #roll(): void {
    const minute = Math.floor(this.#now() / 60_000);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#used = 0;
    }
  }

  /** Weight used in the current minute. */
  used(): number {
    this.#roll();
    return this.#used;
  }

  /** Adds `weight` if it fits under the limit; false (nothing added) past it. */
  tryUse(weight: number): boolean {
    this.#roll();
    if (this.#used + weight > this.limit) return false;
    this.#used += weight;
    return true;
  }

  /** Whole seconds until the window resets (≥ 1). */
  secondsToReset(): number {
    const now = this.#now();
    return Math.max(1, Math.ceil((60_000 - (now % 60_000)) / 1000));
  }
}
