/**
 * Hostile callback queries through the real webhook handler (issue 12 item 8): callback_data is
 * whatever the client sends, so a page button must only ever re-run a read-only listing the bot
 * itself produced for that chat. Forged, tampered, foreign and old unsigned data is answered with
 * an empty answerCallbackQuery and changes nothing: no row written (not even a rate-limit row),
 * no message sent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createPageCodec, deriveCallbackKey } from '../../lib/bot/pagination.js';
import { ADMIN_CHAT, outcome, SECRET, startHarness, type Harness } from './harness.js';

/** The key the webhook signs page buttons with (derived from its secret, as lib/runtime/webhook.ts does). */
const KEY = deriveCallbackKey(SECRET, 'webhook-secret');

describe('forged callback queries', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const scan = async (table: string) => (await h.res.doc.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
  const snapshot = async () => {
    const rows = [...(await scan(h.res.env.USERS_TABLE)), ...(await scan(h.res.env.STATE_TABLE)), ...(await scan(h.res.env.POSITIONS_TABLE))];
    return rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  };

  /** Sends every data as a callback on message 1 of the chat; asserts each is refused with an empty answer and nothing changes. */
  async function assertRefused(chat: number, datas: readonly string[]): Promise<void> {
    const rowsBefore = await snapshot();
    const delivered = h.fake.delivered().length;
    const calls = h.fake.calls.length;
    const answers = h.fake.callbackAnswers.length;
    for (const data of datas) {
      const r = await h.send(h.callback(chat, 1, data));
      assert.equal(r.statusCode, 200, data);
      assert.equal(outcome(r), 'ignored', data);
    }
    assert.deepEqual(await snapshot(), rowsBefore, 'no row written, changed or deleted');
    assert.equal(h.fake.delivered().length, delivered, 'no message sent');
    const newAnswers = h.fake.callbackAnswers.slice(answers);
    assert.equal(newAnswers.length, datas.length, 'every query is answered (the client stops its spinner)');
    assert.ok(newAnswers.every((a) => a.text === undefined), `empty answers: ${JSON.stringify(newAnswers)}`);
    const methods = h.fake.calls.slice(calls).map((c) => c.method);
    assert.deepEqual([...new Set(methods)], ['answerCallbackQuery'], `only answerCallbackQuery is called: ${methods.join(', ')}`);
  }

  it('unsigned page data naming a mutating command (subscribe, start, settings, stop, unsubscribe, dashboard) changes nothing', async () => {
    const chat = 8101;
    await h.send(h.text(chat, '/start'));
    await h.send(h.text(chat, '/subscribe ETH/USDT'));
    await assertRefused(chat, [
      'pg:1:subscribe BTC/USDT',
      'pg:1:subscribe all',
      'pg:1:start',
      'pg:1:settings tz UTC',
      'pg:1:settings signals off',
      'pg:1:stop',
      'pg:1:unsubscribe all',
      'pg:1:dashboard',
    ]);
    // Nor for a chat that never sent /start: no registration through a button.
    await assertRefused(8102, ['pg:1:start', 'pg:1:subscribe BTC/USDT']);
    assert.equal(await h.users.get(8102), undefined);
    assert.deepEqual((await h.users.list(chat)).map((s) => s.symbol), ['ETH/USDT']);
  });

  it('unsigned page data naming an admin command, from an admin chat, changes nothing', async () => {
    await assertRefused(ADMIN_CHAT, ['pg:1:pause all', 'pg:1:pause scanning', 'pg:1:resume all', 'pg:1:stats']);
  });

  it('old-style unsigned page buttons of read-only commands, oversized and malformed data are refused too', async () => {
    await assertRefused(8103, [
      'pg:2:list',
      'pg:1:help',
      'pg:2:signals 50',
      'pg:1:',
      'vote:yes',
      '',
      'pg:99999999999999999999:list',
      'pg:1:subscribe BTC/USDT\u0000',
    ]);
    // Over Telegram's 64 bytes the update itself is invalid (dropped with 200, nothing run).
    const rowsBefore = await snapshot();
    assert.equal(outcome(await h.send(h.callback(8103, 1, `pg:1:subscribe ${'A'.repeat(5000)}`))), 'invalid');
    assert.deepEqual(await snapshot(), rowsBefore);
  });

  it('a correctly signed button naming a command outside the read-only allow-list is refused (the allow-list, not only the signature)', async () => {
    const chat = 8104;
    await h.send(h.text(chat, '/start'));
    const sign = (command: string, args: string[], forChat = chat) => createPageCodec(KEY, new Set([command])).encode(forChat, { page: 1, command, args })!;
    await assertRefused(chat, [sign('subscribe', ['BTC/USDT']), sign('settings', ['tz', 'UTC']), sign('stop', []), sign('unsubscribe', ['all']), sign('dashboard', []), sign('chart', ['BTC/USDT'])]);
    await assertRefused(ADMIN_CHAT, [sign('pause', ['all'], ADMIN_CHAT), sign('resume', ['all'], ADMIN_CHAT), sign('stats', [], ADMIN_CHAT)]);
    assert.equal((await h.users.get(chat))?.active, true);
  });

  it('a real page button works only in the chat it was signed for', async () => {
    const codec = createPageCodec(KEY);
    const mine = codec.encode(8105, { page: 1, command: 'help', args: [] })!;
    await assertRefused(8106, [mine, mine.replace(/:1:help$/, ':1:list'), codec.encode(8105, { page: 1, command: 'list', args: [] })!]);
    const r = await h.send(h.callback(8105, 1, mine));
    assert.equal(outcome(r), 'handled', 'the same data in its own chat runs /help');
    assert.match(h.texts(8105).at(-1) ?? '', /candlebot commands/);
  });

  it('never logs the webhook secret, the bot token or the derived key', () => {
    const all = h.logs.join('');
    assert.ok(all.includes('callback query refused'), 'the refusals were logged');
    const tokenSecret = h.fake.token.slice(h.fake.token.indexOf(':') + 1);
    for (const [what, value] of [['secret', SECRET], ['token', h.fake.token], ['token secret', tokenSecret], ['key hex', KEY.toString('hex')], ['key base64', KEY.toString('base64')], ['key base64url', KEY.toString('base64url')]] as const) {
      assert.equal(all.includes(value), false, `${what} in the logs`);
    }
  });
});
