/**
 * Faults of the simulator's account/order endpoints, set per request kind
 * (`sim.setOrderFault(kind, fault)`). A fault with `times` applies to that many requests of the
 * kind, then clears itself. Faults apply after the API key and signature check.
 */
import type { SimStatus } from './faults.js';

export type OrderRequestKind =
  | 'createOrder' // POST /api/v3/order
  | 'queryOrder' // GET /api/v3/order
  | 'cancelOrder' // DELETE /api/v3/order
  | 'openOrders' // GET /api/v3/openOrders
  | 'myTrades' // GET /api/v3/myTrades
  | 'account' // GET /api/v3/account
  | 'createOco' // POST /api/v3/orderList/oco
  | 'tickerPrice' // GET /api/v3/ticker/price
  | 'apiRestrictions'; // GET /sapi/v1/account/apiRestrictions

export type OrderFault = (
  | {
      /** HTTP status with Binance's body for it (429/418 json, 5xx html unless `body`). */
      readonly kind: 'status';
      readonly status: SimStatus;
      readonly body?: 'html' | 'json';
      readonly retryAfterSec?: number;
      /** The request is carried out before the error is answered (e.g. 503 after the order was created). */
      readonly executed?: boolean;
    }
  /** Not carried out, never answered (until close): the client times out. */
  | { readonly kind: 'timeout' }
  /**
   * Carried out (the order exists), but the answer is lost: `destroy` (default) resets the
   * connection, `hang` never answers (the client times out).
   */
  | { readonly kind: 'lostAnswer'; readonly how?: 'destroy' | 'hang' }
  /** Refused as Binance refuses: -2010 insufficient balance, -1013 filter failure, -2010 OCO refused. */
  | { readonly kind: 'reject'; readonly reason: 'insufficientBalance' | 'filterFailure' | 'ocoRefused' }
  /** -1021 as if the client clock were off (see also `setClockSkew`). */
  | { readonly kind: 'clockSkew' }
  /** Any Binance error body. */
  | { readonly kind: 'error'; readonly status: number; readonly code: number; readonly msg: string }
) & {
  readonly times?: number;
};

export class OrderFaultBook {
  readonly #faults = new Map<OrderRequestKind, { fault: OrderFault; remaining: number }>();

  set(kind: OrderRequestKind, fault: OrderFault | undefined): void {
    if (fault === undefined) {
      this.#faults.delete(kind);
      return;
    }
    if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0)) {
      throw new RangeError(`fault.times must be a positive integer, got ${fault.times}`);
    }
    this.#faults.set(kind, { fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  take(kind: OrderRequestKind): OrderFault | undefined {
    const entry = this.#faults.get(kind);
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#faults.delete(kind);
    return entry.fault;
  }
}
