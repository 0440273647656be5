import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PermanentError } from '../../../lib/errors.js';
import { clientOrderId, idHash, isBotOrderId, parseBotOrderId, type OrderIdRole } from '../../../lib/core/live/client-order-id.js';

const ROLES: OrderIdRole[] = ['entry', 'exit', 'stop', 'target', 'list'];
const BINANCE = /^[A-Za-z0-9_-]{1,36}$/;

describe('client order ids', () => {
  it('are derived from the data: the same inputs always give the same id (pinned)', () => {
    const id = clientOrderId('ema-cross:binance:BTC/USDT:1h:1767225600000', 'entry');
    assert.equal(id, clientOrderId('ema-cross:binance:BTC/USDT:1h:1767225600000', 'entry', 0));
    // Pinned: a change of the hash would give a running position new ids (a duplicate order after a deploy).
    assert.equal(id, PINNED);
    assert.equal(id.length, 33);
    assert.equal(clientOrderId('a', 'stop', 35), 'cbsz275ajtbgr4picrni9ci1rmii0vud7');
  });

  it('fit Binance newClientOrderId, start with cb, and carry role and generation', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200, unit: 'binary' }), fc.constantFrom(...ROLES), fc.integer({ min: 0, max: 35 }), (positionId, role, generation) => {
        const id = clientOrderId(positionId, role, generation);
        assert.match(id, BINANCE);
        assert.ok(isBotOrderId(id));
        assert.deepEqual(parseBotOrderId(id), { role, generation, hash: idHash(positionId) });
      }),
    );
  });

  it('differ between positions, roles and generations (no collision among 20 000 signal ids)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(clientOrderId(`ema-cross:binance:BTC/USDT:1h:${1767225600000 + i * 3_600_000}`, 'entry'));
    assert.equal(seen.size, 20_000);
    const one = 'p';
    const ids = new Set(ROLES.flatMap((role) => [0, 1, 35].map((g) => clientOrderId(one, role, g))));
    assert.equal(ids.size, ROLES.length * 3);
  });

  it('isBotOrderId tells bot ids from others', () => {
    assert.equal(isBotOrderId('cbe0abc'), true);
    assert.equal(isBotOrderId('x-abc'), false);
    assert.equal(isBotOrderId('cbq0abc'), false);
    assert.equal(isBotOrderId('web_123'), false);
    assert.equal(isBotOrderId('cb'), false);
    assert.equal(parseBotOrderId('cbe0abc'), undefined);
  });

  it('refuse an empty position id, an unknown role and a generation outside 0…35', () => {
    const code = (f: () => unknown) => assert.throws(f, (e: unknown) => e instanceof PermanentError && e.code === 'BAD_ORDER_ID');
    code(() => clientOrderId('', 'entry'));
    code(() => clientOrderId('p', 'buy' as OrderIdRole));
    code(() => clientOrderId('p', 'stop', 36));
    code(() => clientOrderId('p', 'stop', -1));
    code(() => clientOrderId('p', 'stop', 1.5));
  });
});

const PINNED = 'cbe0pmgu10gu3r5fiaj14f7ijmktc88pp';
