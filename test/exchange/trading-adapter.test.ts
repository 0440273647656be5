/**
 * The live-trading adapter (lib/exchange/trading/ccxt-trading.ts): real ccxt against the Binance
 * simulator — every port method, error translation of every fault, the lost answer found again
 * by client order id, duplicates, filters, partial fills over polls, OCO legs.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Exchange } from 'ccxt';
import { createCcxtTrading } from '../../lib/exchange/trading/ccxt-trading.js';
import { collectFills, MAX_FILL_REQUESTS } from '../../lib/exchange/trading/fills.js';
import type { PlaceProtection, TradingPort } from '../../lib/ports/trading.js';
import { SIM_KEYS } from '../support/exchange-sim/binance-client.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { expectClassified } from '../support/exchange-sim/expect-error.js';
import { tradingAt } from '../support/exchange-sim/trading-at.js';

const SYMBOL = 'BTC/USDT';

function bracket(tag: string, amount: number): PlaceProtection {
  return {
    listClientOrderId: `cbl0${tag}`, stopClientOrderId: `cbs0${tag}`, targetClientOrderId: `cbt0${tag}`,
    symbol: SYMBOL, amount, stopPrice: 90, stopLimitPrice: 89.5, targetPrice: 110,
  };
}

describe('trading adapter (ccxt → Binance simulator)', () => {
  let sim: BinanceSim;
  let trading: TradingPort;
  beforeEach(async () => {
    sim = await startBinanceSim({
      symbols: [SYMBOL, 'ETH/USDT'],
      nowMs: Date.UTC(2025, 0, 1, 12),
      filters: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.0001, minQty: 0.0002, minNotional: 5 } },
      account: { ...SIM_KEYS, balances: { USDT: 1000 }, enableWithdrawals: false },
    });
    sim.setPrice(SYMBOL, 100);
    trading = await tradingAt(sim.url);
  });
  afterEach(() => sim.close());

  it('rules come from the market filters; an unlisted market is BAD_SYMBOL; only binance is supported', async () => {
    assert.deepEqual(await trading.rules(SYMBOL), {
      symbol: SYMBOL, base: 'BTC', quote: 'USDT', amountStep: 0.0001, priceTick: 0.01, minAmount: 0.0002, minNotional: 5, maxAmount: 9000,
    });
    assert.deepEqual([trading.exchange, trading.sandbox, trading.supportsProtection], ['binance', true, true]);
    await expectClassified(trading.rules('DOGE/USDT'), { kind: 'permanent', code: 'BAD_SYMBOL' });
    await expectClassified(createCcxtTrading({ exchange: 'kraken', keys: SIM_KEYS, sandbox: true, timeoutMs: 1000 }), { kind: 'permanent', code: 'NOT_SUPPORTED' });
  });

  it('a limit buy rests, is found by client order id, fills when the price reaches it; fills and balances follow', async () => {
    const placed = await trading.placeOrder({ clientOrderId: 'cbe0rest', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.5, price: 99 });
    assert.deepEqual([placed.clientOrderId, placed.status, placed.type, placed.filled, placed.cost, placed.price, placed.fills], ['cbe0rest', 'open', 'limit', 0, 0, 99, []]);
    assert.deepEqual((await trading.openOrders(SYMBOL)).map((o) => o.clientOrderId), ['cbe0rest']);
    assert.deepEqual((await trading.balances())['USDT'], { free: 950.5, used: 49.5, total: 1000 });
    sim.setPrice(SYMBOL, 98.5);
    const found = await trading.findOrder(SYMBOL, 'cbe0rest');
    assert.deepEqual([found?.status, found?.filled, found?.cost, found?.average, found?.orderId], ['closed', 0.5, 49.5, 99, placed.orderId]);
    const fills = await trading.fills(SYMBOL, placed.time - 1);
    assert.equal(fills.length, 1);
    const { time, tradeId, ...fill } = fills[0]!;
    assert.ok(time >= placed.time && tradeId !== '');
    assert.deepEqual(fill, { orderId: placed.orderId, symbol: SYMBOL, side: 'buy', price: 99, amount: 0.5, cost: 49.5, fee: { cost: 0.0005, currency: 'BTC' } });
    assert.deepEqual(await trading.fills(SYMBOL, time + 1), []);
    const balances = await trading.balances();
    assert.deepEqual([balances['USDT']?.total, balances['BTC']?.free], [950.5, 0.4995]);
    assert.deepEqual(await trading.openOrders(SYMBOL), []);
  });

  it('a market order answers with its fills (FULL), commission as charged', async () => {
    const order = await trading.placeOrder({ clientOrderId: 'cbe0mkt', symbol: SYMBOL, side: 'buy', type: 'market', amount: 0.2 });
    assert.deepEqual([order.status, order.type, order.filled, order.cost, order.average, order.price], ['closed', 'market', 0.2, 20, 100, undefined]);
    assert.equal(order.fills.length, 1);
    assert.deepEqual({ ...order.fills[0]!, tradeId: 'x' }, {
      tradeId: 'x', orderId: order.orderId, clientOrderId: 'cbe0mkt', symbol: SYMBOL, side: 'buy', price: 100, amount: 0.2, cost: 20,
      fee: { cost: 0.0002, currency: 'BTC' }, time: order.time,
    });
    const sell = await trading.placeOrder({ clientOrderId: 'cbx0mkt', symbol: SYMBOL, side: 'sell', type: 'market', amount: 0.1998 });
    assert.deepEqual(sell.fills.map((f) => f.fee), [{ cost: 0.01998, currency: 'USDT' }]);
  });

  it('answer lost after the order was created → ORDER_ANSWER_UNKNOWN, then findOrder finds it (never sent twice)', async () => {
    sim.setOrderFault('createOrder', { kind: 'lostAnswer', times: 1 });
    const error = await expectClassified(trading.placeOrder({ clientOrderId: 'cbe0lost', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.1, price: 95 }), {
      kind: 'transient', code: 'ORDER_ANSWER_UNKNOWN', causeName: 'NetworkError',
    });
    assert.match(error.message, /look it up by client order id/);
    const found = await trading.findOrder(SYMBOL, 'cbe0lost');
    assert.deepEqual([found?.status, found?.amount, found?.price], ['open', 0.1, 95]);
    assert.equal(sim.creations('cbe0lost'), 1);

    sim.setOrderFault('createOrder', { kind: 'status', status: 503, executed: true, times: 1 });
    await expectClassified(trading.placeOrder({ clientOrderId: 'cbe0busy', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.1, price: 95 }), { kind: 'transient', code: 'ORDER_ANSWER_UNKNOWN' });
    assert.equal((await trading.findOrder(SYMBOL, 'cbe0busy'))?.status, 'open');

    sim.setOrderFault('createOrder', { kind: 'status', status: 504, body: 'json', times: 1 });
    await expectClassified(trading.placeOrder({ clientOrderId: 'cbe0gone', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.1, price: 95 }), { kind: 'transient', code: 'ORDER_ANSWER_UNKNOWN' });
    assert.equal(await trading.findOrder(SYMBOL, 'cbe0gone'), undefined, 'not executed: the look-up says it does not exist');
  });

  it('a write that times out is ORDER_ANSWER_UNKNOWN; the same fault on a read is a plain transient error', async () => {
    const slow = await tradingAt(sim.url, { timeoutMs: 1_000 });
    sim.setOrderFault('createOrder', { kind: 'lostAnswer', how: 'hang', times: 1 });
    await expectClassified(slow.placeOrder({ clientOrderId: 'cbe0hang', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.1, price: 95 }), {
      kind: 'transient', code: 'ORDER_ANSWER_UNKNOWN', causeName: 'RequestTimeout',
    });
    assert.equal((await slow.findOrder(SYMBOL, 'cbe0hang'))?.status, 'open');
    sim.setOrderFault('queryOrder', { kind: 'timeout', times: 1 });
    await expectClassified(slow.findOrder(SYMBOL, 'cbe0hang'), { kind: 'transient', code: 'TIMEOUT' });
    sim.setOrderFault('cancelOrder', { kind: 'status', status: 502, times: 1 });
    await expectClassified(slow.cancelOrder(SYMBOL, 'cbe0hang'), { kind: 'transient', code: 'ORDER_ANSWER_UNKNOWN' });
    sim.setOrderFault('openOrders', { kind: 'status', status: 500, times: 1 });
    const read = await expectClassified(slow.openOrders(SYMBOL), { kind: 'transient', code: 'EXCHANGE_UNAVAILABLE' });
    assert.notEqual(read.code, 'ORDER_ANSWER_UNKNOWN');
  });

  it('429/418 with Retry-After are RATE_LIMITED on reads and writes (Binance refuses them unexecuted)', async () => {
    sim.setOrderFault('createOrder', { kind: 'status', status: 429, retryAfterSec: 7, times: 1 });
    const limited = await expectClassified(trading.placeOrder({ clientOrderId: 'cbe0rl', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.1, price: 95 }), { kind: 'transient', code: 'RATE_LIMITED' });
    assert.equal(limited.retryAfterMs, 7000);
    assert.equal(sim.creations('cbe0rl'), 0);
    sim.setOrderFault('account', { kind: 'status', status: 418, retryAfterSec: 120, times: 1 });
    assert.equal((await expectClassified(trading.balances(), { kind: 'transient', code: 'RATE_LIMITED' })).retryAfterMs, 120_000);
  });

  it('refusals are ORDER_REJECTED with the reason: duplicate open client id, filters, balance, rejects', async () => {
    await trading.placeOrder({ clientOrderId: 'cbe0dup', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.1, price: 90 });
    const dup = await expectClassified(trading.placeOrder({ clientOrderId: 'cbe0dup', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.1, price: 90 }), { kind: 'permanent', code: 'ORDER_REJECTED', causeName: 'InvalidOrder' });
    assert.match(dup.message, /Duplicate order sent/);
    assert.equal(sim.creations('cbe0dup'), 1);
    const notional = await expectClassified(trading.placeOrder({ clientOrderId: 'cbe0small', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.01, price: 90 }), { kind: 'permanent', code: 'ORDER_REJECTED' });
    assert.match(notional.message, /Filter failure: NOTIONAL/);
    const lot = await expectClassified(trading.placeOrder({ clientOrderId: 'cbe0lot', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.0001, price: 90000 }), { kind: 'permanent', code: 'ORDER_REJECTED' });
    assert.match(lot.message, /LOT_SIZE/);
    const funds = await expectClassified(trading.placeOrder({ clientOrderId: 'cbe0rich', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 50, price: 90 }), { kind: 'permanent', code: 'ORDER_REJECTED', causeName: 'InsufficientFunds' });
    assert.match(funds.message, /insufficient balance/);
    sim.setOrderFault('createOrder', { kind: 'reject', reason: 'filterFailure', times: 1 });
    await expectClassified(trading.placeOrder({ clientOrderId: 'cbe0flt', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.1, price: 90 }), { kind: 'permanent', code: 'ORDER_REJECTED' });
    await expectClassified(trading.placeOrder({ clientOrderId: 'not a valid id!', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.1, price: 90 }), { kind: 'permanent', code: 'INVALID_OPTIONS' });
    assert.deepEqual(sim.orders().map((o) => o.clientOrderId), ['cbe0dup']);
  });

  it('cancelOrder cancels by client order id; unknown, filled or cancelled → undefined; findOrder of an unknown id → undefined', async () => {
    await trading.placeOrder({ clientOrderId: 'cbe0cxl', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.1, price: 90 });
    const cancelled = await trading.cancelOrder(SYMBOL, 'cbe0cxl');
    assert.deepEqual([cancelled?.clientOrderId, cancelled?.status, cancelled?.filled], ['cbe0cxl', 'canceled', 0]);
    assert.equal(await trading.cancelOrder(SYMBOL, 'cbe0cxl'), undefined);
    assert.equal(await trading.cancelOrder(SYMBOL, 'cbe0never'), undefined);
    assert.equal(await trading.findOrder(SYMBOL, 'cbe0never'), undefined);
    assert.equal((await trading.findOrder(SYMBOL, 'cbe0cxl'))?.status, 'canceled');
    assert.deepEqual((await trading.balances())['USDT'], { free: 1000, used: 0, total: 1000 });
  });

  it('partial fills over polls: 30 % on the first look-up, 100 % on the next; the unfilled rest can be cancelled', async () => {
    sim.setFillPlan('cbe0part', [0.3, 0.7]);
    const placed = await trading.placeOrder({ clientOrderId: 'cbe0part', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 1, price: 100 });
    assert.deepEqual([placed.status, placed.filled], ['open', 0]);
    const first = await trading.findOrder(SYMBOL, 'cbe0part');
    assert.deepEqual([first?.status, first?.filled, first?.cost], ['open', 0.3, 30]);
    assert.deepEqual((await trading.fills(SYMBOL, 0)).map((f) => f.amount), [0.3]);
    const second = await trading.findOrder(SYMBOL, 'cbe0part');
    assert.deepEqual([second?.status, second?.filled, second?.cost], ['closed', 1, 100]);
    assert.deepEqual((await trading.fills(SYMBOL, 0)).map((f) => f.amount), [0.3, 0.7]);

    sim.setFillPlan('cbe0half', [0.3]);
    await trading.placeOrder({ clientOrderId: 'cbe0half', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 1, price: 100 });
    await trading.findOrder(SYMBOL, 'cbe0half');
    const rest = await trading.cancelOrder(SYMBOL, 'cbe0half');
    assert.deepEqual([rest?.status, rest?.filled, rest?.cost], ['canceled', 0.3, 30]);
    assert.deepEqual((await trading.balances())['USDT'], { free: 870, used: 0, total: 870 });
  });

  it('protection: one OCO, ids from the call; target fill expires the stop leg', async () => {
    await trading.placeOrder({ clientOrderId: 'cbe0oco', symbol: SYMBOL, side: 'buy', type: 'market', amount: 1 });
    const { stop, target } = await trading.placeProtection(bracket('a', 0.999));
    assert.deepEqual([stop.clientOrderId, stop.type, stop.status, stop.price, stop.amount], ['cbs0a', 'stop_loss_limit', 'open', 89.5, 0.999]);
    assert.deepEqual([target.clientOrderId, target.type, target.status, target.price], ['cbt0a', 'limit_maker', 'open', 110]);
    assert.deepEqual((await trading.openOrders(SYMBOL)).map((o) => o.clientOrderId).sort(), ['cbs0a', 'cbt0a']);
    sim.setPrice(SYMBOL, 112);
    const [t, s] = [await trading.findOrder(SYMBOL, 'cbt0a'), await trading.findOrder(SYMBOL, 'cbs0a')];
    assert.deepEqual([t?.status, t?.filled, t?.average, s?.status], ['closed', 0.999, 110, 'expired']);
    assert.deepEqual((await trading.fills(SYMBOL, 0)).map((f) => [f.side, f.price, f.fee.currency]), [['buy', 100, 'BTC'], ['sell', 110, 'USDT']]);
  });

  it('protection: stop triggers (target EXPIRED), fills at its limit; refused/OCO-refused → ORDER_REJECTED; lost answer → ORDER_ANSWER_UNKNOWN', async () => {
    await trading.placeOrder({ clientOrderId: 'cbe0oco', symbol: SYMBOL, side: 'buy', type: 'market', amount: 1 });
    await trading.placeProtection(bracket('b', 0.5));
    sim.setPrice(SYMBOL, 89.9);
    const [s, t] = [await trading.findOrder(SYMBOL, 'cbs0b'), await trading.findOrder(SYMBOL, 'cbt0b')];
    assert.deepEqual([s?.status, s?.average, t?.status], ['closed', 89.5, 'expired']);
    sim.setPrice(SYMBOL, 100);
    sim.setOrderFault('createOco', { kind: 'reject', reason: 'ocoRefused', times: 1 });
    await expectClassified(trading.placeProtection(bracket('c', 0.2)), { kind: 'permanent', code: 'ORDER_REJECTED' });
    sim.setPrice(SYMBOL, 120);
    const wrong = await expectClassified(trading.placeProtection(bracket('d', 0.2)), { kind: 'permanent', code: 'ORDER_REJECTED' });
    assert.match(wrong.message, /relationship of the prices/);
    sim.setPrice(SYMBOL, 100);
    await expectClassified(trading.placeProtection({ ...bracket('e', 0.2), stopPrice: 111 }), { kind: 'permanent', code: 'INVALID_OPTIONS' });
    sim.setOrderFault('createOco', { kind: 'lostAnswer', times: 1 });
    await expectClassified(trading.placeProtection(bracket('f', 0.2)), { kind: 'transient', code: 'ORDER_ANSWER_UNKNOWN' });
    assert.equal((await trading.findOrder(SYMBOL, 'cbs0f'))?.status, 'open');
  });

  it('keys: wrong key or no trading right → EXCHANGE_AUTH; skewed clocks → EXCHANGE_CLOCK_SKEW', async () => {
    const stranger = await tradingAt(sim.url, { keys: { apiKey: 'someone', secret: 'else' } });
    await expectClassified(stranger.balances(), { kind: 'permanent', code: 'EXCHANGE_AUTH', causeName: 'AuthenticationError' });
    const badSecret = await tradingAt(sim.url, { keys: { apiKey: SIM_KEYS.apiKey, secret: 'wrong' } });
    await expectClassified(badSecret.placeOrder({ clientOrderId: 'cbe0key', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.1, price: 90 }), { kind: 'permanent', code: 'EXCHANGE_AUTH' });
    const late = await tradingAt(sim.url, { clock: { now: () => Date.now() - 30_000 } });
    await expectClassified(late.findOrder(SYMBOL, 'cbe0x'), { kind: 'permanent', code: 'EXCHANGE_CLOCK_SKEW', causeName: 'InvalidNonce' });
    sim.setClockSkew(-5_000);
    await expectClassified(trading.placeOrder({ clientOrderId: 'cbe0skew', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.1, price: 90 }), { kind: 'permanent', code: 'EXCHANGE_CLOCK_SKEW' });
    sim.setClockSkew(0);
    sim.setOrderFault('myTrades', { kind: 'clockSkew', times: 1 });
    await expectClassified(trading.fills(SYMBOL, 0), { kind: 'permanent', code: 'EXCHANGE_CLOCK_SKEW' });

    const readOnly = await startBinanceSim({ symbols: [SYMBOL], nowMs: Date.now(), account: { ...SIM_KEYS, balances: { USDT: 100 }, canTrade: false, enableWithdrawals: true } });
    try {
      readOnly.setPrice(SYMBOL, 100);
      const port = await tradingAt(readOnly.url);
      assert.deepEqual(await port.permissions(), { canTrade: false, canWithdraw: true });
      await expectClassified(port.placeOrder({ clientOrderId: 'cbe0ro', symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.1, price: 90 }), { kind: 'permanent', code: 'EXCHANGE_AUTH', causeName: 'PermissionDenied' });
    } finally {
      await readOnly.close();
    }
  });

  it('lastPrice, serverTime and permissions', async () => {
    assert.equal(await trading.lastPrice(SYMBOL), 100);
    sim.setPrice('ETH/USDT', 2345.67);
    assert.equal(await trading.lastPrice('ETH/USDT'), 2345.67);
    sim.setClockSkew(3_600_000);
    const before = Date.now();
    const server = await trading.serverTime();
    assert.ok(server >= before + 3_600_000 && server <= Date.now() + 3_600_000);
    sim.setClockSkew(0);
    assert.deepEqual(await trading.permissions(), { canTrade: true, canWithdraw: false });
    sim.setOrderFault('tickerPrice', { kind: 'status', status: 503, times: 1 });
    await expectClassified(trading.lastPrice(SYMBOL), { kind: 'transient', code: 'EXCHANGE_UNAVAILABLE' });
  });
});

describe('trading adapter: fills paging (Binance myTrades: ≤ 1000 per answer, ≤ 24 h per window)', () => {
  const DAY = 86_400_000;
  const T0 = Date.UTC(2025, 0, 1);
  /** A myTrades stand-in over `times` (ms), enforcing Binance's limits; records its calls. */
  function fakeExchange(times: readonly number[]) {
    const trades = times.map((timestamp, i) => ({ id: String(1000 + i), order: '7', timestamp, symbol: SYMBOL, side: 'buy', price: 100, amount: 0.1, cost: 10, fee: { cost: 0.0001, currency: 'BTC' } }));
    const calls: { since: number | undefined; until: number | undefined }[] = [];
    const exchange = {
      fetchMyTrades: async (_symbol: string, since: number | undefined, limit: number, params: { until?: number } = {}) => {
        calls.push({ since, until: params.until });
        if (since === undefined) return trades.slice(-limit);
        assert.ok(params.until !== undefined && params.until - since <= DAY, 'a window of at most 24 h');
        return trades.filter((t) => t.timestamp >= since && t.timestamp <= params.until!).slice(0, limit);
      },
    };
    return { exchange: exchange as unknown as Exchange, calls };
  }

  it('one request when the latest 1000 reach back to since', async () => {
    const { exchange, calls } = fakeExchange([T0 + 1, T0 + 2, T0 + 3]);
    assert.deepEqual((await collectFills(exchange, SYMBOL, T0 + 2, T0 + DAY, 'test')).map((f) => f.time), [T0 + 2, T0 + 3]);
    assert.equal(calls.length, 1);
  });

  it('over 1000 since then: 24 h windows, full pages continued, each fill once, oldest first, bounded', async () => {
    const times = Array.from({ length: 2500 }, (_, i) => T0 + Math.floor(i / 1250) * DAY + i * 10); // 1250 on day 0, 1250 on day 1
    const { exchange, calls } = fakeExchange(times);
    const fills = await collectFills(exchange, SYMBOL, T0, T0 + 2 * DAY, 'test');
    assert.equal(fills.length, 2500);
    assert.equal(new Set(fills.map((f) => f.tradeId)).size, 2500);
    assert.deepEqual(fills.map((f) => f.time), [...times].sort((a, b) => a - b));
    assert.ok(calls.length <= MAX_FILL_REQUESTS, `${calls.length} requests`);

    const later = fakeExchange(Array.from({ length: 1200 }, (_, i) => T0 + 20 * DAY + i));
    assert.equal((await collectFills(later.exchange, SYMBOL, T0, T0 + 21 * DAY, 'test')).length, 1200, 'three weeks of empty windows first');

    const old = fakeExchange(Array.from({ length: 1200 }, (_, i) => T0 + 40 * DAY + i));
    const partial = await collectFills(old.exchange, SYMBOL, T0, T0 + 41 * DAY, 'test');
    assert.equal(old.calls.length, MAX_FILL_REQUESTS, 'stops at the bound');
    assert.deepEqual(partial, [], 'the oldest windows were empty: nothing skipped');
  });
});
