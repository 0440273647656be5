/**
 * /panic, /orders, /balance, /resume and /positions with live trading, end to end: the real
 * webhook handler, a config trading live on the binance testnet, LiveTable on DynamoDB Local
 * (rows written through the live store, as the use cases write them) and the fake Bot API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { createActionCodec } from '../../lib/bot/action-buttons.js';
import { deriveCallbackKey } from '../../lib/bot/pagination.js';
import { PANIC_CONFIRM_TTL_MS } from '../../lib/bot/commands/live-panic.js';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import type { IntentCommand, LiveBudget, LiveStore } from '../../lib/ports/live.js';
import { createDynamoLiveStore } from '../../lib/store/live/live-store.js';
import { parseTelegramHtml } from '../support/fake-telegram/index.js';
import { ADMIN_CHAT, MANY_SYMBOLS, outcome, SECRET, startHarness, type Harness } from './harness.js';

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] } | undefined;
const buttons = (markup: unknown) => ((markup as Keyboard)?.inline_keyboard ?? []).flat();
const ACTIONS = createActionCodec(deriveCallbackKey(SECRET, 'webhook-secret'));
const USER = 7101;

/** The harness's config with binance trading live on its testnet. */
export function liveConfigYaml(): string {
  return stringify({
    exchanges: [
      {
        id: 'binance',
        symbols: ['BTC/USDT', 'ETH/USDT', ...MANY_SYMBOLS],
        timeframes: ['1h'],
        trading: { mode: 'live', sandbox: true, budget: 1000, stake: 20, maxOpenPositions: 50, dailyLossLimit: 100 },
      },
    ],
    strategies: [{ name: 'ema-cross' }],
    telegram: { adminChatIds: [ADMIN_CHAT], commands: { perMinute: 600, burst: 100 } },
  });
}

/** A harness whose webhook runs with the live config and, unless `withTable` is false, LIVE_TABLE. */
export async function startLiveHarness(withTable = true): Promise<Harness> {
  const h = await startHarness();
  // The handler reads its env and config on the first request: both are set before it.
  writeFileSync(h.env.CANDLEBOT_CONFIG_PATH!, liveConfigYaml());
  const table = h.res.tables.LiveTable;
  assert.ok(table, 'the local stack creates LiveTable from infra/tables.yml');
  if (withTable) h.env.LIVE_TABLE = table;
  else delete h.env.LIVE_TABLE; // the local stack names every table; this harness plays a webhook deployed without it
  return h;
}

export function intent(symbol: string, now: number, stake = 20): IntentCommand {
  const id = `sig-${symbol.replace('/', '-')}-${now}`;
  return {
    order: { clientOrderId: clientOrderId(id, 'entry'), type: 'limit', amount: 0.001, price: 20_000, stake, deadline: now + 15 * 60_000 },
    position: { positionId: id, signalId: id, exchange: 'binance', symbol, strategy: 'ema-cross', timeframe: '1h', ruleEntry: 19_990, ruleStop: 19_000, ruleTarget: 22_000, recipients: [ADMIN_CHAT] },
    limits: { maxOpenPositions: 50, maxStake: 20, dailyLossLimit: 100 },
    now,
  };
}

describe('live commands through the webhook', () => {
  let h: Harness;
  let store: LiveStore;
  before(async () => {
    h = await startLiveHarness();
    store = createDynamoLiveStore({ client: h.res.doc, table: h.res.tables.LiveTable! });
  });
  after(() => h.close());

  async function ask(chat: number, text: string): Promise<string[]> {
    const from = h.texts(chat).length;
    const r = await h.send(h.text(chat, text));
    assert.equal(r.statusCode, 200, String(r.body));
    const replies = h.texts(chat, from);
    for (const reply of replies) assert.ok(parseTelegramHtml(reply).ok, `valid Telegram HTML: ${reply}`);
    return replies;
  }
  const one = async (chat: number, text: string): Promise<string> => {
    const replies = await ask(chat, text);
    assert.equal(replies.length, 1, `${text} → ${JSON.stringify(replies)}`);
    return replies[0]!;
  };
  const budget = async (): Promise<LiveBudget | undefined> => {
    const read = await store.getBudget('binance');
    assert.ok(read === undefined || read.ok, JSON.stringify(read));
    return read?.ok ? read.value : undefined;
  };
  /** Presses a button on message `messageId`; the message's text afterwards. */
  async function press(chat: number, messageId: number, data: string): Promise<{ outcome: unknown; text: string | undefined; markup: unknown }> {
    const r = await h.send(h.callback(chat, messageId, data));
    assert.equal(r.statusCode, 200, String(r.body));
    const message = h.fake.messages(chat).find((m) => m.messageId === messageId);
    return { outcome: outcome(r), text: message?.text, markup: message?.replyMarkup };
  }

  it('the live commands are refused to a chat that is not an admin, even with a signed confirmation, and nothing is written', async () => {
    for (const cmd of ['/panic', '/orders', '/balance']) assert.match(await one(USER, cmd), /is for admins only/, cmd);
    const forgedForUser = ACTIONS.encode(USER, { command: 'panic', action: 'confirm', issuedAt: Date.now() })!;
    await one(USER, '/help');
    const messageId = h.fake.messages(USER).at(-1)!.messageId;
    const from = h.texts(USER).length;
    await press(USER, messageId, forgedForUser);
    assert.deepEqual(h.texts(USER, from).map((t) => /is for admins only/.test(t)), [true]);
    assert.equal(await budget(), undefined, 'no budget row, no panic');
  });

  it('/orders lists in-flight and recent orders per live exchange, marked TESTNET, paginated', async () => {
    const now = Date.now();
    await store.ensureBudget('binance', 'USDT', 1000, now);
    assert.equal((await one(ADMIN_CHAT, '/orders')).includes('in flight: 0'), true);
    const symbols = MANY_SYMBOLS.slice(0, 40);
    for (const s of symbols) assert.equal((await store.recordIntent(intent(s, now))).status, 'created', s);
    // One entry filled (final: listed as recent), one partially filled.
    const first = intent(symbols[0]!, now);
    await store.advanceOrder({ clientOrderId: first.order.clientOrderId, version: 1, from: 'intent', to: 'submitted', submittedAt: now, now });
    const fills = { filled: 0.001, cost: 20, fee: 0.02, feeFromBase: 0, baseFee: 0, tradeIds: ['t1'] };
    assert.equal((await store.settleEntry({ clientOrderId: first.order.clientOrderId, version: 2, from: 'submitted', to: 'filled', fills, stop: 19_000, target: 22_000, now })).status, 'settled');
    const second = intent(symbols[1]!, now);
    await store.advanceOrder({ clientOrderId: second.order.clientOrderId, version: 1, from: 'intent', to: 'partially-filled', fills: { ...fills, filled: 0.0004, cost: 8, fee: 0.008 }, exchangeOrderId: '77', now });

    const replies = await ask(ADMIN_CHAT, '/orders');
    assert.equal(replies.length, 1, 'one message with page buttons');
    const page1 = replies[0]!;
    assert.match(page1, /^<b>Live orders<\/b> · 40 listed\n<b>🧪 TESTNET binance<\/b> — in flight: 39/);
    assert.match(page1, /<i>page 1\/\d<\/i>$/);
    const sent = h.fake.messages(ADMIN_CHAT).at(-1)!;
    const next = buttons(sent.replyMarkup).find((b) => b.text.endsWith('▸'));
    assert.ok(next && next.callback_data.startsWith('pg:'), JSON.stringify(sent.replyMarkup));
    // Every page, followed with ▸, until the recent (final) orders.
    let text = page1;
    let markup = sent.replyMarkup;
    const all = [page1];
    for (let i = 0; i < 5; i++) {
      const more = buttons(markup).find((b) => b.text.endsWith('▸'));
      if (!more) break;
      ({ text, markup } = (await press(ADMIN_CHAT, sent.messageId, more.callback_data)) as { text: string; markup: unknown });
      all.push(text);
    }
    assert.ok(all.length > 1, 'several pages');
    const joined = all.join('\n');
    for (const s of symbols.slice(1)) assert.ok(joined.includes(`${s} @`), `${s} listed`);
    assert.match(joined, /◐ <b>partially-filled<\/b> entry buy 0\.001 S01\/USDT @ <code>20000<\/code> · filled 0\.0004 \(avg <code>20000<\/code>, fee 0\.008 USDT\) · (\d+m )?\d+s ago\n {3}<code>cbe0/);
    assert.match(joined, /📝 <b>intent<\/b> entry buy 0\.001 S02\/USDT @ <code>20000<\/code> · (\d+m )?\d+s ago/);
    assert.match(joined, /<i>recent \(newest first, at most 30\):<\/i>/);
    assert.match(joined, /✅ <b>filled<\/b> entry buy 0\.001 S00\/USDT @ <code>20000<\/code> · filled 0\.001 \(avg <code>20000<\/code>, fee 0\.02 USDT\)/);
    assert.ok(joined.indexOf('S00/USDT @') > joined.indexOf('<i>recent'), 'the filled order is listed among the recent ones');
    assert.match(joined, new RegExp(`<code>${first.order.clientOrderId}</code>`));
  });

  it('/balance shows the budget, open live positions, balances with their age, and the halt/panic state', async () => {
    const now = Date.now();
    const text = (await ask(ADMIN_CHAT, '/balance')).join('\n');
    assert.match(text, /<b>Live balance<\/b>\n<b>🧪 TESTNET binance<\/b>\n▶️ trading/);
    // 40 entries reserved 20 each; one filled for 20 + 0.02 fee.
    assert.match(text, /start <code>1000 USDT<\/code> · equity <code>999\.98 USDT<\/code> \(peak <code>1000 USDT<\/code>\)/);
    assert.match(text, /available <code>199\.98 USDT<\/code> · reserved <code>780 USDT<\/code> · invested <code>20 USDT<\/code>/);
    assert.match(text, /realised <code>0 USDT<\/code> · fees <code>0\.02 USDT<\/code> · open 40/);
    assert.match(text, /exchange balances: not recorded yet/);
    assert.match(text, /open live positions: 40/);
    assert.match(text, /• open LONG S00\/USDT 0\.001 @ <code>20000<\/code> \(rule 19990\) · stop <code>19000<\/code> · target <code>22000<\/code> · no protection yet · <code>ema-cross<\/code> 1h\n/);
    assert.match(text, /• opening LONG S01\/USDT: entry order in flight · rule entry <code>19990<\/code> · stop <code>19000<\/code> · target <code>22000<\/code> · <code>ema-cross<\/code> 1h\n/);
    await store.recordBalances('binance', { USDT: { free: 9000, used: 780, total: 9780 }, BTC: { free: 1, used: 0, total: 1 }, ETH: { free: 0, used: 0, total: 0 } }, now - 120_000);
    const seen = (await ask(ADMIN_CHAT, '/balance')).join('\n');
    assert.match(seen, /exchange balances, seen [2-9]m \d+s ago: USDT <code>9780<\/code> \(free 9000, in orders 780\) · BTC <code>1<\/code>\n/);
    assert.doesNotMatch(seen, /ETH <code>/, 'zero balances are left out');
  });

  it('/panic asks to confirm with a button; an expired or forged button does nothing', async () => {
    const ask1 = await one(ADMIN_CHAT, '/panic');
    assert.match(ask1, /PANIC: stop live trading\?<\/b>\n🧪 TESTNET binance\n/);
    assert.match(ask1, /within 10 minutes/);
    const sent = h.fake.messages(ADMIN_CHAT).at(-1)!;
    const [button] = buttons(sent.replyMarkup);
    assert.equal(button?.text, 'Confirm panic');
    assert.match(button!.callback_data, /^ac:/);
    assert.equal((await budget())?.panic, undefined, 'asking writes nothing');

    const old = ACTIONS.encode(ADMIN_CHAT, { command: 'panic', action: 'confirm', issuedAt: Date.now() - PANIC_CONFIRM_TTL_MS - 60_000 })!;
    const expired = await press(ADMIN_CHAT, sent.messageId, old);
    assert.match(expired.text ?? '', /expired: nothing was done/);
    assert.deepEqual(buttons(expired.markup), [], 'the button is removed');
    const answers = h.fake.callbackAnswers.length;
    const forged = await press(ADMIN_CHAT, sent.messageId, button!.callback_data.replace(/^ac:.{4}/, 'ac:AAAA'));
    assert.equal(forged.outcome, 'ignored');
    assert.equal(h.fake.callbackAnswers.length, answers + 1);
    assert.equal((await budget())?.panic, undefined);
  });

  it('confirmed, the panic is requested on the budget row at once (new entries refused); a second confirmation is idempotent', async () => {
    await one(ADMIN_CHAT, '/panic');
    const sent = h.fake.messages(ADMIN_CHAT).at(-1)!;
    const data = buttons(sent.replyMarkup)[0]!.callback_data;
    const answers = h.fake.callbackAnswers.length;
    const first = await press(ADMIN_CHAT, sent.messageId, data);
    assert.equal(first.outcome, 'handled');
    assert.equal(h.fake.callbackAnswers.length, answers + 1, 'the press is answered');
    assert.match(first.text ?? '', /PANIC requested<\/b> at .+\n🧪 TESTNET binance: requested now\nNo new live entry is opened from now on\.\nWithin about a minute reconcile cancels every open bot order and sells every open live position at market, then reports here\./);
    assert.deepEqual(buttons(first.markup), []);
    const requested = (await budget())!.panic!;
    assert.equal(requested.by, String(ADMIN_CHAT));
    assert.equal(requested.handledAt, undefined);
    const refused = await store.recordIntent(intent('ETH/USDT', Date.now()));
    assert.deepEqual([refused.status, refused.status === 'refused' ? refused.reason : ''], ['refused', 'panic']);

    const again = await press(ADMIN_CHAT, sent.messageId, data);
    assert.equal(again.outcome, 'handled');
    assert.match(again.text ?? '', /🧪 TESTNET binance: already requested earlier/);
    assert.equal((await budget())!.panic!.requestedAt, requested.requestedAt, 'not requested twice');

    assert.match((await ask(ADMIN_CHAT, '/balance')).join('\n'), /🛑 <b>panic requested<\/b> (\d+m )?\d+s ago: no new entry/);
  });

  it('/resume keeps a pending panic, clears it once reconcile handled it; /positions marks paper and live', async () => {
    assert.match(await one(ADMIN_CHAT, '/pause trading'), /⏸ paper trading paused\nOpen positions are still monitored: stops and targets keep working\.\n🧪 TESTNET binance: no new live entry while paused; open live positions keep their stop and target on the exchange/);
    assert.doesNotMatch(await one(ADMIN_CHAT, '/pause scanning'), /binance/);
    const pending = await one(ADMIN_CHAT, '/resume');
    assert.match(pending, /▶️ paper trading running\n🧪 TESTNET binance: panic still being executed by reconcile: NOT resumed/);
    assert.equal((await budget())!.panic!.handledAt, undefined);
    const requestedAt = (await budget())!.panic!.requestedAt;
    assert.equal(await store.markPanicHandled('binance', requestedAt, 'cancelled 39, closed 1, failed 0', Date.now()), true);
    assert.match((await ask(ADMIN_CHAT, '/balance')).join('\n'), /⏸ <b>halted<\/b> since .+ · panic handled .+ \(cancelled 39, closed 1, failed 0\) — \/resume to trade again/);
    assert.match(await one(ADMIN_CHAT, '/resume trading'), /🧪 TESTNET binance: halt cleared: live entries open again/);
    const cleared = (await budget())!;
    assert.deepEqual([cleared.panic, cleared.halted], [undefined, undefined]);
    assert.match(await one(ADMIN_CHAT, '/resume'), /🧪 TESTNET binance: was not halted/);
    assert.doesNotMatch(await one(ADMIN_CHAT, '/resume scanning'), /binance/, '/resume scanning leaves live trading alone');

    const positions = (await ask(USER, '/positions')).join('\n');
    assert.match(positions, /^📄 PAPER <b>No open paper positions\.<\/b>\n<b>🧪 TESTNET binance<\/b> open live positions: 40/);
    assert.match(positions, /• open LONG S00\/USDT 0\.001 @ <code>20000<\/code>/);
  });

  it('/help and the command menu list /panic, /orders and /balance as admin commands', async () => {
    const help = (await ask(ADMIN_CHAT, '/help')).join('\n');
    for (const name of ['panic', 'orders', 'balance']) assert.match(help, new RegExp(`<b>/${name}</b> \\(admin\\) — `), name);
    assert.doesNotMatch((await ask(USER, '/help')).join('\n'), /\/panic|\/orders|\/balance/);
  });
});

describe('/panic before the first live trade', () => {
  it('creates the budget row from the config with the panic on it, so no entry can open afterwards', async () => {
    const h = await startLiveHarness();
    try {
      const store = createDynamoLiveStore({ client: h.res.doc, table: h.res.tables.LiveTable! });
      assert.equal(await store.getBudget('binance'), undefined);
      await h.send(h.text(ADMIN_CHAT, '/panic'));
      const sent = h.fake.messages(ADMIN_CHAT).at(-1)!;
      const r = await h.send(h.callback(ADMIN_CHAT, sent.messageId, buttons(sent.replyMarkup)[0]!.callback_data));
      assert.equal(outcome(r), 'handled');
      assert.match(h.fake.messages(ADMIN_CHAT).at(-1)!.text ?? '', /🧪 TESTNET binance: requested now/);
      const read = await store.getBudget('binance');
      assert.ok(read?.ok);
      assert.deepEqual([read.value.start, read.value.available, read.value.quote, read.value.panic?.by], [1000, 1000, 'USDT', String(ADMIN_CHAT)]);
      const now = Date.now();
      await store.ensureBudget('binance', 'USDT', 1000, now);
      const refused = await store.recordIntent(intent('BTC/USDT', now));
      assert.deepEqual([refused.status, refused.status === 'refused' ? refused.reason : ''], ['refused', 'panic']);
    } finally {
      await h.close();
    }
  });
});

describe('live commands without a live table, or without a live exchange', () => {
  it('a live config without LIVE_TABLE: every live command says live trading is not configured, and writes nothing', async () => {
    const h = await startLiveHarness(false);
    try {
      for (const cmd of ['/panic', '/orders', '/balance']) {
        const r = await h.send(h.text(ADMIN_CHAT, cmd));
        assert.equal(r.statusCode, 200);
        assert.match(h.texts(ADMIN_CHAT).at(-1)!, /Live trading is not configured here: the config trades live on binance, but the bot has no live table \(LIVE_TABLE is not set for it\)\. Nothing was read or changed\./, cmd);
      }
      await h.send(h.text(ADMIN_CHAT, '/resume'));
      assert.match(h.texts(ADMIN_CHAT).at(-1)!, /paper trading running\nLive trading is not configured here/);
      const store = createDynamoLiveStore({ client: h.res.doc, table: h.res.tables.LiveTable! });
      assert.equal(await store.getBudget('binance'), undefined);
    } finally {
      await h.close();
    }
  });

  it('a paper-only config: the live commands say nothing trades live; /resume and /positions are unchanged', async () => {
    const h = await startHarness();
    try {
      for (const cmd of ['/panic', '/orders', '/balance']) {
        await h.send(h.text(ADMIN_CHAT, cmd));
        assert.match(h.texts(ADMIN_CHAT).at(-1)!, /^No exchange trades live: every exchange is in paper mode/, cmd);
      }
      await h.send(h.text(ADMIN_CHAT, '/resume'));
      assert.equal(h.texts(ADMIN_CHAT).at(-1), '▶️ scanning running\n▶️ paper trading running');
      await h.send(h.text(ADMIN_CHAT, '/positions'));
      assert.equal(h.texts(ADMIN_CHAT).at(-1), 'No open positions.');
    } finally {
      await h.close();
    }
  });
});
