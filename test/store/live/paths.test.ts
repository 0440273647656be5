/**
 * Model-based property test of the live store on DynamoDB Local: random paths of intents,
 * partial or no fills (fees in quote or base), cancels and closes through the real transactions.
 * After every step the budget row is conserved to 1e-9 and equals the pure ledger
 * (lib/core/live/live-ledger.ts) replayed over the same steps.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { clientOrderId } from '../../../lib/core/live/client-order-id.js';
import { applyDelta, closeDelta, newBook, reserveDelta, settleDelta, type LiveBook } from '../../../lib/core/live/live-ledger.js';
import { money } from '../../../lib/core/money.js';
import type { LivePosition } from '../../../lib/ports/live.js';
import { testResources, type TestResources } from '../../support/local-aws.js';
import { conserved, exchangeId, HOUR, intent, liveStore, T0 } from './fixture.js';

const step = fc.oneof(
  fc.record({ kind: fc.constant('intent' as const), slot: fc.integer({ min: 0, max: 3 }), stake: fc.double({ min: 5, max: 20, noNaN: true }) }),
  fc.record({ kind: fc.constant('settle' as const), slot: fc.integer({ min: 0, max: 3 }), share: fc.constantFrom(0, 0.3, 0.7, 1), feeInBase: fc.boolean() }),
  fc.record({ kind: fc.constant('close' as const), slot: fc.integer({ min: 0, max: 3 }), move: fc.double({ min: -0.5, max: 0.5, noNaN: true }), stop: fc.boolean() }),
);

describe('live store = live ledger over random paths (fast-check, DynamoDB Local)', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('live-paths');
  });
  after(() => r.close());

  it('intents, partial fills, cancels and closes keep the budget conserved to 1e-9 and equal to the model', async () => {
    const store = liveStore(r);
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
        const ex = exchangeId('path');
        await store.ensureBudget(ex, 'USDT', 60, T0);
        let model: LiveBook = newBook(60);
        const entries = new Map<number, { id: string; stake: number }>();
        const open = new Map<number, LivePosition>();
        for (const [i, s] of steps.entries()) {
          const symbol = `S${s.slot}/USDT`;
          const now = T0 + (i + 1) * HOUR;
          if (s.kind === 'intent') {
            const stake = money(s.stake);
            const command = intent({ exchange: ex, symbol, at: T0 + i * HOUR, stake, now, limits: { maxOpenPositions: 3, dailyLossLimit: 1e6 } });
            const result = await store.recordIntent(command);
            const busy = entries.has(s.slot) || open.has(s.slot);
            const expected = busy ? 'already-open' : model.openCount >= 3 ? 'max-open' : stake > model.available ? 'no-budget' : 'created';
            assert.equal(result.status === 'refused' ? result.reason : result.status, expected, JSON.stringify({ s, model }));
            if (result.status === 'created') {
              model = applyDelta(model, reserveDelta(stake));
              entries.set(s.slot, { id: command.order.clientOrderId, stake });
            }
          } else if (s.kind === 'settle') {
            const entry = entries.get(s.slot);
            if (!entry) continue;
            const cost = money(entry.stake * s.share);
            const fee = money(cost * 0.001);
            const filled = cost / 100;
            const fills = { filled, cost, fee, feeFromBase: s.feeInBase ? fee : 0, baseFee: s.feeInBase ? filled * 0.001 : 0, tradeIds: cost > 0 ? [`t${i}`] : [] };
            const result = await store.settleEntry({ clientOrderId: entry.id, version: 1, from: 'intent', to: s.share === 1 ? 'filled' : 'cancelled', fills, stop: 97, target: 106, now });
            assert.ok(result.status === 'settled', JSON.stringify(result));
            model = applyDelta(model, settleDelta({ stake: entry.stake, ...fills }));
            entries.delete(s.slot);
            if (result.position.status === 'open') open.set(s.slot, result.position);
          } else {
            const p = open.get(s.slot);
            if (!p) continue;
            const proceeds = money(p.cost * (1 + s.move));
            const exitFee = money(proceeds * 0.001);
            const exit = { clientOrderId: clientOrderId(p.positionId, s.stop ? 'stop' : 'target'), reason: s.stop ? ('stop' as const) : ('target' as const), price: 100 * (1 + s.move), amount: p.qty, proceeds, fee: exitFee };
            const result = await store.closePosition({ positionId: p.positionId, version: p.version, exit, maxDrawdown: 0.99, cooldownMinutes: 0, now });
            assert.ok(result.status === 'closed', JSON.stringify(result));
            model = applyDelta(model, closeDelta({ bookCost: p.cost, entryFee: p.entryFee, proceeds, exitFee }).delta, true);
            open.delete(s.slot);
          }
          const b = await conserved(store, ex);
          const { start, available, reserved, invested, realised, fees, openCount, peakEquity } = b;
          assert.deepEqual({ start, available, reserved, invested, realised, fees, openCount, peakEquity }, model, JSON.stringify(s));
        }
      }),
      { numRuns: 15 },
    );
  });
});
