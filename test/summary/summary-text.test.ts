import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderDailySummaryText, SUMMARY_MAX_STRATEGIES, type SummaryTrade } from '../../lib/core/summary-text.js';
import { parseTelegramHtml } from '../support/fake-telegram/index.js';

const t = (over: Partial<SummaryTrade> = {}): SummaryTrade => ({ strategy: 'ema-cross', exchange: 'binance', symbol: 'BTC/USDT', side: 'long', pnl: 1, fees: 0.1, stake: 100, ...over });

describe('renderDailySummaryText', () => {
  it('totals, win rate, best and worst trade, per strategy, portfolio', () => {
    const text = renderDailySummaryText({
      date: '2026-01-09',
      trades: [t({ pnl: 8 }), t({ symbol: 'ETH/USDT', side: 'short', pnl: -3, strategy: 'rsi-reversion' }), t({ pnl: 2 }), t({ pnl: 0 })],
      truncated: false,
      portfolio: { start: 1000, available: 900, reserved: 107, openCount: 1 },
    });
    assert.ok(parseTelegramHtml(text).ok);
    assert.match(text, /^<b>🗓 Daily summary 2026-01-09<\/b> \(UTC\)/);
    assert.match(text, /closed trades: 4 · 2 wins \/ 1 loss \(67 % won\)/);
    assert.match(text, /net PnL <code>\+7 USDT<\/code> · fees <code>0.4 USDT<\/code>/);
    assert.match(text, /best BTC\/USDT LONG \(<code>ema-cross<\/code>, binance\) <code>\+8 USDT<\/code>/);
    assert.match(text, /worst ETH\/USDT SHORT \(<code>rsi-reversion<\/code>, binance\) <code>−3 USDT<\/code>/);
    assert.match(text, /<code>ema-cross<\/code>: 3 trades, 2\/0 won\/lost, PnL <code>\+10 USDT<\/code>\n<code>rsi-reversion<\/code>: 1 trade, 0\/1 won\/lost, PnL <code>−3 USDT<\/code>/);
    assert.match(text, /portfolio: cash \+ stakes <code>1007<\/code> \(start <code>1000<\/code>\) · 1 open position$/);
  });

  it('totals name the quote currency only when every trade shares it; each trade names its own', () => {
    const text = renderDailySummaryText({ date: '2026-01-09', trades: [t({ pnl: 2 }), t({ symbol: 'ETH/BTC', pnl: -0.001, fees: 0.0001 })], truncated: false });
    assert.match(text, /net PnL <code>\+1\.999<\/code> · fees <code>[\d.]+<\/code>/);
    assert.match(text, /ETH\/BTC .*<code>−0\.001 BTC<\/code>/);
    assert.match(text, /BTC\/USDT .*<code>\+2 USDT<\/code>/);
  });

  it('a day without trades, and an incomplete list', () => {
    assert.match(renderDailySummaryText({ date: '2026-01-09', trades: [], truncated: false }), /no paper trade closed$/);
    assert.match(renderDailySummaryText({ date: '2026-01-09', trades: [t()], truncated: true }), /closed trades: 1\+/);
  });

  it('escapes strings and bounds the strategy list', () => {
    const trades = Array.from({ length: SUMMARY_MAX_STRATEGIES + 5 }, (_, i) => t({ strategy: `s<${i}>`, symbol: '<X&Y>' }));
    const text = renderDailySummaryText({ date: '2026-01-09', trades, truncated: false });
    assert.ok(parseTelegramHtml(text).ok, text);
    assert.ok(!text.includes('<X&Y>'));
    assert.match(text, /&lt;X&amp;Y&gt;/);
    assert.match(text, /… 5 more strategies, PnL <code>\+5<\/code>/);
  });
});
