/** lib/store/dynamo/expr.ts (the aliasing expression builder) and the position row ids (keys.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Expr } from '../../lib/store/dynamo/expr.js';
import { keyOfRowId, rowIdOf } from '../../lib/store/positions/keys.js';

describe('Expr', () => {
  it('aliases every name once and every value apart', () => {
    const e = new Expr();
    const sets = e.sets({ status: 'open', count: 2 });
    const condition = `${e.n('status')} = ${e.v('closed')}`;
    assert.deepEqual(sets, ['#a0 = :v0', '#a1 = :v1']);
    assert.equal(condition, '#a0 = :v2');
    assert.deepEqual(e.parts(), { ExpressionAttributeNames: { '#a0': 'status', '#a1': 'count' }, ExpressionAttributeValues: { ':v0': 'open', ':v1': 2, ':v2': 'closed' } });
  });

  it('leaves out the empty parts (DynamoDB refuses empty maps)', () => {
    const e = new Expr();
    assert.deepEqual(e.parts(), {});
    e.n('a');
    assert.deepEqual(e.parts(), { ExpressionAttributeNames: { '#a0': 'a' } });
  });
});

describe('position row ids', () => {
  it('round-trip every key shape of PositionsTable and refuse anything else', () => {
    for (const key of [
      { pk: 'position#ema-cross#binance#BTC/USDT#1h#1767225600000', sk: 'position' },
      { pk: 'position#x', sk: 'event#closed' },
      { pk: 'portfolio', sk: 'paper' },
      { pk: 'stats', sk: 'symbol#binance#BTC/USDT' },
      { pk: 'trades#ema-cross', sk: 'ema-cross#binance#BTC/USDT#1h#1' },
    ]) {
      assert.deepEqual(keyOfRowId(rowIdOf(key)), key);
    }
    for (const bad of ['', 'position#x', '|position', 'position#x|']) assert.equal(keyOfRowId(bad), undefined, bad);
  });
});
