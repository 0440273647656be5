/**
 * Injectable faults of the exchange simulator, per symbol (klines) or for exchangeInfo.
 * A fault with `times` applies to that many matching requests, then clears itself.
 */

export type SimStatus = 429 | 418 | 500 | 502 | 503 | 504;

export type SimFault = (
  | {
      /** Answer with this HTTP status; body `json` (Binance `{code,msg}`) or `html` (a proxy page). */
      readonly kind: 'status';
      readonly status: SimStatus;
      /** Default: `json` for 4xx, `html` for 5xx. */
      readonly body?: 'html' | 'json';
      /** Sends `Retry-After: <seconds>` when set. */
      readonly retryAfterSec?: number;
    }
  /** Never answers (until the simulator closes): the client's timeout must fire. */
  | { readonly kind: 'timeout' }
  /** 200 with a truncated JSON body. */
  | { readonly kind: 'malformedJson' }
  /** The last closed candle's close is "NaN". */
  | { readonly kind: 'nanPrice' }
  /** The last closed candle's low and close are negative. */
  | { readonly kind: 'negativePrice' }
  /** `missing` candles right before the last closed one are absent. */
  | { readonly kind: 'gap'; readonly missing: number }
  /**
   * The newest row (the forming candle) is replaced by one opening `aheadMs` later (a multiple
   * of the interval, so it stays aligned), its prices multiplied by `priceFactor`.
   */
  | { readonly kind: 'futureForming'; readonly aheadMs: number; readonly priceFactor: number }
  /** Every price (open, high, low, close) of one candle is `price`, sent as this exact string (e.g. `1e308`). */
  | { readonly kind: 'extremePrice'; readonly price: string; readonly candle: 'lastClosed' | 'forming' }
  /** 400 `{"code":-1121,"msg":"Invalid symbol."}` as if the symbol were delisted. */
  | { readonly kind: 'unknownSymbol' }
) & {
  /** Apply to the first `times` matching requests only (default: until cleared). */
  readonly times?: number;
};

/** Faults that make sense for exchangeInfo (no per-candle shapes). */
export type ExchangeInfoFault = Extract<SimFault, { kind: 'status' | 'timeout' | 'malformedJson' }>;

/** Holds the active faults; `take` returns the fault for one request and counts `times` down. */
export class FaultBook<K extends string> {
  readonly #faults = new Map<K, { fault: SimFault; remaining: number }>();

  set(key: K, fault: SimFault | undefined): void {
    if (fault === undefined) {
      this.#faults.delete(key);
      return;
    }
    if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0)) {
      throw new RangeError(`fault.times must be a positive integer, got ${fault.times}`);
    }
    this.#faults.set(key, { fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  take(key: K): SimFault | undefined {
    const entry = this.#faults.get(key);
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#faults.delete(key);
    return entry.fault;
  }
}

const JSON_BODIES: Readonly<Record<SimStatus, { code: number; msg: string }>> = {
  429: { code: -1003, msg: 'Too many requests; current limit of IP is 6000 requests per minute.' },
  418: { code: -1003, msg: 'Way too much request weight used; IP banned until 1999999999999.' },
  500: { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' },
  502: { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' },
  503: { code: -1008, msg: 'Server is currently overloaded with other requests. Please try again in a few minutes.' },
  504: { code: -1007, msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.' },
};

export function statusBody(status: SimStatus, kind: 'html' | 'json' | undefined): { type: string; text: string } {
  const effective = kind ?? (status < 500 ? 'json' : 'html');
  if (effective === 'json') return { type: 'application/json', text: JSON.stringify(JSON_BODIES[status]) };
  return {
    type: 'text/html',
    text: `<html><head><title>${status}</title></head><body><center><h1>${status} Error</h1></center><hr><center>sim</center></body></html>`,
  };
}
