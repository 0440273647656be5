/**
 * Local long polling (npm start with a bot token): updates pushed to the fake Bot API go through
 * the same handlers as the webhook; getUpdates failures back off; an active webhook stops it
 * with a clear error; stop() ends it promptly even in the middle of a long poll.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '@aws-lambda-powertools/logger';
import { parse } from 'yaml';
import { createPageCodec, deriveCallbackKey } from '../../lib/bot/pagination.js';
import { startLongPolling } from '../../lib/cli/long-polling.js';
import { parseConfig } from '../../lib/config/load.js';
import { createDynamoUserStore } from '../../lib/store/users/user-store.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram/index.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { configYaml } from '../webhook/harness.js';

async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const text = (chatId: number, t: string) => ({ message: { message_id: 1, date: 0, chat: { id: chatId, type: 'private' }, from: { id: chatId, is_bot: false, first_name: 'T' }, text: t } });

describe('local long polling', () => {
  let res: TestResources;
  let fake: FakeTelegram;
  let env: NodeJS.ProcessEnv;
  const config = parseConfig(parse(configYaml()));
  const logger = new Logger({ serviceName: 'candlebot-test', logLevel: 'SILENT' });
  before(async () => {
    res = await testResources('long-polling');
    fake = await startFakeTelegram({ limits: false });
    env = { ...res.env, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot };
  });
  after(async () => {
    await fake.close();
    res.close();
  });

  it('handles pushed updates with the webhook handlers, skips invalid ones, and stops on abort', async () => {
    const users = createDynamoUserStore({ client: res.doc, table: res.env.USERS_TABLE });
    // The first getUpdates fails: polling backs off and carries on.
    fake.script(({ method, seq }) => (method === 'getUpdates' && seq <= 2 ? { status: 502 } : undefined));
    // A 20 s long poll (a pending poll answers as soon as an update is pushed), so "stop returns
    // promptly" is told apart from "waits for the poll to end" by a bound that holds under load.
    const polling = startLongPolling({ env, config, logger, pollTimeoutS: 20 });
    fake.pushUpdate(text(5001, '/start'));
    fake.pushUpdate({ message: { message_id: 2, text: '/start' } }); // no chat, no date: dropped
    fake.pushUpdate(text(5001, '/subscribe ethusdt ema-cross 1h'));
    fake.pushUpdate({ callback_query: { id: 'q1', from: { id: 5001, is_bot: false, first_name: 'T' }, data: 'nonsense' } });
    await until(() => fake.delivered(5001).length >= 2 && fake.callbackAnswers.length >= 1);
    fake.script(undefined);
    assert.match(fake.delivered(5001)[0]!.text!, /Welcome/);
    assert.match(fake.delivered(5001)[1]!.text!, /Subscribed: ETH\/USDT · ema-cross · 1h/);
    assert.deepEqual((await users.list(5001)).map((s) => s.symbol), ['ETH/USDT']);

    // stop() during a long poll returns promptly.
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    const report = await polling.stop();
    assert.ok(Date.now() - t0 < 10_000, `stop took ${Date.now() - t0} ms (the poll in flight would end at 20 s)`);
    assert.deepEqual(report, { processed: 3, skipped: 1 });
    // Every handled update was confirmed: nothing is handled twice by the next poller.
    const polls = fake.calls.filter((c) => c.method === 'getUpdates').length;
    const next = startLongPolling({ env, config, logger, pollTimeoutS: 1 });
    // Not a fixed sleep: wait until the next poller has asked (and been answered) at least once.
    await until(() => fake.calls.filter((c) => c.method === 'getUpdates').length >= polls + 2);
    await next.stop();
    assert.equal(fake.delivered(5001).length, 2);
  });

  it('without a webhook secret, page buttons are signed with a key from the bot token; forged data changes nothing', async () => {
    const users = createDynamoUserStore({ client: res.doc, table: res.env.USERS_TABLE });
    const chat = 5002;
    const polling = startLongPolling({ env, config, logger, pollTimeoutS: 1 });
    try {
      fake.pushUpdate(text(chat, '/start'));
      await until(() => fake.delivered(chat).length >= 1);
      const welcome = fake.delivered(chat)[0]!.messageId;
      const answers = fake.callbackAnswers.length;
      const callback = (data: string) => ({ callback_query: { id: `q-${data}`, from: { id: chat, is_bot: false, first_name: 'T' }, chat_instance: '1', message: { message_id: welcome, date: 0, chat: { id: chat, type: 'private' } }, data } });
      fake.pushUpdate(callback('pg:1:subscribe BTC/USDT'));
      fake.pushUpdate(callback(createPageCodec(deriveCallbackKey('x'.repeat(32), 'webhook-secret')).encode(chat, { page: 1, command: 'help', args: [] })!));
      fake.pushUpdate(callback(createPageCodec(deriveCallbackKey(fake.token, 'bot-token')).encode(chat, { page: 1, command: 'help', args: [] })!));
      await until(() => fake.callbackAnswers.length >= answers + 3);
      assert.deepEqual(await users.list(chat), [], 'the forged button subscribed nothing');
      assert.deepEqual(fake.callbackAnswers.slice(answers).map((a) => a.text), [undefined, undefined, undefined]);
      // Only the token-signed button ran: /help, shown by editing the message in place.
      await until(() => /candlebot commands/.test(fake.messages(chat).find((m) => m.messageId === welcome)?.text ?? ''));
      assert.equal(fake.delivered(chat).length, 1, 'no new message');
    } finally {
      await polling.stop();
    }
  });

  it('stops with a clear error when a webhook is registered', async () => {
    fake.reset();
    const set = fake.calls.length;
    await fetch(`${fake.apiRoot}/bot${fake.token}/setWebhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://example.com/telegram/webhook' }) });
    assert.ok(fake.calls.length > set);
    const polling = startLongPolling({ env, config, logger, pollTimeoutS: 1 });
    await assert.rejects(polling.done, /A webhook is registered for this bot[\s\S]*webhook:set -- --delete/);
    await polling.stop();
  });
});
