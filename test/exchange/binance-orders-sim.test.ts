/**
 * The Binance simulator's order endpoints, driven by an unchanged ccxt binance client with keys:
 * signed requests, filters, balances, duplicate client order ids, matching, partial fills, OCO
 * legs, faults.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Exchange } from 'ccxt';
import { ccxtBinanceAt, SIM_KEYS } from '../support/exchange-sim/binance-client.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';

const SYMBOL = 'BTC/USDT';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('binance simulator: order endpoints through ccxt', () => {
  let sim: BinanceSim;
  let ex: Exchange;
  beforeEach(async () => {
    sim = await startBinanceSim({
      symbols: [SYMBOL, 'ETH/USDT', 'BNB/USDT'],
      nowMs: Date.UTC(2025, 0, 1, 12),
      filters: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.0001, minQty: 0.0001, minNotional: 5 } },
      account: { ...SIM_KEYS, balances: { USDT: 1000, BNB: 1 } },
    });
    sim.setPrice(SYMBOL, 100);
    ex = ccxtBinanceAt(sim.url);
    await ex.loadMarkets();
  });
  afterEach(() => sim.close());

  it('refuses a wrong key (-2015), a wrong signature (-1022) and a skewed clock (-1021)', async () => {
    const wrongKey = ccxtBinanceAt(sim.url, { apiKey: 'other', secret: SIM_KEYS.secret });
    assert.match((await rejection(wrongKey.fetchBalance())).message, /-2015/);
    assert.equal((await rejection(wrongKey.fetchBalance())).name, 'AuthenticationError');
    const wrongSecret = ccxtBinanceAt(sim.url, { apiKey: SIM_KEYS.apiKey, secret: 'nope' });
    const bad = await rejection(wrongSecret.fetchBalance());
    assert.equal(bad.name, 'AuthenticationError');
    assert.match(bad.message, /-1022/);
    sim.setClockSkew(-60_000);
    const skewed = await rejection(ex.fetchBalance());
    assert.equal(skewed.name, 'InvalidNonce');
    assert.match(skewed.message, /-1021/);
    sim.setClockSkew(0);
    const res = await fetch(`${sim.url}/api/v3/account?timestamp=${Date.now()}&signature=x`);
    assert.deepEqual([res.status, await res.json()], [401, { code: -2014, msg: 'API-key format invalid.' }]);
  });

  it('a resting LIMIT buy locks quote, fills at its limit when the price reaches it; commission in the base asset', async () => {
    const order = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.5, 99, { clientOrderId: 'cbe0limit' });
    assert.deepEqual([order.status, order.clientOrderId, order.filled, order.price], ['open', 'cbe0limit', 0, 99]);
    assert.deepEqual(sim.balances()['USDT'], { free: 950.5, locked: 49.5, total: 1000 });
    sim.setPrice(SYMBOL, 99.5);
    assert.equal((await ex.fetchOrder(String(order.id), SYMBOL)).status, 'open');
    sim.setPrice(SYMBOL, 98);
    const filled = await ex.fetchOrder('', SYMBOL, { clientOrderId: 'cbe0limit' });
    assert.deepEqual([filled.status, filled.filled, filled.cost], ['closed', 0.5, 49.5]);
    assert.deepEqual(sim.balances()['USDT'], { free: 950.5, locked: 0, total: 950.5 });
    assert.equal(sim.balances()['BTC']!.free, 0.4995);
    const [trade] = await ex.fetchMyTrades(SYMBOL, 0);
    assert.deepEqual([trade!.order, trade!.price, trade!.amount, trade!.fee?.cost, trade!.fee?.currency, trade!.takerOrMaker], [order.id, 99, 0.5, 0.0005, 'BTC', 'maker']);
  });

  it('a MARKET buy fills at once at the price with FULL fills; a marketable LIMIT fills at the price; BNB commission', async () => {
    const market = await ex.createOrder(SYMBOL, 'market', 'buy', 0.1, undefined, { clientOrderId: 'cbe0mkt' });
    assert.deepEqual([market.status, market.filled, market.cost, market.trades.length], ['closed', 0.1, 10, 1]);
    assert.deepEqual(market.trades[0]!.fee, { currency: 'BTC', cost: 0.0001 });
    const limit = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.1, 101, { clientOrderId: 'cbe0taker' });
    assert.deepEqual([limit.status, limit.average, limit.cost], ['closed', 100, 10]);
    assert.equal(sim.balances()['USDT']!.free, 980);

    const bnbSim = await startBinanceSim({ symbols: [SYMBOL], nowMs: Date.now(), account: { ...SIM_KEYS, balances: { USDT: 100, BNB: 1 }, commission: { asset: 'BNB', bnbPrice: 500 } } });
    try {
      bnbSim.setPrice(SYMBOL, 100);
      const client = ccxtBinanceAt(bnbSim.url);
      const o = await client.createOrder(SYMBOL, 'market', 'buy', 0.5, undefined, { clientOrderId: 'cbe0bnb' });
      assert.deepEqual(o.trades[0]!.fee, { currency: 'BNB', cost: 0.0001 }); // 50 USDT × 0.1 % / 500
      assert.deepEqual([bnbSim.balances()['BTC']!.free, bnbSim.balances()['BNB']!.free], [0.5, 0.9999]);
    } finally {
      await bnbSim.close();
    }
  });

  it('enforces PRICE_FILTER, LOT_SIZE, NOTIONAL (-1013) and the balance (-2010)', async () => {
    // ccxt rounds prices to the tick itself: the raw request reaches the filter
    const tick = await rejection(ex.privatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.1', price: '99.999', newClientOrderId: 'cbe0f1' }));
    assert.match(tick.message, /Filter failure: PRICE_FILTER/);
    const lot = await rejection(ex.privatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.12345', price: '99', newClientOrderId: 'cbe0f2' }));
    assert.match(lot.message, /Filter failure: LOT_SIZE/);
    const notional = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, 99, { clientOrderId: 'cbe0f3' }));
    assert.match(notional.message, /-1013.*Filter failure: NOTIONAL/);
    const funds = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 20, 99, { clientOrderId: 'cbe0f4' }));
    assert.equal(funds.name, 'InsufficientFunds');
    assert.deepEqual(sim.orders(), []);
    assert.equal(sim.balances()['USDT']!.locked, 0);
  });

  it('refuses a duplicate client order id while that order is open (-2010), accepts it again once it is not', async () => {
    await ex.createOrder(SYMBOL, 'limit', 'buy', 0.1, 90, { clientOrderId: 'cbe0dup' });
    const dup = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 0.1, 90, { clientOrderId: 'cbe0dup' }));
    assert.equal(dup.name, 'InvalidOrder');
    assert.match(dup.message, /Duplicate order sent/);
    assert.equal(sim.creations('cbe0dup'), 1);
    const cancelled = await ex.cancelOrder('', SYMBOL, { clientOrderId: 'cbe0dup' });
    assert.equal(cancelled.status, 'canceled');
    assert.equal(sim.balances()['USDT']!.locked, 0);
    await ex.createOrder(SYMBOL, 'limit', 'buy', 0.1, 90, { clientOrderId: 'cbe0dup' });
    assert.equal(sim.creations('cbe0dup'), 2);
    const again = await rejection(ex.cancelOrder('', SYMBOL, { clientOrderId: 'cbe0nothing' }));
    assert.match(again.message, /-2011/);
    const missing = await rejection(ex.fetchOrder('', SYMBOL, { clientOrderId: 'cbe0nothing' }));
    assert.equal(missing.name, 'OrderNotFound');
    assert.match(missing.message, /-2013.*Order does not exist/);
  });

  it('a fill plan [0.3, 0.7] fills 30 % on the first query, the rest on the next', async () => {
    sim.setFillPlan('cbe0part', [0.3, 0.7]);
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 1, 100, { clientOrderId: 'cbe0part' });
    assert.deepEqual([placed.status, placed.filled], ['open', 0]);
    const first = await ex.fetchOrder('', SYMBOL, { clientOrderId: 'cbe0part' });
    assert.deepEqual([first.status, first.filled, first.remaining], ['open', 0.3, 0.7]);
    assert.equal(sim.orders()[0]!.status, 'PARTIALLY_FILLED');
    assert.equal((await ex.fetchOpenOrders(SYMBOL)).length, 1);
    const second = await ex.fetchOrder('', SYMBOL, { clientOrderId: 'cbe0part' });
    assert.deepEqual([second.status, second.filled, second.cost], ['closed', 1, 100]);
    assert.deepEqual((await ex.fetchMyTrades(SYMBOL, 0)).map((t) => t.amount), [0.3, 0.7]);
    assert.deepEqual(sim.balances()['USDT'], { free: 900, locked: 0, total: 900 });
  });

  it('OCO: target reached → LIMIT_MAKER filled, stop leg EXPIRED; base locked once', async () => {
    await ex.createOrder(SYMBOL, 'market', 'buy', 1, undefined, { clientOrderId: 'cbe0oco' });
    const answer = await oco(ex, 'a', 0.999);
    assert.deepEqual(answer.orderReports.map((r) => [r.clientOrderId, r.type, r.status]), [['cbsa', 'STOP_LOSS_LIMIT', 'NEW'], ['cbta', 'LIMIT_MAKER', 'NEW']]);
    assert.deepEqual(sim.balances()['BTC'], { free: 0, locked: 0.999, total: 0.999 });
    sim.setPrice(SYMBOL, 111);
    const target = await ex.fetchOrder('', SYMBOL, { clientOrderId: 'cbta' });
    const stop = await ex.fetchOrder('', SYMBOL, { clientOrderId: 'cbsa' });
    assert.deepEqual([target.status, target.average, stop.status], ['closed', 110, 'expired']);
    assert.deepEqual(sim.balances()['BTC'], { free: 0, locked: 0, total: 0 });
  });

  it('OCO: stop reached → LIMIT_MAKER EXPIRED, stop leg fills at its limit; a gap below the limit rests', async () => {
    await ex.createOrder(SYMBOL, 'market', 'buy', 1, undefined, { clientOrderId: 'cbe0oco' });
    await oco(ex, 'b', 0.5);
    sim.setPrice(SYMBOL, 89.8);
    assert.deepEqual(sim.orders().slice(1).map((o) => [o.clientOrderId, o.status, o.executedQty]), [['cbsb', 'FILLED', 0.5], ['cbtb', 'EXPIRED', 0]]);
    sim.setPrice(SYMBOL, 100);
    await oco(ex, 'c', 0.499);
    sim.setPrice(SYMBOL, 80); // gapped below the stop limit 89.5
    assert.deepEqual(sim.orders().slice(3).map((o) => [o.status, o.triggered]), [['NEW', true], ['EXPIRED', false]]);
    sim.setPrice(SYMBOL, 89.6);
    assert.equal(sim.orders()[3]!.status, 'FILLED');
    assert.equal(sim.fills().at(-1)!.price, 89.5);
  });

  it('OCO: refused when the prices do not bracket the market; cancelling one leg cancels the list', async () => {
    await ex.createOrder(SYMBOL, 'market', 'buy', 1, undefined, { clientOrderId: 'cbe0oco' });
    sim.setPrice(SYMBOL, 115);
    assert.match((await rejection(oco(ex, 'd', 0.5))).message, /relationship of the prices/);
    sim.setPrice(SYMBOL, 100);
    await oco(ex, 'e', 0.5);
    const cancelled = await ex.cancelOrder('', SYMBOL, { clientOrderId: 'cbte' });
    assert.equal(cancelled.status, 'canceled');
    assert.deepEqual(sim.orders().slice(1).map((o) => o.status), ['CANCELED', 'CANCELED']);
    assert.equal(sim.balances()['BTC']!.locked, 0);
  });

  it('faults: lost answer (order exists), 503 after executing, 429 with Retry-After, rejects, OCO refused', async () => {
    sim.setOrderFault('createOrder', { kind: 'lostAnswer', times: 1 });
    const lost = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 0.1, 90, { clientOrderId: 'cbe0lost' }));
    assert.equal(lost.name, 'NetworkError');
    assert.equal((await ex.fetchOrder('', SYMBOL, { clientOrderId: 'cbe0lost' })).status, 'open');
    sim.setOrderFault('createOrder', { kind: 'status', status: 503, executed: true, times: 1 });
    await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 0.1, 90, { clientOrderId: 'cbe0busy' }));
    assert.equal(sim.creations('cbe0busy'), 1);
    sim.setOrderFault('queryOrder', { kind: 'status', status: 429, retryAfterSec: 7, times: 1 });
    assert.equal((await rejection(ex.fetchOrder('', SYMBOL, { clientOrderId: 'cbe0busy' }))).name, 'DDoSProtection');
    sim.setOrderFault('createOrder', { kind: 'reject', reason: 'insufficientBalance', times: 1 });
    assert.equal((await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 0.1, 90, { clientOrderId: 'cbe0rej' }))).name, 'InsufficientFunds');
    assert.equal(sim.creations('cbe0rej'), 0);
    sim.setOrderFault('createOco', { kind: 'reject', reason: 'ocoRefused' });
    await ex.createOrder(SYMBOL, 'market', 'buy', 1, undefined, { clientOrderId: 'cbe0oco' });
    assert.match((await rejection(oco(ex, 'f', 0.5))).message, /OCO orders are not supported/);
    sim.setOrderFault('createOrder', { kind: 'lostAnswer', how: 'hang', times: 1 });
    const hung = ccxtBinanceAt(sim.url, SIM_KEYS, 1_000);
    await hung.loadMarkets();
    assert.equal((await rejection(hung.createOrder(SYMBOL, 'limit', 'buy', 0.1, 90, { clientOrderId: 'cbe0hang' }))).name, 'RequestTimeout');
    assert.equal(sim.creations('cbe0hang'), 1);
  });

  it('account, ticker price and API key restrictions', async () => {
    const balance = await ex.fetchBalance();
    assert.deepEqual([balance['USDT']?.free, balance['BNB']?.total], [1000, 1]);
    const ticker = (await ex.publicGetTickerPrice({ symbol: 'BTCUSDT' })) as { price: string };
    assert.equal(ticker.price, '100.00000000');
    const restrictions = (await ex.sapiGetAccountApiRestrictions()) as Record<string, unknown>;
    assert.deepEqual([restrictions['enableSpotAndMarginTrading'], restrictions['enableWithdrawals']], [true, false]);
    const res = await fetch(`${sim.url}/api/v3/ticker/price?symbol=ETHUSDT`);
    assert.ok(Number(res.headers.get('x-mbx-used-weight-1m')) > 0);
  });
});

interface OcoAnswer {
  readonly orderReports: readonly { clientOrderId: string; type: string; status: string }[];
}

function oco(ex: Exchange, tag: string, quantity: number): Promise<OcoAnswer> {
  return ex.privatePostOrderListOco({
    symbol: 'BTCUSDT', side: 'SELL', quantity: String(quantity),
    aboveType: 'LIMIT_MAKER', abovePrice: '110', aboveClientOrderId: `cbt${tag}`,
    belowType: 'STOP_LOSS_LIMIT', belowStopPrice: '90', belowPrice: '89.5', belowTimeInForce: 'GTC', belowClientOrderId: `cbs${tag}`,
    listClientOrderId: `cbl${tag}`,
  }) as Promise<OcoAnswer>;
}
