/**
 * The exchange's trading side (live trading, issue 15). The ccxt adapter is
 * lib/exchange/trading/; tests drive it against the Binance simulator on 127.0.0.1
 * (test/support/exchange-sim/). Adapters throw only TransientError / PermanentError
 * (lib/errors.ts), the vendor error kept as `cause`:
 *   ORDER_ANSWER_UNKNOWN (transient) — the request may or may not have reached the exchange
 *     (timeout, connection reset, 5xx on a write): look the order up by client order id,
 *     never send it again blindly;
 *   ORDER_REJECTED (permanent) — the exchange refused it for good (insufficient balance,
 *     filter failure, duplicate client order id, market closed); the message says which;
 *   RATE_LIMITED / EXCHANGE_UNAVAILABLE / EXCHANGE_FAILED (transient), EXCHANGE_AUTH,
 *   EXCHANGE_CLOCK_SKEW, EXCHANGE_ERROR (permanent) — as for candles.
 * Amounts are base currency, prices and costs quote currency, times epoch ms.
 */
export type OrderSide = 'buy' | 'sell';
export type OrderType = 'limit' | 'market' | 'stop_loss_limit' | 'limit_maker';

/** What the exchange accepts for one market (its filters), as plain numbers. */
export interface MarketRules {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Amounts are multiples of this (Binance LOT_SIZE stepSize). */
  readonly amountStep: number;
  /** Prices are multiples of this (Binance PRICE_FILTER tickSize). */
  readonly priceTick: number;
  readonly minAmount: number;
  /** Smallest amount × price (Binance NOTIONAL / MIN_NOTIONAL); 0 when the exchange has none. */
  readonly minNotional: number;
  readonly maxAmount?: number;
}

export interface ExchangeFill {
  readonly tradeId: string;
  readonly orderId: string;
  /** The order's client order id when the exchange reports it (a fill of a bot order always has it after a look-up). */
  readonly clientOrderId?: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly price: number;
  readonly amount: number;
  /** price × amount, quote currency. */
  readonly cost: number;
  /** The fee as charged: in `currency` (quote, base, or another asset such as BNB). */
  readonly fee: { readonly cost: number; readonly currency: string };
  readonly time: number;
}

export type ExchangeOrderStatus = 'open' | 'closed' | 'canceled' | 'expired' | 'rejected';

export interface ExchangeOrder {
  readonly clientOrderId: string;
  readonly orderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** ccxt's unified status: `closed` = fully filled. */
  readonly status: ExchangeOrderStatus;
  readonly amount: number;
  readonly filled: number;
  /** Quote spent/received so far (sum of fills' cost). */
  readonly cost: number;
  readonly price?: number;
  readonly average?: number;
  /** The order's fills when the answer carries them (Binance FULL responses); else empty: ask `fills`. */
  readonly fills: readonly ExchangeFill[];
  readonly time: number;
}

export interface PlaceOrder {
  /** Derived from the data (lib/live/ids.ts), ≤ 36 of [A-Za-z0-9-_]. */
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: 'limit' | 'market';
  /** Already at the market's precision (the caller rounds with MarketRules). */
  readonly amount: number;
  /** Limit orders only, at the market's precision. */
  readonly price?: number;
}

/** A protective sell bracket for a long: one OCO (stop-loss-limit below, limit-maker target above). */
export interface PlaceProtection {
  readonly listClientOrderId: string;
  readonly stopClientOrderId: string;
  readonly targetClientOrderId: string;
  readonly symbol: string;
  readonly amount: number;
  /** Trigger of the stop leg. */
  readonly stopPrice: number;
  /** Limit price of the stop leg once triggered (below stopPrice). */
  readonly stopLimitPrice: number;
  readonly targetPrice: number;
}

export interface ProtectionOrders {
  readonly stop: ExchangeOrder;
  readonly target: ExchangeOrder;
}

export interface Balance {
  readonly free: number;
  readonly used: number;
  readonly total: number;
}

export interface KeyPermissions {
  readonly canTrade: boolean;
  /** undefined: the exchange does not say. */
  readonly canWithdraw: boolean | undefined;
}

export interface TradingPort {
  /** ccxt exchange id. */
  readonly exchange: string;
  /** true when the adapter talks to the exchange's testnet (ccxt setSandboxMode). */
  readonly sandbox: boolean;
  /** Does the exchange take a stop+target bracket as one order (Binance spot OCO)? Else exits are market orders by the bot. */
  readonly supportsProtection: boolean;
  rules(symbol: string): Promise<MarketRules>;
  /** Sends the order once. Timeout/5xx → ORDER_ANSWER_UNKNOWN: look it up with findOrder, do not resend. */
  placeOrder(order: PlaceOrder): Promise<ExchangeOrder>;
  /** The order with this client order id; undefined when the exchange says it does not exist. */
  findOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder | undefined>;
  /** Cancels it; the order after cancelling, or undefined when it is not open (filled, cancelled or unknown). */
  cancelOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder | undefined>;
  openOrders(symbol: string): Promise<readonly ExchangeOrder[]>;
  /** The account's fills in the market since `sinceMs` (oldest first, bounded by the adapter). */
  fills(symbol: string, sinceMs: number): Promise<readonly ExchangeFill[]>;
  placeProtection(protection: PlaceProtection): Promise<ProtectionOrders>;
  balances(): Promise<Readonly<Record<string, Balance>>>;
  lastPrice(symbol: string): Promise<number>;
  /** The exchange's clock (for the skew check). */
  serverTime(): Promise<number>;
  permissions(): Promise<KeyPermissions>;
}
