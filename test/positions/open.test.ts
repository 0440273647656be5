import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testClock } from '../support/clock.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { botConfig, getItem, HOUR, openerFor, portfolioItem, positionSignal, storeFor, T0 } from './fixture.js';

describe('opening paper positions (DynamoDB Local)', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('positions-open');
  });
  after(() => r.close());

  it('opens at the signal entry in the next candle, reserves the stake, locks the market and writes the opened event — all once', async () => {
    const store = storeFor(r);
    const clock = testClock(T0 + 2 * HOUR);
    const opener = openerFor(store, botConfig(), clock, [7, 8]);
    const signal = positionSignal({ symbol: 'ETH/USDT', entry: 200, stop: 190, target: 230 });
    assert.deepEqual(await opener.open(signal), { status: 'opened', positionId: signal.id, stake: 100 });
    assert.deepEqual(await opener.open(signal), { status: 'exists', positionId: signal.id, state: 'open' }, 'a repeat changes nothing');

    const row = (await getItem(r, `position#${signal.id}`, 'position'))!;
    assert.equal(row.status, 'open');
    assert.equal(row.entryPrice, 200);
    assert.equal(row.entryTime, T0 + HOUR, 'entry in the candle after the signal candle');
    assert.equal(row.qty, 0.5);
    assert.equal(row.stop, 190);
    assert.equal(row.target, 230);
    assert.equal(row.lastChecked, T0, 'the first candle to check is the entry candle');
    assert.equal(row.listKey, 'open');
    assert.equal(row.expiresAt, undefined, 'an open position never expires');
    const pf = await portfolioItem(r);
    assert.deepEqual([pf.start, pf.available, pf.reserved, pf.openCount], [1000, 900, 100, 1]);
    const lock = await getItem(r, 'lock#ema-cross#binance#ETH/USDT', 'lock');
    assert.equal(lock?.positionId, signal.id);
    const event = await getItem(r, `position#${signal.id}`, 'event#opened');
    assert.equal(event?.outbox, 'PENDING');
    assert.deepEqual(event?.recipients, [7, 8]);
    assert.match(String(event?.text), /opened paper LONG ETH\/USDT/);
  });

  it('refuses, with the reason derived from the cancellation, and records each refusal once', async () => {
    const store = storeFor(r);
    const clock = testClock(T0 + 2 * HOUR);
    const opener = openerFor(store, botConfig({ maxOpenPositions: 3, stakeFixed: 400 }), clock);
    // Portfolio from the previous test: 900 available, 1 open.
    const same = positionSignal({ symbol: 'ETH/USDT', candleTime: T0 + HOUR, entry: 210 });
    const a = await opener.open(same);
    assert.equal(a.status, 'refused');
    assert.equal(a.status === 'refused' && a.reason, 'already-open');

    const first = await opener.open(positionSignal({ symbol: 'SOL/USDT' }));
    assert.equal(first.status, 'opened');
    // 500 available, 2 open: a third stake of 400 fits, so make the budget the binding limit.
    const poor = openerFor(store, botConfig({ maxOpenPositions: 3, stakeFixed: 600 }), clock);
    const b = await poor.open(positionSignal({ symbol: 'XRP/USDT' }));
    assert.equal(b.status === 'refused' && b.reason, 'no-budget', JSON.stringify(b));
    const second = await opener.open(positionSignal({ symbol: 'ADA/USDT' }));
    assert.equal(second.status, 'opened');
    const c = await opener.open(positionSignal({ symbol: 'DOT/USDT' }));
    assert.equal(c.status === 'refused' && c.reason, 'max-open', JSON.stringify(c));

    for (const [signal, reason] of [[same, 'already-open'], [positionSignal({ symbol: 'XRP/USDT' }), 'no-budget'], [positionSignal({ symbol: 'DOT/USDT' }), 'max-open']] as const) {
      const row = (await getItem(r, `position#${signal.id}`, 'position'))!;
      assert.equal(row.status, 'rejected');
      assert.match(String(row.reason), new RegExp(`^${reason}: `));
      assert.equal(row.listKey, 'rejected');
      assert.ok(Number(row.expiresAt) > Math.floor(clock.now() / 1000), 'refusals expire (TTL)');
      assert.deepEqual(await opener.open(signal), { status: 'exists', positionId: signal.id, state: 'rejected' }, 'a repeat of a refusal changes nothing');
    }
    const pf = await portfolioItem(r);
    assert.deepEqual([pf.available, pf.reserved, pf.openCount], [100, 900, 3]);
    const rejected = await store.listRejected(10);
    assert.equal(rejected.length, 3);
  });

  it('stakeFraction stakes that fraction of equity (available + reserved)', async () => {
    const other = await testResources('positions-fraction');
    try {
      const store = storeFor(other);
      const opener = openerFor(store, botConfig({ stakeFixed: undefined, stakeFraction: 0.25, startingBalance: 2000 }), testClock(T0 + 2 * HOUR));
      assert.deepEqual(await opener.open(positionSignal({ symbol: 'BTC/USDT' })), { status: 'opened', positionId: positionSignal({ symbol: 'BTC/USDT' }).id, stake: 500 });
      const next = await opener.open(positionSignal({ symbol: 'ETH/USDT' }));
      assert.equal(next.status === 'opened' && next.stake, 500, 'equity is still 2000 with 500 reserved');
    } finally {
      other.close();
    }
  });
});
