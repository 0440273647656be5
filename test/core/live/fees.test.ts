import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError } from '../../../lib/errors.js';
import { addFills, feeInQuote, heldAmount, NO_FILLS, type FillLike } from '../../../lib/core/live/fees.js';

const market = { base: 'BTC', quote: 'USDT', rates: { BNB: 600 } };
const fill = (tradeId: string, amount: number, price: number, fee: number, currency: string): FillLike => ({ tradeId, amount, price, cost: amount * price, fee: { cost: fee, currency } });

describe('fees in quote from the fills', () => {
  it('quote as is, base × the fill price, another asset × its rate', () => {
    assert.deepEqual(feeInQuote(fill('1', 0.1, 50_000, 5, 'USDT'), market), { fee: 5, feeFromBase: 0, baseFee: 0 });
    assert.deepEqual(feeInQuote(fill('2', 0.1, 50_000, 0.0001, 'BTC'), market), { fee: 5, feeFromBase: 5, baseFee: 0.0001 });
    assert.deepEqual(feeInQuote(fill('3', 0.1, 50_000, 0.00625, 'BNB'), market), { fee: 3.75, feeFromBase: 0, baseFee: 0 });
  });

  it('a fee in an asset with no rate is an error, never 0 (a zero fee needs no rate)', () => {
    assert.throws(
      () => feeInQuote(fill('4', 0.1, 50_000, 0.01, 'ETH'), market),
      (e: unknown) => e instanceof PermanentError && e.code === 'FEE_RATE_MISSING' && /0\.01 ETH has no ETH\/USDT rate/.test(e.message),
    );
    assert.throws(() => feeInQuote(fill('5', 0.1, 50_000, 0.01, 'BNB'), { ...market, rates: { BNB: 0 } }), (e: unknown) => e instanceof PermanentError && e.code === 'FEE_RATE_MISSING');
    assert.deepEqual(feeInQuote(fill('6', 0.1, 50_000, 0, 'ETH'), market), { fee: 0, feeFromBase: 0, baseFee: 0 });
  });

  it('a negative or non-finite fee or amount is refused', () => {
    assert.throws(() => feeInQuote(fill('7', 0.1, 50_000, -1, 'USDT'), market), (e: unknown) => e instanceof PermanentError && e.code === 'BAD_FILL');
    assert.throws(() => addFills(NO_FILLS, [fill('8', Number.NaN, 50_000, 0, 'USDT')], market), (e: unknown) => e instanceof PermanentError && e.code === 'BAD_FILL');
  });

  it('totals count each trade id once, on the money grid', () => {
    const a = fill('t1', 0.03, 100.1, 0.00003, 'BTC');
    const b = fill('t2', 0.07, 100.2, 0.007014, 'USDT');
    const once = addFills(NO_FILLS, [a], market);
    const twice = addFills(once, [a, b], market);
    assert.deepEqual(twice, { filled: 0.1, cost: 10.017, fee: 0.010017, feeFromBase: 0.003003, baseFee: 0.00003, tradeIds: ['t1', 't2'] });
    assert.deepEqual(addFills(twice, [b, a], market), twice);
    assert.equal(heldAmount(twice), 0.09997);
  });
});
