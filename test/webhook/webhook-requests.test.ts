/**
 * The webhook's request handling end to end (functions/webhook.ts with DynamoDB Local and the
 * fake Bot API): the secret, body limits, malformed and foreign updates, retries on transient
 * failures, and that no secret ever reaches the logs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { makeWebhookHandler } from '../../functions/webhook.js';
import { localContext } from '../../lib/aws/lambda-context.js';
import { outcome, SECRET, startHarness, type Harness } from './harness.js';

describe('POST /telegram/webhook requests', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const usersRows = async () => (await h.res.doc.send(new ScanCommand({ TableName: h.res.env.USERS_TABLE }))).Items ?? [];

  it('refuses a forged or missing secret with 401 and changes nothing', async () => {
    const forged = await h.send(h.text(1001, '/start'), { secret: 'forged-secret-forged-secret-0000' });
    assert.equal(forged.statusCode, 401);
    const prefix = await h.send(h.text(1001, '/start'), { secret: SECRET.slice(0, -1) });
    assert.equal(prefix.statusCode, 401);
    const longer = await h.send(h.text(1001, '/start'), { secret: `${SECRET}x` });
    assert.equal(longer.statusCode, 401);
    const missing = await h.send(h.text(1001, '/start'), { secret: null });
    assert.equal(missing.statusCode, 401);
    assert.deepEqual(await usersRows(), []);
    assert.deepEqual(h.fake.calls, [], 'not even getMe: the bot is not built for a refused request');
  });

  it('answers 400 to a body that is not JSON and 413 to an oversized one', async () => {
    const bad = await h.send(undefined, { raw: '{"update_id": 1, "message": ' });
    assert.equal(bad.statusCode, 400);
    assert.match(String(bad.body), /not JSON/);
    const empty = await h.send(undefined, { raw: '' });
    assert.equal(empty.statusCode, 400);
    const big = h.text(1002, `/start ${'x'.repeat(70 * 1024)}`);
    assert.equal((await h.send(big)).statusCode, 413);
    assert.equal((await h.send(big, { base64: true })).statusCode, 413);
    assert.deepEqual(await usersRows(), []);
    assert.equal(h.fake.delivered().length, 0);
  });

  it('drops a structurally invalid update with 200 and ignores unknown update types', async () => {
    const invalid = await h.send({ update_id: 5, message: { message_id: 1, text: '/start' } });
    assert.equal(invalid.statusCode, 200);
    assert.equal(outcome(invalid), 'invalid');
    const noId = await h.send({ message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: '/start' } });
    assert.equal(outcome(noId), 'invalid');
    const edited = await h.send({ update_id: 6, edited_message: { message_id: 1, date: 0, chat: { id: 1003, type: 'private' }, text: '/start' } });
    assert.equal(edited.statusCode, 200);
    assert.equal(outcome(edited), 'ignored');
    const sticker = await h.send({ update_id: 7, message: { message_id: 2, date: 0, chat: { id: 1003, type: 'private' }, sticker: { file_id: 'x' } } });
    assert.equal(outcome(sticker), 'ignored');
    assert.deepEqual(await usersRows(), []);
    assert.equal(h.fake.delivered().length, 0);
  });

  it('handles a base64-encoded body like a plain one', async () => {
    const r = await h.send(h.text(1004, '/start'), { base64: true });
    assert.equal(r.statusCode, 200);
    assert.equal(outcome(r), 'handled');
    assert.equal((await h.users.get(1004))?.active, true);
    assert.match(h.texts(1004).at(-1)!, /Welcome/);
  });

  it('answers 500 when the reply fails transiently (Telegram re-delivers), and handles the re-delivery', async () => {
    const update = h.text(1005, '/start');
    h.fake.script(({ method }) => (method === 'sendMessage' ? { status: 502 } : undefined));
    const first = await h.send(update);
    h.fake.script(undefined);
    assert.equal(first.statusCode, 500);
    const again = await h.send(update);
    assert.equal(again.statusCode, 200);
    assert.equal((await h.users.get(1005))?.active, true);
    assert.equal(h.texts(1005).length, 1);
  });

  it('answers 500 when the Bot API answers malformed JSON (transient)', async () => {
    h.fake.script(({ method }) => (method === 'sendMessage' ? { malformed: true } : undefined));
    const r = await h.send(h.text(1006, '/help'));
    h.fake.script(undefined);
    assert.equal(r.statusCode, 500);
  });

  it('deactivates a chat that blocked the bot and answers 200', async () => {
    await h.send(h.text(1007, '/start'));
    h.fake.blockChat(1007);
    const r = await h.send(h.text(1007, '/list'));
    assert.equal(r.statusCode, 200);
    assert.equal(outcome(r), 'deactivated');
    const profile = await h.users.get(1007);
    assert.equal(profile?.active, false);
    assert.equal(profile?.inactiveReason, 'blocked');
  });

  it('answers 500 (kept for retry) while the bot is misconfigured: missing config file, token refused', async () => {
    const broken = makeWebhookHandler({ env: { ...h.env, CANDLEBOT_CONFIG_PATH: '/nonexistent/candlebot.config.yml' }, logger: new Logger({ serviceName: 'candlebot-test' }) });
    const event = { headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(h.text(1008, '/start')), isBase64Encoded: false };
    const r = (await broken(event as never, localContext('candlebot-webhook', 25_000, 'req-broken'))) as { statusCode: number; body: string };
    assert.equal(r.statusCode, 500);
    assert.match(r.body, /misconfigured/);
    const wrongToken = makeWebhookHandler({ env: { ...h.env, TELEGRAM_BOT_TOKEN: '987654321:AAWrongTokenWrongTokenWrongToken_xyz' }, logger: new Logger({ serviceName: 'candlebot-test' }) });
    const r2 = (await wrongToken(event as never, localContext('candlebot-webhook', 25_000, 'req-wrong'))) as { statusCode: number };
    assert.equal(r2.statusCode, 500);
    assert.equal(await h.users.get(1008), undefined, 'nothing written');
    assert.ok(!h.logs.join('').includes('AAWrongTokenWrongTokenWrongToken_xyz'), 'the wrong token is not logged either');
  });

  it('never writes the bot token or the webhook secret to the logs', () => {
    // Runs last: the captured logs cover every request above (forged secrets, 5xx, malformed answers, blocks).
    assert.ok(h.logs.length > 10, `only ${h.logs.length} log lines captured`);
    const all = h.logs.join('');
    assert.ok(all.includes('secret token missing or wrong'), 'the forged requests were logged');
    assert.ok(all.includes('transiently'), 'the transient failures were logged');
    const tokenSecret = h.fake.token.slice(h.fake.token.indexOf(':') + 1);
    assert.equal(all.includes(h.fake.token), false, 'bot token in the logs');
    assert.equal(all.includes(tokenSecret), false, 'secret half of the bot token in the logs');
    assert.equal(all.includes(SECRET), false, 'webhook secret in the logs');
  });
});
