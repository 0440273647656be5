/**
 * The live budget arithmetic (lib/core/live/live-ledger.ts): worked examples and a property test
 * over random paths of intents, partial or no fills (fees in quote, base or BNB), cancels and
 * closes — conservation exact to 1e-9 after every step, and every bucket equal to a model
 * rebuilt from the positions alone.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PermanentError } from '../../../lib/errors.js';
import { money } from '../../../lib/core/money.js';
import {
  applyDelta,
  bookCost,
  closeDelta,
  conservationDrift,
  drawdownHalt,
  equity,
  newBook,
  reserveDelta,
  settleDelta,
  utcDay,
  type LiveBook,
} from '../../../lib/core/live/live-ledger.js';

describe('live ledger: worked examples', () => {
  it('a 30 % fill releases the unfilled 70 % of the stake exactly', () => {
    let b = applyDelta(newBook(200), reserveDelta(20));
    assert.deepEqual(b, { start: 200, available: 180, reserved: 20, invested: 0, realised: 0, fees: 0, openCount: 1, peakEquity: 200 });
    // 30 % of 0.2 at 100: cost 6, fee 0.0002 BTC = 0.02 USDT taken in base.
    b = applyDelta(b, settleDelta({ stake: 20, filled: 0.06, cost: 6, fee: 0.006, feeFromBase: 0.006 }));
    assert.deepEqual(b, { start: 200, available: 194, reserved: 0, invested: 5.994, realised: 0, fees: 0.006, openCount: 1, peakEquity: 200 });
    assert.equal(conservationDrift(b), 0);
  });

  it('a close books gross, fees and net PnL, and raises the peak', () => {
    let b = applyDelta(newBook(100), reserveDelta(10));
    b = applyDelta(b, settleDelta({ stake: 10, filled: 0.1, cost: 10, fee: 0.01, feeFromBase: 0 }));
    const booked = closeDelta({ bookCost: bookCost({ cost: 10, feeFromBase: 0 }), entryFee: 0.01, proceeds: 11, exitFee: 0.011 });
    assert.deepEqual(booked, { gross: 1, pnl: 0.979, delta: { available: 10.989, reserved: 0, invested: -10, realised: 1, fees: 0.011, openCount: -1 } });
    b = applyDelta(b, booked.delta, true);
    assert.deepEqual(b, { start: 100, available: 100.979, reserved: 0, invested: 0, realised: 1, fees: 0.021, openCount: 0, peakEquity: 100.979 });
    assert.equal(equity(b), 100.979);
  });

  it('an entry that never filled returns the whole stake and its slot', () => {
    const b = applyDelta(applyDelta(newBook(50), reserveDelta(20)), settleDelta({ stake: 20, filled: 0, cost: 0, fee: 0, feeFromBase: 0 }));
    assert.deepEqual(b, newBook(50));
    assert.throws(() => settleDelta({ stake: 20, filled: 0, cost: 1, fee: 0, feeFromBase: 0 }), (e: unknown) => e instanceof PermanentError && e.code === 'BAD_LIVE_AMOUNT');
  });

  it('drawdown: halted strictly below peak × (1 − max)', () => {
    assert.equal(drawdownHalt(150, 200, 0.25), undefined);
    assert.equal(drawdownHalt(149.9, 200, 0.25), 'drawdown 25.05% > 25% (equity 149.9, peak 200)');
    assert.equal(drawdownHalt(10, 200, 0), undefined);
  });

  it('refuses negative or non-finite amounts and a base fee above the fee', () => {
    const bad = (f: () => unknown) => assert.throws(f, (e: unknown) => e instanceof PermanentError && e.code === 'BAD_LIVE_AMOUNT');
    bad(() => reserveDelta(0));
    bad(() => reserveDelta(Number.NaN));
    bad(() => settleDelta({ stake: 1, filled: 1, cost: 1, fee: 0.1, feeFromBase: 0.2 }));
    bad(() => closeDelta({ bookCost: 1, entryFee: 0, proceeds: -1, exitFee: 0 }));
    assert.equal(utcDay(Date.UTC(2026, 11, 6, 23, 59)), '2026-12-06');
  });
});

type Slot = { kind: 'intent'; stake: number } | { kind: 'open'; book: number; entryFee: number };

const step = fc.oneof(
  fc.record({ kind: fc.constant('intent' as const), slot: fc.integer({ min: 0, max: 5 }), stake: fc.double({ min: 0.5, max: 80, noNaN: true }) }),
  fc.record({
    kind: fc.constant('settle' as const),
    slot: fc.integer({ min: 0, max: 5 }),
    // 0: cancelled unfilled; else the filled share of the stake (a 30 % partial among them).
    share: fc.oneof(fc.constant(0), fc.constant(0.3), fc.constant(1), fc.double({ min: 0.0001, max: 1, noNaN: true })),
    feeIn: fc.constantFrom('quote', 'base', 'bnb'),
    feeRate: fc.double({ min: 0, max: 0.002, noNaN: true }),
    price: fc.double({ min: 0.0001, max: 100_000, noNaN: true }),
  }),
  fc.record({ kind: fc.constant('close' as const), slot: fc.integer({ min: 0, max: 5 }), move: fc.double({ min: -0.9, max: 2, noNaN: true }), feeRate: fc.double({ min: 0, max: 0.002, noNaN: true }) }),
);

describe('live ledger: property', () => {
  it('random intents, partial fills, cancels and closes conserve the budget to 1e-9 after every step', () => {
    fc.assert(
      fc.property(fc.double({ min: 10, max: 10_000, noNaN: true }), fc.array(step, { minLength: 1, maxLength: 40 }), (start, steps) => {
        let b: LiveBook = newBook(start);
        const slots = new Map<number, Slot>();
        let closedPnl = 0;
        let openEntryFees = 0;
        for (const s of steps) {
          const slot = slots.get(s.slot);
          if (s.kind === 'intent') {
            const stake = money(s.stake);
            if (slot || stake > b.available) continue;
            b = applyDelta(b, reserveDelta(stake));
            slots.set(s.slot, { kind: 'intent', stake });
          } else if (s.kind === 'settle') {
            if (slot?.kind !== 'intent') continue;
            const cost = money(slot.stake * s.share);
            const filled = cost > 0 ? cost / s.price : 0;
            const fee = money(cost * s.feeRate);
            const feeFromBase = s.feeIn === 'base' ? fee : 0;
            const filledNow = cost > 0 ? filled : 0;
            b = applyDelta(b, settleDelta({ stake: slot.stake, filled: filledNow, cost, fee, feeFromBase }));
            if (filledNow > 0) {
              slots.set(s.slot, { kind: 'open', book: bookCost({ cost, feeFromBase }), entryFee: fee });
              openEntryFees = money(openEntryFees + fee);
            } else slots.delete(s.slot);
          } else {
            if (slot?.kind !== 'open') continue;
            const proceeds = money(slot.book * (1 + s.move));
            const booked = closeDelta({ bookCost: slot.book, entryFee: slot.entryFee, proceeds, exitFee: money(proceeds * s.feeRate) });
            const before = b;
            b = applyDelta(b, booked.delta, true);
            assert.ok(b.peakEquity >= before.peakEquity && b.peakEquity >= equity(b));
            closedPnl = money(closedPnl + booked.pnl);
            openEntryFees = money(openEntryFees - slot.entryFee);
            slots.delete(s.slot);
          }
          // Conservation, exact on the grid.
          assert.ok(Math.abs(conservationDrift(b)) <= 1e-9, `drift ${conservationDrift(b)} after ${JSON.stringify(s)}`);
          // Every bucket equals the model rebuilt from the slots.
          const held = [...slots.values()];
          assert.equal(b.reserved, money(held.reduce((sum, h) => sum + (h.kind === 'intent' ? h.stake : 0), 0)));
          assert.ok(Math.abs(b.invested - held.reduce((sum, h) => sum + (h.kind === 'open' ? h.book : 0), 0)) <= 1e-9);
          assert.equal(b.openCount, held.length);
          // The net result is the closed PnL less the entry fees of what is still open.
          assert.ok(Math.abs(equity(b) - (money(start) + closedPnl - openEntryFees)) <= 1e-9, `equity ${equity(b)} vs pnl ${closedPnl}`);
        }
      }),
      { numRuns: 500 },
    );
  });
});
