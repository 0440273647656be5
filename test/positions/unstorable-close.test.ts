/**
 * A close whose numbers the store cannot hold (a PnL from an entry and an exit of two fetches
 * 1e13 apart: both prices are within the accepted candle range) is refused before the
 * transaction as UNSTORABLE_NUMBER, naming the value; nothing is written and the position stays
 * open with its stake reserved, so a later, sane exit still closes it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeAt, openFromSignal, positionRules, settle } from '../../lib/core/positions/index.js';
import { PermanentError } from '../../lib/errors.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { HOUR, portfolioItem, positionSignal, storeFor, T0 } from './fixture.js';

const rules = positionRules({ feeRate: 0.001 });

describe('a close the store cannot hold (DynamoDB Local)', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('unstorable-close');
  });
  after(() => r.close());

  it('is refused as UNSTORABLE_NUMBER naming the value; nothing written; a sane close then succeeds', async () => {
    const store = storeFor(r);
    await store.createPortfolio(1000, T0);
    const signal = positionSignal({ symbol: 'TINY/USDT', candleTime: T0, entry: 0.001, stop: 0.0005, target: 0.002 });
    const position = openFromSignal({ id: signal.id, symbol: signal.symbol, intent: signal, stake: 100 }, T0 + HOUR, 0.001, rules);
    assert.equal((await store.open({ position, meta: { strategy: 'ema-cross', exchange: 'binance', timeframe: '1h' }, costs: rules, maxOpen: 5, now: T0 })).status, 'opened');
    const read = await store.getPosition(position.id);
    assert.ok(read?.ok && read.value.status === 'open');
    const stored = read.value.open;
    const before = await portfolioItem(r);

    const absurd = settle(closeAt(stored.position, T0 + 2 * HOUR, 1e11, 'target', rules));
    await assert.rejects(store.close({ stored, closed: absurd, now: T0 + 2 * HOUR }), (e: unknown) => {
      assert.ok(e instanceof PermanentError, String(e));
      assert.equal(e.code, 'UNSTORABLE_NUMBER');
      assert.match(e.message, /Update \{"pk":"position#[^"]+","sk":"position"\}: value\.:v\d+ 9999999999999900 is beyond the largest number the store holds .*; nothing written$/);
      return true;
    });
    assert.deepEqual(await portfolioItem(r), before);
    const still = await store.getPosition(position.id);
    assert.ok(still?.ok && still.value.status === 'open');

    const sane = settle(closeAt(stored.position, T0 + 2 * HOUR, 0.002, 'target', rules));
    assert.equal((await store.close({ stored, closed: sane, now: T0 + 2 * HOUR })).status, 'closed');
  });
});
