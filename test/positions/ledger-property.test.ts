/**
 * Model-based property test of the DynamoDB ledger against the pure one (lib/core/positions/ledger.ts):
 * random sequences of opens (random stakes, a max-open limit) and closes (random exit prices)
 * through the real transactions on DynamoDB Local. After every step the table's portfolio equals
 * the pure ledger (cash = available), refusals happen exactly when the model refuses, and
 * available + reserved = start + realisedGross − fees.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { closeAt, newLedger, openFromSignal, positionRules, release, reserve, settle, type Ledger } from '../../lib/core/positions/index.js';
import { money } from '../../lib/core/money.js';
import type { StoredOpenPosition } from '../../lib/ports/positions.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { HOUR, portfolioItem, positionSignal, storeFor, T0 } from './fixture.js';

const MAX_OPEN = 3;
const rules = positionRules({ feeRate: 0.001, slippageBps: 5 });
const op = fc.oneof(
  fc.record({ kind: fc.constant('open' as const), slot: fc.integer({ min: 0, max: 4 }), stake: fc.double({ min: 1, max: 600, noNaN: true }) }),
  fc.record({ kind: fc.constant('close' as const), slot: fc.integer({ min: 0, max: 4 }), move: fc.double({ min: -0.5, max: 0.5, noNaN: true }) }),
);

describe('DynamoDB ledger = pure ledger (fast-check, DynamoDB Local)', () => {
  let r: TestResources;
  let run = 0;
  before(async () => {
    r = await testResources('ledger-prop');
  });
  after(() => r.close());

  it('after any sequence of opens and closes, to 1e-9', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        // One table for every run: ids are unique per run; each run starts from a fresh portfolio and closes what it opened.
        const base = T0 + 1000 * HOUR * run++;
        const store = storeFor(r);
        await r.doc.send(new DeleteCommand({ TableName: r.tables.PositionsTable!, Key: { pk: 'portfolio', sk: 'paper' } }));
        const open = new Map<number, StoredOpenPosition>();
        try {
          await store.createPortfolio(1000, T0);
          let model: Ledger = newLedger(1000);
          for (const [step, o] of ops.entries()) {
            const signal = positionSignal({ symbol: `S${o.slot}/USDT`, candleTime: base + step * HOUR, entry: 100 });
            if (o.kind === 'open') {
              const stake = money(o.stake);
              const position = openFromSignal({ id: signal.id, symbol: signal.symbol, intent: signal, stake }, signal.candleTime + HOUR, 100, rules);
              const result = await store.open({ position, meta: { strategy: 'ema-cross', exchange: 'binance', timeframe: '1h' }, costs: rules, maxOpen: MAX_OPEN, now: T0 });
              const expected = open.has(o.slot) ? 'already-open' : Object.keys(model.stakes).length >= MAX_OPEN ? 'max-open' : stake > model.cash ? 'no-budget' : 'opened';
              assert.equal(result.status === 'refused' ? result.reason : result.status, expected, JSON.stringify({ step, o, model }));
              if (result.status === 'opened') {
                model = reserve(model, position);
                const read = await store.getPosition(position.id);
                assert.ok(read?.ok && read.value.status === 'open');
                open.set(o.slot, read.value.open);
              }
            } else {
              const stored = open.get(o.slot);
              if (!stored) continue;
              const p = stored.position;
              const closed = settle(closeAt(p, p.entryTime + HOUR, 100 * (1 + o.move), 'signal', rules));
              assert.equal((await store.close({ stored, closed, now: T0 })).status, 'closed');
              model = release(model, closed);
              open.delete(o.slot);
            }
            const pf = await portfolioItem(r);
            const pairs: [number, number, string][] = [[pf.available, model.cash, 'available'], [pf.reserved, model.reserved, 'reserved'], [pf.realisedGross, model.realisedGross, 'gross'], [pf.fees, model.fees, 'fees']];
            for (const [got, want, name] of pairs) {
              assert.ok(Math.abs(got - want) < 1e-9, `${name}: table ${got} vs model ${want} after ${JSON.stringify(ops.slice(0, step + 1))}`);
            }
            assert.equal(pf.openCount, open.size);
            assert.ok(Math.abs(pf.available + pf.reserved - (pf.start + pf.realisedGross - pf.fees)) < 1e-9, 'conserved in the table');
          }
        } finally {
          for (const stored of open.values()) {
            const p = stored.position;
            await store.close({ stored, closed: settle(closeAt(p, p.entryTime, 100, 'end', rules)), now: T0 });
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});
