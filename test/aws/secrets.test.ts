/**
 * The secret reader (lib/aws/secrets.ts) on the real SDK client and Powertools' SecretsProvider,
 * against the fake Secrets Manager on 127.0.0.1: caching within maxAge, forced refresh, schema
 * validation naming the field (never the value), and every failure classified with its cause.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createJsonSecret, createSecretsManagerClient, SECRET_MAX_AGE_SECONDS } from '../../lib/aws/secrets.js';
import { ConfigError, TransientError, type CandlebotError } from '../../lib/errors.js';
import { telegramSecretSchema } from '../../lib/runtime/telegram-secret.js';
import { startFakeSecretsManager, type FakeSecretsManager } from '../support/fake-secrets-manager.js';

const ID = 'candlebot/test/telegram';
const TOKEN = '123456789:AAFakeTokenForCandlebotTests_abcdefghij';
const ROTATED = '123456789:AARotatedTokenForCandlebotTests_klmnop';
const WEBHOOK_SECRET = 'webhook-secret_0123456789abcdef';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

let sm: FakeSecretsManager;
const client = () => createSecretsManagerClient({ region: 'us-east-1', endpoint: sm.endpoint, credentials: CREDENTIALS });
const reader = (maxAgeSeconds?: number) => createJsonSecret({ client: client(), secretId: ID, schema: telegramSecretSchema, ...(maxAgeSeconds ? { maxAgeSeconds } : {}) });
const put = (value: unknown) => sm.put(ID, typeof value === 'string' ? value : JSON.stringify(value));

async function failure(promise: Promise<unknown>): Promise<CandlebotError> {
  try {
    await promise;
  } catch (error) {
    return error as CandlebotError;
  }
  assert.fail('expected a rejection');
}

describe('lib/aws/secrets.ts: one JSON secret through Powertools Parameters', () => {
  before(async () => {
    sm = await startFakeSecretsManager();
  });
  after(() => sm?.close());
  beforeEach(() => {
    sm.fail(undefined);
    put({ botToken: TOKEN, webhookSecret: WEBHOOK_SECRET });
  });

  it('reads and validates the JSON; within maxAge the cached value is used (one GetSecretValue)', async () => {
    assert.equal(SECRET_MAX_AGE_SECONDS, 300, 'bounded: a rotated value is seen within 5 minutes');
    const secret = reader();
    const before = sm.calls(ID);
    assert.deepEqual(await secret.get(), { botToken: TOKEN, webhookSecret: WEBHOOK_SECRET });
    put({ botToken: ROTATED, webhookSecret: WEBHOOK_SECRET });
    for (let i = 0; i < 5; i++) assert.equal((await secret.get()).botToken, TOKEN, 'cached');
    assert.equal(sm.calls(ID) - before, 1);
  });

  it('refresh() asks Secrets Manager past the cache and caches the new value', async () => {
    const secret = reader();
    const before = sm.calls(ID);
    await secret.get();
    put({ botToken: ROTATED, webhookSecret: WEBHOOK_SECRET });
    assert.equal((await secret.refresh()).botToken, ROTATED);
    assert.equal((await secret.get()).botToken, ROTATED, 'the refreshed value is the cached one now');
    assert.equal(sm.calls(ID) - before, 2);
  });

  it('after maxAge the value is read again', async () => {
    const secret = reader(1);
    const before = sm.calls(ID);
    await secret.get();
    put({ botToken: ROTATED, webhookSecret: WEBHOOK_SECRET });
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await secret.get()).botToken, ROTATED);
    assert.equal(sm.calls(ID) - before, 2);
  });

  it('a missing secret is a permanent SECRET_NOT_FOUND naming the secret id, with the SDK error as cause', async () => {
    sm.remove(ID);
    const error = await failure(reader().get());
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.code, 'SECRET_NOT_FOUND');
    assert.match(error.message, new RegExp(`secret ${ID}: GetSecretValue failed: ResourceNotFoundException`));
    assert.equal((error.cause as Error).name, 'ResourceNotFoundException');
  });

  it('access denied is a permanent SECRET_ACCESS_DENIED', async () => {
    sm.fail('AccessDeniedException');
    const error = await failure(reader().get());
    assert.ok(error instanceof ConfigError);
    assert.equal(error.code, 'SECRET_ACCESS_DENIED');
    assert.equal((error.cause as Error).name, 'AccessDeniedException');
    assert.match(error.message, new RegExp(ID));
  });

  it('throttling and 5xx are transient SECRET_UNAVAILABLE after the SDK’s bounded retries; one throttle is absorbed', async () => {
    for (const fault of ['ThrottlingException', 500] as const) {
      sm.fail(fault);
      const before = sm.calls(ID);
      const error = await failure(reader().get());
      assert.ok(error instanceof TransientError, `${fault}: ${String(error)}`);
      assert.equal(error.code, 'SECRET_UNAVAILABLE');
      assert.ok(error.cause instanceof Error);
      assert.equal(sm.calls(ID) - before, 3, `${fault}: 3 attempts, then the error`);
    }
    sm.fail('ThrottlingException', 1);
    assert.equal((await reader().get()).botToken, TOKEN);
  });

  it('no answer at all (connection refused) is transient', async () => {
    const closed = await startFakeSecretsManager();
    const endpoint = closed.endpoint;
    await closed.close();
    const secret = createJsonSecret({ client: createSecretsManagerClient({ region: 'us-east-1', endpoint, credentials: CREDENTIALS }), secretId: ID, schema: telegramSecretSchema });
    const error = await failure(secret.get());
    assert.ok(error instanceof TransientError, String(error));
    assert.equal(error.code, 'SECRET_UNAVAILABLE');
  });

  it('a value that is not JSON, or misses/breaks a field, is SECRET_INVALID naming the field, never the value; a fix is read at once', async () => {
    const secret = reader();
    const cases: [unknown, RegExp][] = [
      [`{"botToken": "${TOKEN}", oops`, /SecretString is not valid JSON/],
      [{ botToken: TOKEN }, /webhookSecret/],
      [{ botToken: 'not-a-token-but-a-long-private-string', webhookSecret: WEBHOOK_SECRET }, /botToken: is not a Telegram bot token/],
      [{ botToken: TOKEN, webhookSecret: 'tiny-secret' }, /webhookSecret: must be 16-256 characters/],
      [`"${TOKEN}"`, /SecretString/],
    ];
    for (const [value, expected] of cases) {
      put(value);
      const error = await failure(secret.get());
      assert.ok(error instanceof ConfigError, String(error));
      assert.equal(error.code, 'SECRET_INVALID');
      assert.match(error.message, new RegExp(ID));
      assert.match(error.message, expected);
      for (const leaked of [TOKEN, TOKEN.split(':')[1]!, 'not-a-token-but-a-long-private-string', 'tiny-secret', WEBHOOK_SECRET]) {
        assert.ok(!error.message.includes(leaked), `the message must not contain a value: ${error.message}`);
        assert.ok(!String((error.cause as Error | undefined)?.message ?? '').includes(leaked), 'nor its cause');
      }
    }
    const before = sm.calls(ID);
    put({ botToken: TOKEN, webhookSecret: WEBHOOK_SECRET });
    assert.equal((await secret.get()).botToken, TOKEN, 'an invalid value is not cached');
    assert.equal(sm.calls(ID) - before, 1);
  });
});
