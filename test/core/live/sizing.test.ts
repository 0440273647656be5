import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PermanentError } from '../../../lib/errors.js';
import { amountToStep, priceToTick, sizeEntry, sizeOrder, stepDecimals, type MarketFilters } from '../../../lib/core/live/sizing.js';

const BTC: MarketFilters = { amountStep: 0.00001, priceTick: 0.01, minAmount: 0.00001, minNotional: 5, maxAmount: 9000 };

describe('sizing to the market filters', () => {
  it('amount down to the step, price to the tick, without float noise', () => {
    assert.equal(stepDecimals(0.00001), 5);
    assert.equal(stepDecimals(1e-8), 8);
    assert.equal(stepDecimals(0.25), 2);
    assert.equal(stepDecimals(10), 0);
    assert.equal(amountToStep(0.123456789, 0.00001), 0.12345);
    assert.equal(amountToStep(0.3, 0.1), 0.3); // 0.3 / 0.1 = 2.9999999999999996 is a whole step
    assert.equal(priceToTick(100.005, 0.01, 'down'), 100);
    assert.equal(priceToTick(100.006, 0.01), 100.01);
    assert.equal(priceToTick(100.001, 0.01, 'up'), 100.01);
    assert.equal(priceToTick(101.3, 0.5), 101.5);
  });

  it('property: the amount is a multiple of the step, at most the asked amount and less than one step below it', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-4, max: 1e4, noNaN: true }), fc.constantFrom(1, 0.1, 0.001, 0.00001, 1e-8), (amount, step) => {
        const a = amountToStep(amount, step);
        assert.ok(a <= amount * (1 + 1e-12), `${a} > ${amount}`);
        assert.ok(amount - a < step * (1 + 1e-9), `${amount} − ${a} ≥ ${step}`);
        const n = a / step;
        assert.ok(Math.abs(n - Math.round(n)) < 1e-6 + n * 1e-14, `${a} is not a multiple of ${step}`);
      }),
    );
  });

  it('refuses below the minimum amount, below the minimum notional and above the maximum amount, with the numbers', () => {
    assert.deepEqual(sizeOrder(0.000004, 100_000, BTC), { ok: false, reason: 'zero-amount', detail: 'amount 0.000004 at step 0.00001 and price 100000 at tick 0.01 leave nothing to trade' });
    assert.deepEqual(sizeOrder(0.00004, 100_000, { ...BTC, minAmount: 0.0001 }), { ok: false, reason: 'min-amount', detail: 'amount 0.00004 < minimum amount 0.0001' });
    assert.deepEqual(sizeOrder(0.00004, 100_000, BTC), { ok: false, reason: 'min-notional', detail: 'notional 0.00004 × 100000 = 4 < minimum notional 5' });
    assert.deepEqual(sizeOrder(9001, 1, BTC), { ok: false, reason: 'max-amount', detail: 'amount 9001 > maximum amount 9000' });
    assert.deepEqual(sizeOrder(0.00005, 100_000, BTC), { ok: true, amount: 0.00005, price: 100_000, notional: 5 });
  });

  it('an entry spends at most its stake (with a fee reserve) at the tick-rounded limit', () => {
    const sized = sizeEntry(20, 64_123.456, BTC);
    assert.deepEqual(sized, { ok: true, amount: 0.00031, price: 64_123.46, notional: 19.8782726 });
    const reserved = sizeEntry(20, 100, { ...BTC, minNotional: 0 }, 0.001);
    assert.ok(reserved.ok && reserved.amount === 0.1998 && reserved.amount * reserved.price * 1.001 <= 20);
    assert.deepEqual(sizeEntry(20, 100_000, { ...BTC, amountStep: 0.001, minAmount: 0.001 }), { ok: false, reason: 'min-amount', detail: 'stake 20 buys less than one amount step 0.001 at 100000' });
  });

  it('non-finite inputs are errors, not sizes', () => {
    const bad = (f: () => unknown) => assert.throws(f, (e: unknown) => e instanceof PermanentError && e.code === 'BAD_SIZING');
    bad(() => sizeOrder(Number.NaN, 1, BTC));
    bad(() => sizeOrder(1, 1, { ...BTC, amountStep: 0 }));
    bad(() => sizeEntry(-1, 1, BTC));
    bad(() => sizeEntry(1, 1, BTC, 1));
  });
});
