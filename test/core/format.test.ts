/** The one number-formatting module: prices, amounts with currency, signed percentages, stake defaults; and the message texts that use it. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultStake, formatAmount, formatPercent, formatPrice, formatPriceDecimals, PRICE_DIGITS, quoteCurrency } from '../../lib/core/format.js';
import { renderPositionClosedText, renderPositionOpenedText } from '../../lib/core/message.js';

describe('format', () => {
  it('prices: 6 significant digits, plain decimals, never exponent notation, no trailing zeros', () => {
    assert.equal(PRICE_DIGITS, 6);
    assert.equal(formatPrice(0.00003681), '0.00003681');
    assert.equal(formatPrice(3.68100e-5), '0.00003681');
    assert.equal(formatPrice(0.000036834767), '0.0000368348');
    assert.equal(formatPrice(0.0123456789), '0.0123457');
    assert.equal(formatPrice(43251.54), '43251.5');
    assert.equal(formatPrice(123456789), '123456789');
    assert.equal(formatPrice(-0.5), '-0.5');
    assert.equal(formatPrice(0), '0');
    assert.equal(formatPrice(1e-12), '0.000000000001');
    assert.equal(formatPrice(1e22), '10000000000000000000000');
    assert.equal(formatPrice(-1e-30, 6), '-0.000000000000000000000000000001');
    for (let k = -30; k <= 25; k++) for (const m of [1, 3.681, 9.99999]) assert.doesNotMatch(formatPrice(m * 10 ** k), /e/i, `${m}e${k}`);
    assert.equal(formatPriceDecimals(0.000036, 8), '0.00003600');
  });

  it('amounts name the quote currency; percentages carry a sign', () => {
    assert.equal(quoteCurrency('ETH/BTC'), 'BTC');
    assert.equal(quoteCurrency('BTC/USDT:USDT'), 'USDT');
    assert.equal(quoteCurrency('BTCUSDT'), '');
    assert.equal(formatAmount(12.3456789, 'USDT'), '12.3457 USDT');
    assert.equal(formatAmount(0.000123, 'BTC'), '0.000123 BTC');
    assert.equal(formatAmount(0.0012, 'BTC', { sign: true }), '+0.0012 BTC');
    assert.equal(formatAmount(-0.0012, 'BTC', { sign: true }), '-0.0012 BTC');
    assert.equal(formatAmount(5, ''), '5');
    assert.equal(formatPercent(0.0123), '+1.23%');
    assert.equal(formatPercent(-0.5), '-50.00%');
    assert.equal(formatPercent(0), '0.00%');
    assert.equal(formatPercent(-0.00001), '0.00%');
  });

  it('default stake by quote currency (≈ 100 USD); none for unknown currencies', () => {
    assert.equal(defaultStake('USDT'), 100);
    assert.equal(defaultStake('BTC'), 0.001);
    assert.equal(defaultStake('ETH'), 0.03);
    assert.equal(defaultStake('XYZ'), undefined);
    assert.equal(defaultStake('constructor'), undefined);
  });

  it('paper-position messages: one digit rule for prices, the currency on amounts, a signed %', () => {
    const base = { strategy: 'ema-cross', exchange: 'binance', symbol: 'XLM/BTC', timeframe: '5m', side: 'long' as const, stake: 0.001, entryTime: 0, entryPrice: 0.000036834767, stop: 0.00003603, target: 0.0000385 };
    const opened = renderPositionOpenedText(base);
    assert.match(opened, /entry <code>0\.0000368348<\/code> .* stake <code>0\.001 BTC<\/code>/);
    assert.match(opened, /stop <code>0\.00003603<\/code> · target <code>0\.0000385<\/code>/);
    const closed = renderPositionClosedText({ ...base, exitTime: 300_000, exitPrice: 0.0000385, exitReason: 'target', pnl: 0.0000449, fees: 0.000002, bars: 3 });
    assert.match(closed, /PnL <code>\+0\.0000449 BTC<\/code> \(\+4\.49%\) · fees <code>0\.000002 BTC<\/code>/);
    assert.doesNotMatch(opened + closed, /\de[-+]?\d/);
  });
});
