/**
 * TradingPort (lib/ports/trading.ts) over ccxt for Binance spot (live trading, issue 15).
 *
 * - Keys are set on a fresh ccxt instance; rate limiting is on (ccxt's leaky bucket without
 *   polling, ../throttler.ts); HTTP timeout from options.
 * - `apiBase` points every endpoint (public, private, sapi) at another origin (the simulator);
 *   sandbox mode is then not set. Otherwise `setSandboxMode(sandbox)` (testnet.binance.vision).
 * - Markets are loaded once (spot only). ccxt's loadMarkets with keys would also call sapi
 *   capital/config/getall (currencies) and margin pairs: turned off — trading needs only the
 *   markets' filters, and the testnet has no sapi.
 * - Every order carries the caller's client order id (ccxt would otherwise generate a random
 *   one). Look-ups and cancels go by client order id.
 * - Protection = one OCO sell through ccxt's implicit POST /api/v3/orderList/oco.
 * - Errors leave as TransientError/PermanentError (./trading-errors.ts), cause kept.
 * - `clock`: the time signed requests are stamped with (default: the system clock).
 */
import type { Exchange } from 'ccxt';
import { PermanentError } from '../../errors.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import type {
  Balance, ExchangeFill, ExchangeOrder, KeyPermissions, MarketRules, PlaceOrder, PlaceProtection, ProtectionOrders, TradingPort,
} from '../../ports/trading.js';
import { pointApiAt } from '../api-base.js';
import { loadExchangeClass, type LoadExchangeOptions } from '../load.js';
import { withResponseMeta } from '../response-meta.js';
import { withExactThrottler } from '../throttler.js';
import { collectFills } from './fills.js';
import { balancesOf, checkPlaceOrder, checkProtection, numberField } from './trading-checks.js';
import { translateTradingError, isOrderNotFound, type Operation } from './trading-errors.js';
import { marketRules, orderTypeOf, toExchangeOrder } from './trading-parse.js';

export interface CcxtTradingOptions {
  /** ccxt exchange id; live trading supports `binance` (spot). */
  readonly exchange: string;
  readonly keys: { readonly apiKey: string; readonly secret: string };
  /** ccxt setSandboxMode (Binance spot testnet); ignored with `apiBase`. */
  readonly sandbox: boolean;
  readonly apiBase?: string;
  readonly timeoutMs: number;
  readonly clock?: Clock;
  readonly load?: LoadExchangeOptions;
  /**
   * ccxt's client-side rate limiter (default on: Binance's request weights spaced on the wall
   * clock). Off only with `apiBase` — a simulator whose own weight window is the limit — so that
   * use-case tests on a test clock do not wait real seconds per request.
   */
  readonly rateLimit?: boolean;
}

const SUPPORTED = new Set(['binance']);

type Implicit = Exchange & Record<string, (params?: Record<string, unknown>) => Promise<unknown>>;

export async function createCcxtTrading(options: CcxtTradingOptions): Promise<TradingPort> {
  const { exchange: id, keys, timeoutMs } = options;
  const clock = options.clock ?? systemClock;
  if (!SUPPORTED.has(id)) {
    throw new PermanentError(`live trading supports ${[...SUPPORTED].join(', ')} spot only, not ${JSON.stringify(id)}`, { code: 'NOT_SUPPORTED' });
  }
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new PermanentError(`timeoutMs must be positive, got ${timeoutMs}`, { code: 'INVALID_OPTIONS' });
  }
  if (keys.apiKey === '' || keys.secret === '') throw new PermanentError(`${id}: empty API key or secret`, { code: 'INVALID_OPTIONS' });

  const ExchangeClass = withResponseMeta(withExactThrottler(await loadExchangeClass(id, options.load)));
  let exchange: Implicit;
  try {
    exchange = new ExchangeClass({
      apiKey: keys.apiKey,
      secret: keys.secret,
      enableRateLimit: options.rateLimit !== false || options.apiBase === undefined,
      timeout: timeoutMs,
      options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false },
    }) as Implicit;
  } catch (error) {
    throw translateTradingError(error, `${id} constructor`, 'read');
  }
  const usesSapi = options.apiBase !== undefined || !options.sandbox;
  if (options.apiBase !== undefined) pointApiAt(exchange, options.apiBase);
  else exchange.setSandboxMode(options.sandbox);
  // Signed requests are stamped with the clock (binance's own nonce: milliseconds − timeDifference).
  const withClock = exchange as unknown as { nonce: () => number; options: Record<string, unknown> };
  withClock.nonce = () => clock.now() - Number(withClock.options['timeDifference'] ?? 0);

  let marketsLoading: Promise<unknown> | undefined;

  async function call<T>(context: string, operation: Operation, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw translateTradingError(error, `${id} ${context}`, operation);
    }
  }

  async function markets(): Promise<void> {
    marketsLoading ??= exchange.loadMarkets().catch((error: unknown) => {
      marketsLoading = undefined; // the next call tries again
      throw error;
    });
    await call('loadMarkets', 'read', () => marketsLoading!);
  }

  async function rules(symbol: string): Promise<MarketRules> {
    await markets();
    const all: Readonly<Record<string, unknown>> = exchange.markets ?? {};
    const market = Object.hasOwn(all, symbol) ? all[symbol] : undefined;
    if (market === undefined) throw new PermanentError(`${id} does not list the spot market ${symbol}`, { code: 'BAD_SYMBOL' });
    return marketRules(market, `${id} ${symbol}`);
  }

  async function placeOrder(order: PlaceOrder): Promise<ExchangeOrder> {
    checkPlaceOrder(order);
    await rules(order.symbol);
    const context = `placeOrder ${order.symbol} ${order.clientOrderId}`;
    return call(context, 'write', async () => {
      const raw = await exchange.createOrder(order.symbol, order.type, order.side, order.amount, order.type === 'limit' ? order.price : undefined, { clientOrderId: order.clientOrderId });
      return toExchangeOrder(raw, { clientOrderId: order.clientOrderId, context: `${id} ${context}` });
    });
  }

  async function findOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder | undefined> {
    await rules(symbol);
    const context = `findOrder ${symbol} ${clientOrderId}`;
    try {
      const raw = await exchange.fetchOrder('', symbol, { clientOrderId });
      return toExchangeOrder(raw, { clientOrderId, context: `${id} ${context}` });
    } catch (error) {
      if (isOrderNotFound(error)) return undefined;
      throw translateTradingError(error, `${id} ${context}`, 'read');
    }
  }

  async function cancelOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder | undefined> {
    await rules(symbol);
    const context = `cancelOrder ${symbol} ${clientOrderId}`;
    try {
      const raw = await exchange.cancelOrder('', symbol, { clientOrderId });
      return toExchangeOrder(raw, { clientOrderId, context: `${id} ${context}` });
    } catch (error) {
      if (isOrderNotFound(error)) return undefined;
      throw translateTradingError(error, `${id} ${context}`, 'write');
    }
  }

  async function openOrders(symbol: string): Promise<readonly ExchangeOrder[]> {
    await rules(symbol);
    return call(`openOrders ${symbol}`, 'read', async () => {
      const raw = await exchange.fetchOpenOrders(symbol);
      // Orders of types the bot never places (e.g. a manual TAKE_PROFIT) are not the bot's business.
      return Object.freeze(raw.filter((o) => orderTypeOf(o) !== undefined).map((o) => toExchangeOrder(o, { context: `${id} openOrders ${symbol}` })));
    });
  }

  async function fills(symbol: string, sinceMs: number): Promise<readonly ExchangeFill[]> {
    await rules(symbol);
    return call(`fills ${symbol}`, 'read', () => collectFills(exchange, symbol, sinceMs, clock.now(), `${id} fills ${symbol}`));
  }

  async function placeProtection(p: PlaceProtection): Promise<ProtectionOrders> {
    checkProtection(p);
    const market = await rules(p.symbol);
    const context = `placeProtection ${p.symbol} ${p.listClientOrderId}`;
    return call(context, 'write', async () => {
      const marketId = exchange.marketId(p.symbol);
      const answer = await exchange['privatePostOrderListOco']!({
        symbol: marketId,
        side: 'SELL',
        quantity: exchange.amountToPrecision(p.symbol, p.amount),
        listClientOrderId: p.listClientOrderId,
        aboveType: 'LIMIT_MAKER',
        abovePrice: exchange.priceToPrecision(p.symbol, p.targetPrice),
        aboveClientOrderId: p.targetClientOrderId,
        belowType: 'STOP_LOSS_LIMIT',
        belowStopPrice: exchange.priceToPrecision(p.symbol, p.stopPrice),
        belowPrice: exchange.priceToPrecision(p.symbol, p.stopLimitPrice),
        belowTimeInForce: 'GTC',
        belowClientOrderId: p.stopClientOrderId,
        newOrderRespType: 'RESULT',
      });
      const reports = (answer as { orderReports?: unknown }).orderReports;
      const leg = (clientOrderId: string): ExchangeOrder => {
        const report = Array.isArray(reports) ? reports.find((r) => (r as { clientOrderId?: unknown }).clientOrderId === clientOrderId) : undefined;
        if (report === undefined) throw new PermanentError(`${id} ${context}: the answer lacks the leg ${clientOrderId}`, { code: 'BAD_RESPONSE' });
        return toExchangeOrder(exchange.parseOrder(report as Record<string, unknown>, exchange.market(market.symbol)), { clientOrderId, context: `${id} ${context}` });
      };
      return Object.freeze({ stop: leg(p.stopClientOrderId), target: leg(p.targetClientOrderId) });
    });
  }

  async function balances(): Promise<Readonly<Record<string, Balance>>> {
    await markets();
    return call('balances', 'read', async () => balancesOf(await exchange.fetchBalance(), `${id} balances`));
  }

  async function lastPrice(symbol: string): Promise<number> {
    await rules(symbol);
    return call(`lastPrice ${symbol}`, 'read', async () => {
      const answer = await exchange['publicGetTickerPrice']!({ symbol: exchange.marketId(symbol) });
      return numberField(answer, 'price', `${id} lastPrice ${symbol}`);
    });
  }

  async function serverTime(): Promise<number> {
    return call('serverTime', 'read', async () => numberField({ serverTime: await exchange.fetchTime() }, 'serverTime', `${id} serverTime`));
  }

  async function permissions(): Promise<KeyPermissions> {
    if (usesSapi) {
      return call('permissions', 'read', async () => {
        const r = (await exchange['sapiGetAccountApiRestrictions']!()) as Record<string, unknown>;
        if (typeof r['enableSpotAndMarginTrading'] !== 'boolean' || typeof r['enableWithdrawals'] !== 'boolean') {
          throw new PermanentError(`${id} permissions: apiRestrictions lacks enableSpotAndMarginTrading/enableWithdrawals`, { code: 'BAD_RESPONSE' });
        }
        return Object.freeze({ canTrade: r['enableSpotAndMarginTrading'], canWithdraw: r['enableWithdrawals'] });
      });
    }
    // The spot testnet has no sapi: the account says whether it may trade; key withdrawal rights are not reported.
    return call('permissions', 'read', async () => {
      const account = (await exchange['privateGetAccount']!()) as Record<string, unknown>;
      if (typeof account['canTrade'] !== 'boolean') throw new PermanentError(`${id} permissions: account lacks canTrade`, { code: 'BAD_RESPONSE' });
      return Object.freeze({ canTrade: account['canTrade'], canWithdraw: undefined });
    });
  }

  return Object.freeze({
    exchange: id,
    // With apiBase the other origin stands in for the exchange in the configured mode.
    sandbox: options.sandbox,
    supportsProtection: true,
    rules, placeOrder, findOrder, cancelOrder, openOrders, fills, placeProtection, balances, lastPrice, serverTime, permissions,
  });
}
