/**
 * The market-data commands end to end: the real webhook handler (functions/webhook.ts, the bot
 * as assembled by lib/bot) against DynamoDB Local and the fake Bot API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toSignal } from '../../lib/core/signal.js';
import { createDynamoSignalStore } from '../../lib/store/signals/signal-store.js';
import { outcome, startHarness, type Harness } from '../webhook/harness.js';

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] } | undefined;
const buttons = (markup: unknown) => ((markup as Keyboard)?.inline_keyboard ?? []).flat().map((b) => b.callback_data);
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 1);

describe('market-data commands through the webhook (fake Bot API, DynamoDB Local)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('/signals 50 pages through every signal with the ◂ ▸ buttons', async () => {
    const store = createDynamoSignalStore({ client: h.res.doc, table: h.res.env.SIGNALS_TABLE, leaseMs: 60_000, ttlDays: 90 });
    for (let i = 0; i < 55; i++) {
      const signal = toSignal(
        { strategy: 'ema-cross', exchange: 'binance', symbol: i % 2 ? 'BTC/USDT' : 'ETH/USDT', timeframe: '1h' },
        { side: 'long', index: 99, candleTime: T0 + i * HOUR, entry: 1000 + i, stop: 990 + i, target: 1020 + i, indicators: { atr: 2 } },
      );
      assert.equal((await store.record(signal, [], T0 + (i + 1) * HOUR)).status, 'recorded');
    }
    const chat = 7001;
    assert.equal(outcome(await h.send(h.text(chat, '/signals 50'))), 'handled');
    const sent = h.fake.delivered(chat).at(-1)!;
    assert.match(sent.text!, /^<b>Last 50 signals<\/b>/);
    assert.match(sent.text!, /<i>page 1\/2<\/i>$/);
    const [next] = buttons(sent.replyMarkup);
    assert.match(next!, /^pg:[A-Za-z0-9_-]{12}:2:signals 50$/);

    await h.send(h.callback(chat, sent.messageId, next!));
    const page2 = h.fake.messages(chat).find((m) => m.messageId === sent.messageId)!.text!;
    assert.match(page2, /<i>page 2\/2<\/i>$/);
    const entries = [sent.text!, page2].flatMap((t) => t.split('\n')).filter((l) => l.startsWith('<code>')).map((l) => /entry (\d+)/.exec(l)![1]);
    assert.deepEqual(entries, Array.from({ length: 50 }, (_, k) => String(1054 - k)), 'newest first, each once');
  });

  it('bad arguments get the command\'s own explanation; /positions with none open says so', async () => {
    const chat = 7002;
    for (const text of ['/signals 0', '/signals abc', '/pnl 1y', '/chart NOPE/USDT', '/chart BTC/USDT 2d', '/positions']) {
      assert.equal(outcome(await h.send(h.text(chat, text))), 'handled', text);
    }
    const replies = h.texts(chat);
    assert.equal(replies.length, 6);
    assert.match(replies[0]!, /whole number from 1 to 50/);
    assert.match(replies[1]!, /whole number from 1 to 50 \(got "abc"\)/);
    assert.match(replies[2]!, /Unknown period "1y"/);
    assert.match(replies[3]!, /NOPE\/USDT is not a market the bot scans/);
    assert.match(replies[4]!, /Unknown timeframe "2d" for BTC\/USDT: use one of 15m, 1h, 4h/);
    assert.equal(replies[5], 'No open positions.');
  });
});
