/**
 * The real notify handler as deployed: TELEGRAM_SECRET_ID instead of TELEGRAM_BOT_TOKEN, the
 * token read at runtime from (the fake) Secrets Manager, messages from the local SQS emulator,
 * sent to the fake Bot API. Cached within maxAge; a rotated token is picked up on Telegram's 401
 * with one forced re-read; an unreadable or invalid secret fails the messages as batch item
 * failures (kept by SQS, delivered once the secret is fixed).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangeMessageVisibilityCommand, DeleteMessageBatchCommand } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import { stringify } from 'yaml';
import { makeNotifyHandler } from '../../functions/notify.js';
import { localContext } from '../../lib/aws/lambda-context.js';
import { startFakeSecretsManager, type FakeSecretsManager } from '../support/fake-secrets-manager.js';
import { tempDir } from '../support/temp-dir.js';
import { BASE_CONFIG, note, notifySetup, type NotifySetup } from '../notify/support.js';

const WEBHOOK_SECRET = 'webhook-secret_0123456789abcdef';
const ROTATED = '123456789:AARotatedTokenForCandlebotTests_klmnop';

describe('notify with TELEGRAM_SECRET_ID: the bot token is read at runtime from Secrets Manager', () => {
  let s: NotifySetup;
  let sm: FakeSecretsManager;
  let configPath: string;
  let chat = 610_000;
  let oldToken: string;

  before(async () => {
    [s, sm] = await Promise.all([notifySetup('nsec', { fake: { limits: false } }), startFakeSecretsManager()]);
    oldToken = s.fake.token;
    configPath = join(tempDir('candlebot-notify-secret-'), 'candlebot.config.yml');
    writeFileSync(configPath, stringify({ ...BASE_CONFIG, telegram: { delivery: { perChatIntervalMs: 1000, globalPerSecond: 25, charts: false } } }));
  });
  after(async () => {
    await Promise.allSettled([s?.close(), sm?.close()]);
  });

  /** A new container of the deployed function reading `secretId` (no TELEGRAM_BOT_TOKEN in its environment). */
  function deployedHandler(secretId: string) {
    const { TELEGRAM_BOT_TOKEN: token, ...env } = s.env;
    assert.ok(token, 'the local setup had a token variable; the deployed function has none');
    return makeNotifyHandler({
      env: { ...env, CANDLEBOT_CONFIG_PATH: configPath, TELEGRAM_SECRET_ID: secretId, CANDLEBOT_SECRETS_ENDPOINT: sm.endpoint },
      logger: new Logger({ serviceName: 'candlebot-test', logLevel: 'SILENT' }),
    });
  }
  const secretId = () => `candlebot/nsec-${randomUUID().slice(0, 8)}/telegram`;
  const putSecret = (id: string, botToken: string) => sm.put(id, JSON.stringify({ botToken, webhookSecret: WEBHOOK_SECRET }));

  /** Invokes `handler` on `event`, then deletes the records it did not report failed (as Lambda's event source does). */
  async function invoke(handler: ReturnType<typeof makeNotifyHandler>, event: SQSEvent): Promise<string[]> {
    const out = await handler(event, localContext('notify', 30_000, randomUUID()));
    const failed = (out?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
    const done = event.Records.filter((r) => !failed.includes(r.messageId));
    if (done.length) {
      await s.res.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: s.res.queues['NotifyQueue']!, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }));
    }
    return failed;
  }

  /** Enqueues one notification per new chat, receives them and invokes `handler`; the failed ids and the event. */
  async function deliver(handler: ReturnType<typeof makeNotifyHandler>, count: number): Promise<{ failed: string[]; chats: number[]; event: SQSEvent }> {
    const chats = Array.from({ length: count }, () => ++chat);
    for (const c of chats) await s.users.register(c, Date.now());
    await s.enqueue(chats.map((c) => note(c)));
    const event = await s.receive(1);
    assert.equal(event.Records.length, count, 'all enqueued messages received in one batch');
    return { failed: await invoke(handler, event), chats, event };
  }

  it('sends with the token from the secret, and reads the secret once for several invocations within maxAge', async () => {
    const id = secretId();
    putSecret(id, oldToken);
    const handler = deployedHandler(id);
    for (let i = 0; i < 3; i++) {
      const { failed, chats } = await deliver(handler, 2);
      assert.deepEqual(failed, []);
      for (const c of chats) assert.equal(s.fake.delivered(c).length, 1, `chat ${c} got its message`);
    }
    assert.equal(sm.calls(id), 1, 'one GetSecretValue for three invocations');
  });

  it('an unreadable secret (missing, invalid JSON) fails the messages as batch item failures; SQS keeps them and they go out once the secret is fixed', async () => {
    for (const broken of ['missing', 'not JSON', 'no webhookSecret'] as const) {
      const id = secretId();
      if (broken === 'not JSON') sm.put(id, `{"botToken": "${oldToken}"`);
      if (broken === 'no webhookSecret') sm.put(id, JSON.stringify({ botToken: oldToken }));
      const handler = deployedHandler(id);
      const { failed, chats, event } = await deliver(handler, 1);
      assert.deepEqual(failed, [event.Records[0]!.messageId], `${broken}: the message is reported failed, not dropped`);
      assert.equal(s.fake.delivered(chats[0]).length, 0);
      assert.deepEqual(await s.depth(), { visible: 0, inFlight: 1 }, `${broken}: still in the queue`);

      // The operator fixes the secret; the message comes back (visibility 0 here instead of its retry delay) and is delivered.
      putSecret(id, oldToken);
      await s.res.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: s.res.queues['NotifyQueue']!, ReceiptHandle: event.Records[0]!.receiptHandle, VisibilityTimeout: 0 }));
      const again = await s.receive(1);
      assert.equal(again.Records[0]?.messageId, event.Records[0]!.messageId);
      assert.deepEqual(await invoke(handler, again), [], `${broken}: delivered after the fix`);
      assert.equal(s.fake.delivered(chats[0]).length, 1);
      assert.deepEqual(await s.depth(), { visible: 0, inFlight: 0 });
    }
  });

  it('a token rotated in the secret: the cached old token gets a 401, one forced re-read, the send succeeds without a redeploy', async () => {
    const id = secretId();
    putSecret(id, oldToken);
    const handler = deployedHandler(id);
    assert.deepEqual((await deliver(handler, 1)).failed, []);
    assert.equal(sm.calls(id), 1);

    // BotFather revokes the old token; the operator stores the new one (put-secret-value); no redeploy.
    s.fake.rotateToken(ROTATED);
    putSecret(id, ROTATED);
    try {
      const before = s.fake.calls.length;
      const { failed, chats } = await deliver(handler, 1);
      assert.deepEqual(failed, []);
      assert.equal(s.fake.delivered(chats[0]).length, 1, 'sent with the rotated token');
      assert.deepEqual(s.fake.calls.slice(before).map((c) => c.status), [401, 200], 'one refused send, one retry');
      assert.equal(sm.calls(id), 2, 'exactly one forced re-read');
      assert.deepEqual((await deliver(handler, 2)).failed, []);
      assert.equal(sm.calls(id), 2, 'the rotated token is cached');

    } finally {
      s.fake.rotateToken(oldToken);
    }
  });

  it('a token Telegram refuses that the secret still holds: one forced re-read per batch (not per message), none more within 30 s; the messages are kept', async () => {
    const id = secretId();
    putSecret(id, oldToken);
    s.fake.rotateToken(ROTATED); // revoked in BotFather, the secret not updated yet
    try {
      const handler = deployedHandler(id);
      const first = await deliver(handler, 3);
      assert.equal(first.failed.length, 3, 'all kept for retry');
      assert.equal(sm.calls(id), 2, 'one read, one forced re-read for the whole batch');
      const second = await deliver(handler, 2);
      assert.equal(second.failed.length, 2);
      assert.equal(sm.calls(id), 2, 'no forced re-read again within MIN_REFRESH_INTERVAL_MS');
      assert.deepEqual(await s.depth(), { visible: 0, inFlight: 5 });
    } finally {
      s.fake.rotateToken(oldToken);
    }
  });
});
