/**
 * /status, /pause, /resume, /stats and /dashboard end to end through the webhook handler
 * (DynamoDB Local, the SQS emulator, the fake Bot API).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoControlStore } from '../../lib/store/state/control-store.js';
import { createDynamoHeartbeatStore } from '../../lib/store/state/heartbeat-store.js';
import { parseTelegramHtml } from '../support/fake-telegram/index.js';
import { ADMIN_CHAT, startHarness, type Harness } from '../webhook/harness.js';

describe('ops commands through the webhook', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const control = () => createDynamoControlStore({ client: h.res.doc, table: h.res.env.STATE_TABLE });

  /** Sends a command from `chat`; every message the bot sent to the chat for it. */
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

  it('/status shows the health report: scans, exchanges, queues, positions, switches', async () => {
    const status = await one(3001, '/status');
    assert.match(status, /candlebot degraded/);
    assert.match(status, /15m: — no scan yet/);
    assert.match(status, /binance: circuit closed/);
    assert.match(status, /queue: 0 waiting, 0 in flight/);
    assert.match(status, /open positions: 0/);
    assert.match(status, /scanning on · trading on/);

    const now = Date.now();
    const heartbeats = createDynamoHeartbeatStore(h.res.doc, h.res.env.STATE_TABLE);
    for (const tf of ['15m', '1h', '4h']) await heartbeats.put({ timeframe: tf, completedAt: now - 60_000, candleTime: now - 960_000, scanned: 3, failed: 0, signalled: 0 });
    assert.match(await one(3001, '/status'), /🟢 <b>candlebot ok<\/b>[\s\S]*15m: last 1m \d+s ago/);

    await h.res.sqs.send(new SendMessageCommand({ QueueUrl: h.res.env.NOTIFY_DLQ_URL, MessageBody: '{}' }));
    assert.match(await one(3001, '/status'), /candlebot degraded[\s\S]*dead-letter queue: 1 waiting, 0 in flight — 1 failed notifications/);
  });

  it('/pause and /resume are refused to a chat that is not an admin, and change nothing', async () => {
    for (const cmd of ['/pause', '/resume trading', '/stats']) {
      const reply = await one(3002, cmd);
      assert.match(reply, /admin/i, `${cmd} → ${reply}`);
    }
    const state = await control().get();
    assert.equal(state.scanningPaused, false);
    assert.equal(state.tradingPaused, false);
  });

  it('an admin pauses and resumes scanning, trading or both (default all); the control row records who', async () => {
    assert.match(await one(ADMIN_CHAT, '/pause trading'), /scanning running[\s\S]*paper trading paused[\s\S]*still monitored/);
    let state = await control().get();
    assert.deepEqual([state.scanningPaused, state.tradingPaused, state.updatedBy], [false, true, ADMIN_CHAT]);
    assert.match(await one(ADMIN_CHAT, '/pause'), /scanning paused\n⏸ paper trading paused/);
    state = await control().get();
    assert.deepEqual([state.scanningPaused, state.tradingPaused], [true, true]);
    assert.match(await one(3001, '/status'), /scanning paused · trading paused/);
    assert.match(await one(ADMIN_CHAT, '/resume scanning'), /scanning running\n⏸ paper trading paused/);
    assert.match(await one(ADMIN_CHAT, '/resume'), /scanning running\n▶️ paper trading running/);
    state = await control().get();
    assert.deepEqual([state.scanningPaused, state.tradingPaused], [false, false]);
  });

  it('/pause with a bad argument answers the usage and changes nothing', async () => {
    const before = await control().get();
    assert.match(await one(ADMIN_CHAT, '/pause everything'), /Usage: \/pause \[scanning\|trading\|all\]/);
    assert.match(await one(ADMIN_CHAT, '/resume scanning trading'), /Usage: \/resume/);
    assert.deepEqual(await control().get(), before);
  });

  it('/stats (admin) counts subscribed chats, subscriptions, dashboards and shows the portfolio and strategies', async () => {
    await one(3010, '/subscribe BTC/USDT');
    await one(3010, '/subscribe all');
    await one(3011, '/subscribe ETH/USDT ema-cross');
    await h.res.doc.send(
      new PutCommand({
        TableName: h.res.env.POSITIONS_TABLE,
        Item: { pk: 'portfolio', sk: 'paper', start: 1000, available: 905, reserved: 100, openCount: 1, closedCount: 2, realisedGross: 6, fees: 1, createdAt: 1 },
      }),
    );
    await h.res.doc.send(
      new PutCommand({
        TableName: h.res.env.POSITIONS_TABLE,
        Item: { pk: 'stats', sk: 'strategy#ema-cross', count: 2, wins: 1, losses: 1, netPnl: 5, grossProfit: 8, grossLoss: -2, fees: 1, peak: 6, maxDrawdown: 1.5, version: 2, updatedAt: 1 },
      }),
    );
    const stats = await one(ADMIN_CHAT, '/stats');
    assert.match(stats, /subscribed chats: 2 · subscriptions: 3 · dashboards: 0/);
    assert.match(stats, /cash \+ stakes <code>1005<\/code> \(start <code>1000<\/code>\) · open 1 · closed 2/);
    assert.match(stats, /realised PnL <code>\+5<\/code>/);
    assert.match(stats, /<code>ema-cross<\/code>: 2 trades, 1\/1 won\/lost, PnL <code>\+5<\/code>, max drawdown <code>1.5<\/code>/);
    assert.match(stats, /<code>rsi-reversion<\/code>: no closed trade/);
  });

  it('/dashboard before /start is refused; after it sends the dashboard, pins it and stores its id', async () => {
    assert.match(await one(3020, '/dashboard'), /Send \/start first/);
    await one(3020, '/start');
    const replies = await ask(3020, '/dashboard');
    assert.equal(replies.length, 2, JSON.stringify(replies));
    assert.match(replies[0]!, /📊 candlebot dashboard[\s\S]*Open positions: 0/);
    assert.match(replies[1]!, /Dashboard pinned/);
    const profile = await h.users.get(3020);
    const dash = h.fake.messages(3020).find((m) => m.messageId === profile?.dashboardMessageId);
    assert.ok(dash, 'the stored id is the dashboard message');
    assert.equal(dash.pinned, true);
    assert.match(dash.text ?? '', /candlebot dashboard/);
    assert.deepEqual(await h.users.dashboards(10), [{ chatId: 3020, messageId: dash.messageId }]);

    // A second /dashboard replaces the stored id with the new message.
    await ask(3020, '/dashboard');
    const again = await h.users.get(3020);
    assert.notEqual(again?.dashboardMessageId, dash.messageId);
    assert.equal(h.fake.messages(3020).find((m) => m.messageId === again?.dashboardMessageId)?.pinned, true);

    assert.match(await one(3020, '/dashboard off'), /Dashboard stopped/);
    assert.equal((await h.users.get(3020))?.dashboardMessageId, undefined);
    assert.deepEqual(await h.users.dashboards(10), []);
    assert.match(await one(3020, '/dashboard off'), /no dashboard/);
    assert.match(await one(3020, '/dashboard now please'), /Usage: \/dashboard/);
  });

  it('/dashboard when pinning is not allowed still stores the dashboard and says why it is not pinned', async () => {
    await one(3021, '/start');
    h.fake.script(({ method }) => (method === 'pinChatMessage' ? { status: 400, description: 'Bad Request: not enough rights to manage pinned messages in the chat' } : undefined));
    try {
      const replies = await ask(3021, '/dashboard');
      assert.equal(replies.length, 2);
      assert.match(replies[1]!, /not pinned \(in a group the bot needs the right to pin messages\)/);
    } finally {
      h.fake.script(undefined);
    }
    const profile = await h.users.get(3021);
    assert.equal(typeof profile?.dashboardMessageId, 'number');
  });
});
