import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatMarketPrice, formatSigned, renderDashboardText, type DashboardPosition } from '../../lib/core/dashboard-text.js';
import { TELEGRAM_TEXT_LIMIT } from '../../lib/core/format.js';
import { parseTelegramHtml } from '../support/fake-telegram/index.js';

const NOW = Date.UTC(2026, 0, 10, 12, 0);
const pos = (over: Partial<DashboardPosition> = {}): DashboardPosition => ({
  strategy: 'ema-cross',
  exchange: 'binance',
  symbol: 'BTC/USDT',
  timeframe: '1h',
  side: 'long',
  stake: 100,
  entryPrice: 43_000.5,
  stop: 42_000,
  target: 45_000,
  ...over,
});

describe('renderDashboardText', () => {
  it('shows the portfolio, each position with its mark, PnL and percent', () => {
    const text = renderDashboardText({
      now: NOW,
      positions: [pos({ mark: { price: 43_430.505, unrealisedPnl: 1, at: NOW } }), pos({ symbol: 'ETH/USDT', side: 'short', stake: 50, entryPrice: 2500, stop: 2600, target: 2300 })],
      truncated: false,
      portfolio: { start: 1000, available: 850, reserved: 150, realisedGross: 12, fees: 2, closedCount: 1 },
    });
    assert.ok(parseTelegramHtml(text).ok);
    assert.match(text, /^<b>📊 candlebot dashboard<\/b> · 2026-01-10 12:00 UTC/);
    assert.match(text, /equity <code>1001<\/code> \(start <code>1000<\/code>\) · available <code>850<\/code>/);
    assert.match(text, /realised PnL <code>\+10<\/code> over 1 trade · unrealised <code>\+1 USDT<\/code>/);
    assert.match(text, /Open positions: 2/);
    assert.match(text, /🟢 <b>BTC\/USDT<\/b> LONG · binance · 1h · <code>ema-cross<\/code>\n   entry <code>43000.5<\/code> → <code>43430.5<\/code> · PnL <code>\+1 USDT<\/code> \(\+1 %\)/);
    assert.match(text, /🔴 <b>ETH\/USDT<\/b> SHORT[\s\S]*entry <code>2500<\/code> · not marked yet/);
    assert.match(text, /stake <code>50 USDT<\/code>/);
  });

  it('the unrealised total names a currency only when every position shares it', () => {
    const mixed = renderDashboardText({ now: NOW, positions: [pos({ mark: { price: 43_430.5, unrealisedPnl: 1, at: NOW } }), pos({ symbol: 'ETH/BTC', stake: 0.01, mark: { price: 0.05, unrealisedPnl: 0.0001, at: NOW } })], truncated: false });
    assert.match(mixed, /^unrealised PnL <code>\+1\.0001<\/code>$/m);
    assert.match(mixed, /PnL <code>\+0\.0001 BTC<\/code>/);
    assert.match(mixed, /stake <code>0\.01 BTC<\/code>/);
  });

  it('escapes every exchange/config string', () => {
    const text = renderDashboardText({ now: NOW, positions: [pos({ symbol: '<b>X</b>', exchange: 'a&b', strategy: '<i>s', timeframe: '1h<' })], truncated: false });
    assert.ok(parseTelegramHtml(text).ok, text);
    assert.match(text, /&lt;b&gt;X&lt;\/b&gt;.*a&amp;b.*1h&lt;.*&lt;i&gt;s/);
  });

  it('uses the market decimals when known', () => {
    const text = renderDashboardText({ now: NOW, positions: [pos({ priceDecimals: 2, entryPrice: 43_000.5, stop: 42_000, mark: { price: 43_100.126, unrealisedPnl: -0.5, at: NOW } })], truncated: false });
    assert.match(text, /entry <code>43000.50<\/code> → <code>43100.13<\/code> · PnL <code>−0.5 USDT<\/code>/);
    assert.match(text, /stop <code>42000.00<\/code>/);
  });

  it('paused switches and no positions', () => {
    const text = renderDashboardText({ now: NOW, positions: [], truncated: false, paused: { scanning: true, trading: false } });
    assert.match(text, /⏸ scanning paused by the admin/);
    assert.match(text, /Open positions: 0<\/b>\nnone$/);
  });

  it('always fits one Telegram message: extra positions are counted, never cut', () => {
    const many = Array.from({ length: 300 }, (_, i) => pos({ symbol: `C${i}/USDT`, strategy: 'bollinger-breakout', mark: { price: 1.23456789, unrealisedPnl: -12.3456, at: NOW } }));
    const text = renderDashboardText({ now: NOW, positions: many, truncated: true });
    assert.ok(text.length <= TELEGRAM_TEXT_LIMIT, `${text.length}`);
    assert.ok(parseTelegramHtml(text).ok);
    const shown = (text.match(/USDT<\/b>/g) ?? []).length;
    assert.ok(shown > 0 && shown <= 25);
    assert.match(text, new RegExp(`… and ${300 - shown}\\+ more$`));
    assert.match(text, /Open positions: 300\+/);
  });

  it('formatSigned and formatMarketPrice', () => {
    assert.equal(formatSigned(1.5), '+1.5');
    assert.equal(formatSigned(-0.25), '−0.25');
    assert.equal(formatSigned(0), '0');
    assert.equal(formatSigned(1e-12), '0');
    assert.equal(formatSigned(Number.NaN), 'NaN');
    assert.equal(formatMarketPrice(0.000123456789), '0.000123457');
    assert.equal(formatMarketPrice(1.005, 0), '1');
    assert.equal(formatMarketPrice(1, 99), '1.000000000000');
  });
});
