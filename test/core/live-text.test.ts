/** Live-trading texts (lib/core/live-text.ts): venue markers, exact figures, escaping, bounded length. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TELEGRAM_TEXT_LIMIT } from '../../lib/core/format.js';
import {
  clipHtml,
  LIVE_TEXT_CLIP,
  REFUSAL_TEXTS,
  renderLiveAlertText,
  renderLiveOrderCancelledText,
  renderLiveOrderFilledText,
  renderLiveOrderLostText,
  renderLiveOrderPartialText,
  renderLiveOrderPlacedText,
  renderLivePositionClosedText,
  renderLiveRefusedText,
  renderPanicAcceptedText,
  renderPanicReportText,
  renderProtectionFailedText,
  renderProtectionPlacedText,
  tradingMarker,
  venueOf,
  type LiveOrderText,
} from '../../lib/core/live-text.js';

const T = Date.UTC(2026, 11, 6, 12, 0);
const order: LiveOrderText = { venue: 'testnet', exchange: 'binance', symbol: 'BTC/USDT', strategy: 'ema-cross', timeframe: '1h', clientOrderId: 'cbe0abcdef', role: 'entry', side: 'buy', type: 'limit', amount: 0.0004, price: 50100 };
const fill = { filled: 0.00012, cost: 6.012, fee: 0.006012 };
const hostile = '<b>&x</b>';

/** Tags balanced and only Telegram's: a text Telegram's HTML parser accepts. */
function assertWellFormed(html: string): void {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
    assert.ok(['b', 'i', 'code'].includes(m[2]!), `unexpected tag ${m[0]}`);
    if (m[1]) assert.equal(stack.pop(), m[2], `unbalanced ${m[0]} in ${html}`);
    else stack.push(m[2]!);
  }
  assert.deepEqual(stack, []);
  assert.doesNotMatch(html.replace(/<\/?(b|i|code)>/g, ''), /[<>]/);
  assert.doesNotMatch(html, /&(?!amp;|lt;|gt;)/);
}

describe('live texts', () => {
  it('markers: LIVE is real money, TESTNET the sandbox, PAPER for paper; venueOf follows sandbox', () => {
    assert.equal(tradingMarker('live'), '🔴 LIVE');
    assert.equal(tradingMarker('testnet'), '🧪 TESTNET');
    assert.equal(tradingMarker('paper'), '📄 PAPER');
    assert.equal(venueOf(true), 'testnet');
    assert.equal(venueOf(false), 'live');
    assert.ok(renderLiveOrderPlacedText({ ...order, venue: 'live' }).startsWith('<b>🔴 LIVE '));
    assert.ok(renderLiveOrderPlacedText(order).startsWith('<b>🧪 TESTNET '));
  });

  it('order placed / partially filled / filled / cancelled show the exact figures', () => {
    const placed = renderLiveOrderPlacedText({ ...order, stake: 20.04, deadline: T + 15 * 60_000 });
    assert.equal(placed, [
      '<b>🧪 TESTNET 📨 BUY order placed BTC/USDT</b> · binance · 1h · <code>ema-cross</code>',
      'entry order: buy limit 0.0004 BTC at <code>50100</code> · id <code>cbe0abcdef</code>',
      'reserved <code>20.04 USDT</code>',
      'the unfilled rest is cancelled at 2026-12-06 12:15 UTC',
    ].join('\n'));
    const partial = renderLiveOrderPartialText({ ...order, ...fill });
    assert.match(partial, /partially filled BTC\/USDT/);
    assert.match(partial, /filled 0\.00012\/0\.0004 BTC at avg <code>50100<\/code> · cost <code>6\.012 USDT<\/code> · fee <code>0\.006012 USDT<\/code>/);
    const filled = renderLiveOrderFilledText({ ...order, filled: 0.0004, cost: 20.036, fee: 0.02 });
    assert.match(filled, /✅ BUY filled BTC\/USDT/);
    assert.match(filled, /at avg <code>50090<\/code>/);
    const cancelled = renderLiveOrderCancelledText({ ...order, ...fill, reason: 'entry timeout', released: 14.028 });
    assert.match(cancelled, /order cancelled/);
    assert.match(cancelled, /reason: entry timeout/);
    assert.match(cancelled, /released <code>14\.028 USDT<\/code> of the reservation/);
    const none = renderLiveOrderCancelledText({ ...order, filled: 0, cost: 0, fee: 0, reason: 'panic', released: 20.04 });
    assert.match(none, /nothing was filled/);
    const exit = renderLiveOrderFilledText({ ...order, role: 'exit', side: 'sell', type: 'market', price: undefined, filled: 0.0004, cost: 21, fee: 0.021 });
    assert.match(exit, /SELL filled/);
    assert.match(exit, /exit order: sell market 0\.0004 BTC · id/);
  });

  it('refusals say why in words, with the reason code and the numbers', () => {
    const text = renderLiveRefusedText({ venue: 'live', exchange: 'binance', symbol: 'ETH/USDT', side: 'long', reason: 'no-budget', figures: [{ label: 'stake', value: 20 }, { label: 'available', value: 12.5 }, { label: 'open', value: 5, unit: '' }] });
    assert.match(text, /^<b>🔴 LIVE ⛔ LONG not traded ETH\/USDT<\/b> · binance$/m);
    assert.match(text, /reason: not enough of the bot budget is available \(<code>no-budget<\/code>\)/);
    assert.match(text, /stake <code>20 USDT<\/code> · available <code>12\.5 USDT<\/code> · open <code>5<\/code>/);
    const short = renderLiveRefusedText({ venue: 'testnet', exchange: 'binance', symbol: 'ETH/USDT', side: 'short', reason: 'spot-long-only' });
    assert.match(short, /SHORT not traded/);
    assert.match(short, /long only/);
    for (const reason of ['already-open', 'max-open', 'max-stake', 'no-budget', 'daily-loss', 'cooldown', 'halted', 'panic', 'no-budget-row', 'min-amount', 'min-notional', 'max-amount', 'zero-amount']) {
      assert.match(renderLiveRefusedText({ ...order, side: 'long', reason }), new RegExp(`reason: [a-z'].* \\(<code>${reason}</code>\\)`), reason);
      assert.ok(Object.hasOwn(REFUSAL_TEXTS, reason), `${reason} has words`);
    }
    // An unknown reason (and an inherited property name) is shown as given, escaped.
    assert.match(renderLiveRefusedText({ ...order, side: 'long', reason: 'constructor' }), /reason: constructor \(<code>constructor<\/code>\)/);
    assert.match(renderLiveRefusedText({ ...order, side: 'long', reason: hostile }), /reason: &lt;b&gt;&amp;x&lt;\/b&gt;/);
  });

  it('lost order: an admin alert naming the id, the look-ups and what to check', () => {
    const text = renderLiveOrderLostText({ ...order, lookups: 3, submittedAt: T, released: 20.04 });
    assert.match(text, /ALERT: order lost/);
    assert.match(text, /after 3 look-ups \(sent 2026-12-06 12:00 UTC\); it is never re-sent/);
    assert.match(text, /released <code>20\.04 USDT<\/code>/);
    assert.match(text, /Check: the exchange's order history and trades of BTC\/USDT for client order id <code>cbe0abcdef<\/code>/);
  });

  it('protection placed / failed', () => {
    const p = { venue: 'testnet' as const, exchange: 'binance', symbol: 'BTC/USDT', amount: 0.0004, stop: 49000, stopLimit: 48755, target: 52000, clientOrderId: 'cbl0abc' };
    assert.match(renderProtectionPlacedText(p), /sell 0\.0004 BTC: target <code>52000<\/code> · stop <code>49000<\/code> \(limit <code>48755<\/code>\)/);
    assert.match(renderProtectionPlacedText({ ...p, generation: 1 }), /re-placed, #1/);
    const exited = renderProtectionFailedText({ ...p, error: 'ORDER_REJECTED: filter failure', marketExit: true });
    assert.match(exited, /ALERT: protection failed/);
    assert.match(exited, /closed at market/);
    assert.match(renderProtectionFailedText({ ...p, error: 'x', marketExit: false }), /OPEN WITHOUT a stop.*\/panic/);
  });

  it('closed live position: fill prices and fees next to the rule prices, net PnL', () => {
    const text = renderLivePositionClosedText({ venue: 'live', exchange: 'binance', symbol: 'BTC/USDT', strategy: 's', timeframe: '1h', reason: 'stop', qty: 0.0004, avgEntry: 50100, ruleEntry: 50000, exitPrice: 48900, ruleExit: 49000, entryFee: 0.02, exitFee: 0.0196, cost: 20.04, pnl: -0.5196, closedAt: T });
    assert.equal(text, [
      '<b>🔴 LIVE ❌ LONG closed BTC/USDT</b> · binance · 1h · <code>s</code>',
      'exit reason <code>stop</code> at 2026-12-06 12:00 UTC · 0.0004 BTC',
      'entry filled <code>50100</code> · rule <code>50000</code> (+0.20% vs rule)',
      'exit filled <code>48900</code> · rule <code>49000</code> (-0.20% vs rule)',
      'fees <code>0.02 USDT</code> entry + <code>0.0196 USDT</code> exit',
      'PnL <code>-0.5196 USDT</code> (-2.59%) after fees',
    ].join('\n'));
    const win = renderLivePositionClosedText({ venue: 'testnet', exchange: 'binance', symbol: 'BTC/USDT', reason: 'signal', qty: 1, avgEntry: 10, ruleEntry: 10, exitPrice: 11, entryFee: 0, exitFee: 0, cost: 10, pnl: 1, closedAt: T });
    assert.match(win, /✅ LONG closed/);
    assert.match(win, /^exit filled <code>11<\/code>$/m);
    assert.match(win, /PnL <code>\+1 USDT<\/code> \(\+10\.00%\)/);
  });

  it('alert and panic texts', () => {
    const alert = renderLiveAlertText({ venue: 'live', exchange: 'binance', title: 'order adopted', detail: 'cbe0x had no row', code: 'LIVE_ADOPTED', check: 'the order on the exchange' });
    assert.equal(alert, '<b>🔴 LIVE 🚨 ALERT: order adopted</b> · binance\ncbe0x had no row\ncode <code>LIVE_ADOPTED</code>\nCheck: the order on the exchange');
    const accepted = renderPanicAcceptedText({ requestedAt: T, exchanges: [{ venue: 'live', exchange: 'binance' }, { venue: 'testnet', exchange: 'bin2', already: true }] });
    assert.match(accepted, /PANIC requested<\/b> at 2026-12-06 12:00 UTC/);
    assert.match(accepted, /🔴 LIVE binance: requested now\n🧪 TESTNET bin2: already requested earlier/);
    assert.match(accepted, /No new live entry/);
    assert.match(accepted, /within about a minute reconcile cancels every open bot order and sells every open live position/i);
    assert.match(accepted, /\/resume/);
    const done = renderPanicReportText({ venue: 'testnet', exchange: 'binance', cancelled: 10, closed: 10, failed: [], openOrdersLeft: 0, handledAt: T });
    assert.match(done, /PANIC done/);
    assert.match(done, /cancelled 10 orders · closed 10 positions at market/);
    assert.match(done, /bot orders still open: 0/);
    const one = renderPanicReportText({ venue: 'testnet', exchange: 'binance', cancelled: 1, closed: 1, failed: [{ what: 'ETH/USDT', error: 'EXCHANGE_UNAVAILABLE' }], handledAt: T });
    assert.match(one, /PANIC INCOMPLETE/);
    assert.match(one, /cancelled 1 order · closed 1 position /);
    assert.match(one, /• ETH\/USDT: EXCHANGE_UNAVAILABLE\nThe next reconcile run retries them/);
  });

  it('every text escapes hostile strings and stays within one message, with huge inputs', () => {
    const huge = `${hostile}${'&<'.repeat(5000)}`;
    const o: LiveOrderText = { ...order, exchange: huge, symbol: `${huge}/${huge}`, strategy: huge, timeframe: huge, clientOrderId: huge, type: huge };
    const texts = [
      renderLiveOrderPlacedText({ ...o, stake: 1 }),
      renderLiveOrderPartialText({ ...o, ...fill }),
      renderLiveOrderFilledText({ ...o, ...fill }),
      renderLiveOrderCancelledText({ ...o, ...fill, reason: huge, released: 1 }),
      renderLiveRefusedText({ ...o, side: 'long', reason: huge, detail: huge, figures: Array.from({ length: 500 }, () => ({ label: huge, value: 1, unit: huge })) }),
      renderLiveOrderLostText({ ...o, lookups: 3 }),
      renderProtectionPlacedText({ ...o, stop: 1, target: 2, clientOrderId: huge }),
      renderProtectionFailedText({ ...o, stop: 1, target: 2, clientOrderId: huge, error: huge, marketExit: false }),
      renderLivePositionClosedText({ ...o, reason: huge, qty: 1, avgEntry: 1, ruleEntry: 1, exitPrice: 1, entryFee: 0, exitFee: 0, cost: 1, pnl: 0, closedAt: T }),
      renderLiveAlertText({ venue: 'live', exchange: huge, title: huge, detail: huge, check: huge, code: huge }),
      renderPanicAcceptedText({ requestedAt: T, exchanges: Array.from({ length: 500 }, () => ({ venue: 'live' as const, exchange: huge })) }),
      renderPanicReportText({ venue: 'live', exchange: huge, cancelled: 0, closed: 0, failed: Array.from({ length: 500 }, () => ({ what: huge, error: huge })), handledAt: T }),
    ];
    for (const text of texts) {
      assert.ok(text.length <= TELEGRAM_TEXT_LIMIT, `${text.length} characters: ${text.slice(0, 80)}`);
      assertWellFormed(text);
      assert.doesNotMatch(text, /<b>&x/);
    }
    assert.match(texts[11]!, /… and \d+ more/);
    assert.match(texts[10]!, /… and \d+ more/);
    assert.match(renderPanicAcceptedText({ requestedAt: T, exchanges: Array.from({ length: 25 }, (_, i) => ({ venue: 'live' as const, exchange: `x${i}` })) }), /x19: requested now\n… and 5 more/);
    assert.equal(Array.from(clipHtml('x'.repeat(1000))).length, LIVE_TEXT_CLIP);
    assert.equal(clipHtml('a<b'), 'a&lt;b');
  });
});
