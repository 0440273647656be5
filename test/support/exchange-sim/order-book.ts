/**
 * Orders, OCO lists, fills and matching of the Binance simulator (spot). The matching model:
 * - each symbol has a current price (`setPrice`; default: the last closed 1h kline close);
 * - MARKET orders fill at once at the current price (taker);
 * - a LIMIT buy (sell) marketable when created fills at once at the current price (taker);
 *   otherwise it rests and fills completely at its limit once the price is ≤ (≥) the limit;
 * - a fill plan (`setFillPlan`) replaces that for LIMIT orders: fraction k of the amount fills
 *   at the limit on the k-th query of the order (GET /api/v3/order); price moves are ignored;
 * - OCO sell legs: price ≥ target fills the LIMIT_MAKER at its price; price ≤ stop triggers the
 *   STOP_LOSS_LIMIT (the other leg EXPIRED, as Binance does), which fills at its limit while
 *   the price is ≥ that limit (after a gap below it, it rests until the price comes back);
 * - balances move with fills: buy locks quote (limit × amount), sell locks base; commission
 *   per fill (sim-ledger.ts).
 */
import type { SimSymbol } from './binance-payloads.js';
import {
  checkNotional, checkPrice, checkQuantity, checkTrading, duplicateOrder, insufficientBalance, MSG, SimError,
} from './order-rules.js';
import { r8, type SimCommission, type SimLedger, type SimLock } from './sim-ledger.js';
import type { NewOco, NewOrder, SimFill, SimOrder, SimOrderStatus } from './order-types.js';

export type { NewOco, NewOrder, SimFill, SimOrder, SimOrderStatus, SimOrderType, SimSide } from './order-types.js';

type BookOrder = { -readonly [K in keyof SimOrder]: SimOrder[K] };

interface Internal {
  lock: SimLock | undefined;
  plan: readonly number[] | undefined;
  planStep: number;
}

export interface OrderBookOptions {
  readonly symbols: ReadonlyMap<string, SimSymbol>;
  readonly ledger: SimLedger;
  readonly commission: SimCommission;
  readonly defaultPrice: (id: string) => number;
  readonly clock: () => number;
}

const OPEN = new Set<SimOrderStatus>(['NEW', 'PARTIALLY_FILLED']);
export const isOpen = (o: SimOrder): boolean => OPEN.has(o.status);

export class OrderBook {
  readonly #o: OrderBookOptions;
  readonly #orders: BookOrder[] = [];
  readonly #internal = new Map<BookOrder, Internal>();
  readonly #fills: SimFill[] = [];
  readonly #prices = new Map<string, number>();
  readonly #plans = new Map<string, readonly number[]>();
  readonly #creations = new Map<string, number>();
  #nextOrderId = 1001;
  #nextListId = 501;
  #nextTradeId = 70001;

  constructor(options: OrderBookOptions) {
    this.#o = options;
  }

  #symbol(id: string): SimSymbol {
    const s = this.#o.symbols.get(id);
    if (s === undefined) throw new SimError(400, -1121, 'Invalid symbol.');
    return s;
  }

  price(id: string): number {
    return this.#prices.get(id) ?? this.#o.defaultPrice(id);
  }

  /** Moves the market of `id` and matches its resting orders. */
  setPrice(id: string, price: number): void {
    if (!(Number.isFinite(price) && price > 0)) throw new RangeError(`price must be a positive number, got ${price}`);
    this.#symbol(id);
    this.#prices.set(id, price);
    this.#match(id);
  }

  /** Fill plan for a client order id, or for every later LIMIT order of a Binance symbol id. */
  setFillPlan(key: string, fractions: readonly number[] | undefined): void {
    if (fractions === undefined) return void this.#plans.delete(key);
    if (fractions.length === 0 || fractions.some((f) => !(f > 0 && f <= 1))) throw new RangeError('fill plan fractions must be in (0, 1]');
    this.#plans.set(key, [...fractions]);
  }

  creations(clientOrderId: string): number {
    return this.#creations.get(clientOrderId) ?? 0;
  }

  orders(): SimOrder[] {
    return this.#orders.map((o) => ({ ...o }));
  }

  fills(): SimFill[] {
    return [...this.#fills];
  }

  open(id: string | undefined): SimOrder[] {
    return this.#orders.filter((o) => isOpen(o) && (id === undefined || o.symbol === id)).map((o) => ({ ...o }));
  }

  trades(id: string, q: { startTime?: number; endTime?: number; fromId?: number; orderId?: number; limit: number }): SimFill[] {
    return this.#fills
      .filter((f) => f.symbol === id && (q.startTime === undefined || f.time >= q.startTime) && (q.endTime === undefined || f.time <= q.endTime)
        && (q.fromId === undefined || f.tradeId >= q.fromId) && (q.orderId === undefined || f.orderId === q.orderId))
      .slice(0, q.limit);
  }

  #find(id: string, ref: { orderId?: number; clientOrderId?: string }): BookOrder | undefined {
    this.#symbol(id);
    for (let i = this.#orders.length - 1; i >= 0; i--) {
      const o = this.#orders[i]!;
      if (o.symbol !== id) continue;
      if (ref.orderId !== undefined ? o.orderId === ref.orderId : o.clientOrderId === ref.clientOrderId) return o;
    }
    return undefined;
  }

  /** The order (latest with that client id), after applying the next step of its fill plan. */
  query(id: string, ref: { orderId?: number; clientOrderId?: string }): SimOrder {
    const o = this.#find(id, ref);
    if (o === undefined) throw new SimError(400, -2013, MSG.notFound);
    const internal = this.#internal.get(o)!;
    if (isOpen(o) && internal.plan !== undefined && internal.planStep < internal.plan.length) {
      const done = internal.plan.slice(0, internal.planStep + 1).reduce((a, b) => a + b, 0);
      internal.planStep += 1;
      const step = this.#symbol(id).filters.stepSize;
      const target = done >= 1 - 1e-9 ? o.origQty : r8(Math.floor((o.origQty * done) / step + 1e-9) * step);
      const qty = r8(Math.min(target, o.origQty) - o.executedQty);
      if (qty > 0) this.#fill(o, qty, o.price, true);
    }
    return { ...o };
  }

  /** Cancels an open order (an OCO leg cancels its whole list); the cancelled orders. */
  cancel(id: string, ref: { orderId?: number; clientOrderId?: string }): SimOrder[] {
    const o = this.#find(id, ref);
    if (o === undefined || !isOpen(o)) throw new SimError(400, -2011, MSG.unknownOrder);
    const group = o.orderListId === -1 ? [o] : this.#orders.filter((x) => x.orderListId === o.orderListId && isOpen(x));
    for (const x of group) this.#finish(x, 'CANCELED');
    return group.map((x) => ({ ...x }));
  }

  place(n: NewOrder): { order: SimOrder; fills: SimFill[] } {
    const s = this.#symbol(n.symbol);
    checkTrading(s);
    const now = this.#o.clock();
    const market = this.price(n.symbol);
    const price = n.type === 'LIMIT' ? n.price! : 0;
    if (n.type === 'LIMIT') checkPrice(s.filters, price);
    checkQuantity(s.filters, n.quantity);
    checkNotional(s.filters, n.quantity * (n.type === 'LIMIT' ? price : market));
    this.#checkDuplicate([n.clientOrderId]);
    let lock: SimLock | undefined;
    if (n.type === 'LIMIT') {
      lock = n.side === 'BUY' ? this.#o.ledger.lock(s.quote, r8(n.quantity * price)) : this.#o.ledger.lock(s.base, n.quantity);
      if (lock === undefined) throw insufficientBalance();
    } else {
      const need = n.side === 'BUY' ? r8(n.quantity * market) : n.quantity;
      if (this.#o.ledger.free(n.side === 'BUY' ? s.quote : s.base) + 1e-9 < need) throw insufficientBalance();
    }
    const plan = n.type === 'LIMIT' ? (this.#plans.get(n.clientOrderId) ?? this.#plans.get(n.symbol)) : undefined;
    const o = this.#add({ symbol: n.symbol, clientOrderId: n.clientOrderId, orderListId: -1, side: n.side, type: n.type, price, stopPrice: 0, origQty: n.quantity, time: now }, { lock, plan, planStep: 0 });
    const before = this.#fills.length;
    const marketable = n.type === 'MARKET' || (plan === undefined && (n.side === 'BUY' ? market <= price : market >= price));
    if (marketable) this.#fill(o, o.origQty, market, false);
    return { order: { ...o }, fills: this.#fills.slice(before) };
  }

  placeOco(n: NewOco): SimOrder[] {
    const s = this.#symbol(n.symbol);
    checkTrading(s);
    const market = this.price(n.symbol);
    for (const p of [n.abovePrice, n.belowPrice, n.belowStopPrice]) checkPrice(s.filters, p);
    checkQuantity(s.filters, n.quantity);
    checkNotional(s.filters, n.quantity * n.abovePrice);
    checkNotional(s.filters, n.quantity * n.belowPrice);
    if (!(n.abovePrice > market && n.belowStopPrice < market)) throw new SimError(400, -2010, MSG.relationship);
    this.#checkDuplicate([n.aboveClientOrderId, n.belowClientOrderId], n.listClientOrderId);
    const lock = this.#o.ledger.lock(s.base, n.quantity);
    if (lock === undefined) throw insufficientBalance();
    const orderListId = this.#nextListId++;
    const common = { symbol: n.symbol, orderListId, listClientOrderId: n.listClientOrderId, side: 'SELL' as const, origQty: n.quantity, time: this.#o.clock() };
    const below = this.#add({ ...common, clientOrderId: n.belowClientOrderId, type: 'STOP_LOSS_LIMIT', price: n.belowPrice, stopPrice: n.belowStopPrice }, { lock, plan: undefined, planStep: 0 });
    const above = this.#add({ ...common, clientOrderId: n.aboveClientOrderId, type: 'LIMIT_MAKER', price: n.abovePrice, stopPrice: 0 }, { lock, plan: undefined, planStep: 0 });
    return [{ ...below }, { ...above }];
  }

  #checkDuplicate(clientIds: readonly string[], listClientOrderId?: string): void {
    for (const o of this.#orders) {
      if (!isOpen(o)) continue;
      if (clientIds.includes(o.clientOrderId) || (listClientOrderId !== undefined && o.listClientOrderId === listClientOrderId)) throw duplicateOrder();
    }
    if (new Set(clientIds).size !== clientIds.length) throw duplicateOrder();
  }

  #add(fields: Omit<SimOrder, 'orderId' | 'executedQty' | 'cummulativeQuoteQty' | 'status' | 'updateTime' | 'triggered'>, internal: Internal): BookOrder {
    const o: BookOrder = { ...fields, orderId: this.#nextOrderId++, executedQty: 0, cummulativeQuoteQty: 0, status: 'NEW', updateTime: fields.time, triggered: false };
    this.#orders.push(o);
    this.#internal.set(o, internal);
    this.#creations.set(o.clientOrderId, this.creations(o.clientOrderId) + 1);
    return o;
  }

  #match(id: string): void {
    const p = this.price(id);
    for (const o of this.#orders.filter((x) => x.symbol === id && isOpen(x))) {
      if (!isOpen(o) || this.#internal.get(o)!.plan !== undefined) continue;
      const rest = r8(o.origQty - o.executedQty);
      if (o.type === 'LIMIT' && (o.side === 'BUY' ? p <= o.price : p >= o.price)) this.#fill(o, rest, o.price, true);
      else if (o.type === 'LIMIT_MAKER' && p >= o.price) this.#fill(o, rest, o.price, true);
      else if (o.type === 'STOP_LOSS_LIMIT') {
        if (!o.triggered && p <= o.stopPrice) {
          o.triggered = true;
          o.updateTime = this.#o.clock();
          for (const x of this.#orders) if (x !== o && x.orderListId === o.orderListId && isOpen(x)) this.#finish(x, 'EXPIRED', false);
        }
        if (o.triggered && p >= o.price) this.#fill(o, rest, o.price, false);
      }
    }
  }

  #fill(o: BookOrder, qty: number, price: number, isMaker: boolean): void {
    const s = this.#symbol(o.symbol);
    const { ledger } = this.#o;
    const internal = this.#internal.get(o)!;
    const quoteQty = r8(qty * price);
    if (internal.lock !== undefined) ledger.unlock(internal.lock, o.side === 'BUY' ? r8(qty * o.price) : qty);
    const [paid, paidAmount, received, receivedAmount] = o.side === 'BUY' ? [s.quote, quoteQty, s.base, qty] : [s.base, qty, s.quote, quoteQty];
    ledger.debit(paid, paidAmount);
    const { commission, commissionAsset } = this.#commission(s, received, receivedAmount, quoteQty);
    ledger.credit(received, commissionAsset === received ? r8(receivedAmount - commission) : receivedAmount);
    if (commissionAsset !== received) ledger.debit(commissionAsset, commission);
    const time = this.#o.clock();
    this.#fills.push({
      tradeId: this.#nextTradeId++, orderId: o.orderId, clientOrderId: o.clientOrderId, orderListId: o.orderListId, symbol: o.symbol,
      side: o.side, price, qty, quoteQty, commission, commissionAsset, time, isMaker,
    });
    o.executedQty = r8(o.executedQty + qty);
    o.cummulativeQuoteQty = r8(o.cummulativeQuoteQty + quoteQty);
    o.updateTime = time;
    if (o.executedQty >= o.origQty - 1e-12) this.#finish(o, 'FILLED');
    else o.status = 'PARTIALLY_FILLED';
    if (o.status === 'FILLED' && o.orderListId !== -1) {
      for (const x of this.#orders) if (x !== o && x.orderListId === o.orderListId && isOpen(x)) this.#finish(x, 'EXPIRED');
    }
  }

  #commission(s: SimSymbol, received: string, receivedAmount: number, quoteQty: number): { commission: number; commissionAsset: string } {
    const rate = this.#o.commission.rate ?? 0.001;
    if (this.#o.commission.asset === 'BNB') {
      const bnbId = `BNB${s.quote}`;
      const bnbPrice = this.#o.commission.bnbPrice ?? (this.#o.symbols.has(bnbId) ? this.price(bnbId) : undefined);
      const cost = bnbPrice === undefined ? undefined : r8((quoteQty * rate) / bnbPrice);
      if (cost !== undefined && this.#o.ledger.free('BNB') >= cost && received !== 'BNB') return { commission: cost, commissionAsset: 'BNB' };
    }
    return { commission: r8(receivedAmount * rate), commissionAsset: received };
  }

  /** Ends an order; gives back its lock when no open leg shares it any more. */
  #finish(o: BookOrder, status: SimOrderStatus, releaseLock = true): void {
    o.status = status;
    o.updateTime = this.#o.clock();
    const lock = this.#internal.get(o)!.lock;
    if (lock === undefined || !releaseLock) return;
    const shared = this.#orders.some((x) => x !== o && isOpen(x) && this.#internal.get(x)!.lock === lock);
    if (!shared) this.#o.ledger.unlock(lock);
  }
}
