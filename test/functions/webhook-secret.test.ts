/**
 * The real webhook handler as deployed: TELEGRAM_SECRET_ID instead of TELEGRAM_BOT_TOKEN and
 * TELEGRAM_WEBHOOK_SECRET, both read at runtime from (the fake) Secrets Manager; updates as API
 * Gateway sends them, replies to the fake Bot API, tables on DynamoDB Local. The header is
 * checked against the secret's webhookSecret; the secret is cached; a rotated bot token is
 * picked up on Telegram's 401; an unreadable secret answers 500 (Telegram re-delivers the update).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { makeWebhookHandler } from '../../functions/webhook.js';
import { startFakeSecretsManager, type FakeSecretsManager } from '../support/fake-secrets-manager.js';
import { SECRET, startHarness, type Harness } from '../webhook/harness.js';

const ROTATED = '123456789:AARotatedTokenForCandlebotTests_klmnop';
const status = (r: { statusCode?: number }) => r.statusCode;

describe('webhook with TELEGRAM_SECRET_ID: bot token and webhook secret read at runtime from Secrets Manager', () => {
  let h: Harness;
  let sm: FakeSecretsManager;
  let oldToken: string;
  let chat = 720_000;

  before(async () => {
    [h, sm] = await Promise.all([startHarness(), startFakeSecretsManager()]);
    oldToken = h.fake.token;
  });
  after(async () => {
    await Promise.allSettled([h?.close(), sm?.close()]);
  });

  /** A new container of the deployed function reading `secretId`: no token or webhook secret in its environment. */
  function deploy(secretId: string): void {
    const { TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: webhookSecret, ...env } = h.env;
    assert.ok(token && webhookSecret, 'the local harness had both variables; the deployed function has neither');
    h.handler = makeWebhookHandler({ env: { ...env, TELEGRAM_SECRET_ID: secretId, CANDLEBOT_SECRETS_ENDPOINT: sm.endpoint }, logger: new Logger({ serviceName: 'candlebot-test', logLevel: 'DEBUG' }) });
  }
  const secretId = () => `candlebot/wsec-${randomUUID().slice(0, 8)}/telegram`;
  const putSecret = (id: string, botToken: string, webhookSecret = SECRET) => sm.put(id, JSON.stringify({ botToken, webhookSecret }));

  it('answers commands with the token from the secret, checks the header against its webhookSecret, and reads it once within maxAge', async () => {
    const id = secretId();
    putSecret(id, oldToken);
    deploy(id);
    for (let i = 0; i < 3; i++) {
      const c = ++chat;
      const res = await h.send(h.text(c, '/start'));
      assert.equal(status(res), 200, String(res.body));
      assert.equal(h.texts(c).length, 1, 'the reply was sent with the secret’s token');
    }
    assert.equal(status(await h.send(h.text(++chat, '/start'), { secret: 'wrong-secret_0123456789abcdef' })), 401);
    assert.equal(status(await h.send(h.text(++chat, '/start'), { secret: null })), 401);
    assert.equal(sm.calls(id), 1, 'one GetSecretValue for five requests');
  });

  it('a bot token rotated in the secret: one 401, one forced re-read, the reply goes out — no redeploy', async () => {
    const id = secretId();
    putSecret(id, oldToken);
    deploy(id);
    assert.equal(status(await h.send(h.text(++chat, '/start'))), 200);
    h.fake.rotateToken(ROTATED);
    putSecret(id, ROTATED);
    try {
      const c = ++chat;
      const before = h.fake.calls.length;
      const res = await h.send(h.text(c, '/start'));
      assert.equal(status(res), 200, String(res.body));
      assert.equal(h.texts(c).length, 1, 'replied with the rotated token');
      assert.deepEqual(h.fake.calls.slice(before).map((call) => call.status), [401, 200]);
      assert.equal(sm.calls(id), 2, 'exactly one forced re-read');
      assert.equal(status(await h.send(h.text(++chat, '/help'))), 200);
      assert.equal(sm.calls(id), 2);
    } finally {
      h.fake.rotateToken(oldToken);
    }
  });

  it('an unreadable secret (missing, access denied, invalid JSON, Secrets Manager down) answers 500 so Telegram retries; logged with its code, never a value; fixed → 200', async () => {
    const cases = [
      { name: 'missing', code: 'SECRET_NOT_FOUND', set: (_id: string) => undefined },
      { name: 'access denied', code: 'SECRET_ACCESS_DENIED', set: (id: string) => (putSecret(id, oldToken), sm.fail('AccessDeniedException')) },
      { name: 'not JSON', code: 'SECRET_INVALID', set: (id: string) => sm.put(id, `{"botToken":"${oldToken}","webhookSecret":"${SECRET}"`) },
      { name: 'bad webhookSecret', code: 'SECRET_INVALID', set: (id: string) => putSecret(id, oldToken, 'bad secret!') },
      { name: 'throttled', code: 'SECRET_UNAVAILABLE', set: (id: string) => (putSecret(id, oldToken), sm.fail('ThrottlingException')) },
    ];
    for (const k of cases) {
      const id = secretId();
      k.set(id);
      deploy(id);
      const from = h.logs.length;
      const c = ++chat;
      const res = await h.send(h.text(c, '/start'));
      sm.fail(undefined);
      assert.equal(status(res), 500, `${k.name}: ${String(res.body)}`);
      assert.equal(h.texts(c).length, 0);
      const lines = h.logs.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>);
      const line = lines.find((l) => l['message'] === 'webhook cannot read its Telegram secret; Telegram will retry the update');
      assert.ok(line, `${k.name}: logged`);
      assert.equal(line['code'], k.code, k.name);
      assert.match(String(line['error']), new RegExp(id));
      for (const l of h.logs.slice(from)) for (const value of [oldToken, oldToken.split(':')[1]!, SECRET]) assert.ok(!l.includes(value), `${k.name}: a log line shows a secret value: ${l}`);

      putSecret(id, oldToken);
      const retried = await h.send(h.text(c, '/start'));
      assert.equal(status(retried), 200, `${k.name}: the re-delivered update works once the secret is fixed`);
      assert.equal(h.texts(c).length, 1);
    }
  });
});
