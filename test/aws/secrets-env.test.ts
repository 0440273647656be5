/**
 * Choosing the Telegram credentials' source (lib/runtime/telegram-secret.ts): the deployed
 * environment names a secret, the local one holds the variables, never both; the 401 re-read
 * only for a source that can change.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnv } from '../../lib/config/env.js';
import { ConfigError } from '../../lib/errors.js';
import { TelegramApiError } from '../../lib/ports/telegram.js';
import { silentLog } from '../../lib/ports/log.js';
import { environmentCredentials, notifyFunctionEnvSchema, secretCredentials, webhookFunctionEnvSchema, withTokenRefresh, type TelegramSecret } from '../../lib/runtime/telegram-secret.js';
import type { JsonSecret } from '../../lib/aws/secrets.js';
import { testClock } from '../support/clock.js';

const TOKEN = '123456789:AAFakeTokenForCandlebotTests_abcdefghij';
const ROTATED = '123456789:AARotatedTokenForCandlebotTests_klmnop';
const WEBHOOK_SECRET = 'webhook-secret_0123456789abcdef';
const NOTIFY = { DELIVERIES_TABLE: 'deliveries', USERS_TABLE: 'users', STATE_TABLE: 'state', NOTIFY_QUEUE_URL: 'https://sqs.invalid/q' };
const WEBHOOK = { SIGNALS_TABLE: 'signals', STATE_TABLE: 'state', POSITIONS_TABLE: 'positions', USERS_TABLE: 'users', NOTIFY_QUEUE_URL: 'https://sqs.invalid/q', NOTIFY_DLQ_URL: 'https://sqs.invalid/d' };
const SECRET_ID = 'candlebot/prod/telegram';

function refused(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.code, 'INVALID_ENV');
    return error.message;
  }
  assert.fail('expected INVALID_ENV');
}

describe('the Telegram credentials come from the secret (deployed) or the variables (local)', () => {
  it('notify: TELEGRAM_SECRET_ID alone or TELEGRAM_BOT_TOKEN alone; neither or both is refused naming the variable', () => {
    assert.equal(parseEnv(notifyFunctionEnvSchema, { ...NOTIFY, TELEGRAM_SECRET_ID: SECRET_ID }).TELEGRAM_SECRET_ID, SECRET_ID);
    assert.equal(parseEnv(notifyFunctionEnvSchema, { ...NOTIFY, TELEGRAM_BOT_TOKEN: TOKEN }).TELEGRAM_BOT_TOKEN, TOKEN);
    assert.match(refused(() => parseEnv(notifyFunctionEnvSchema, NOTIFY)), /TELEGRAM_BOT_TOKEN: is required \(or TELEGRAM_SECRET_ID/);
    assert.match(refused(() => parseEnv(notifyFunctionEnvSchema, { ...NOTIFY, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_SECRET_ID: SECRET_ID })), /TELEGRAM_BOT_TOKEN: must not be set together with TELEGRAM_SECRET_ID/);
    assert.match(refused(() => parseEnv(notifyFunctionEnvSchema, { ...NOTIFY, TELEGRAM_SECRET_ID: 'not a name!' })), /TELEGRAM_SECRET_ID: must be a Secrets Manager secret name or ARN/);
  });

  it('webhook: the secret, or both variables', () => {
    assert.equal(parseEnv(webhookFunctionEnvSchema, { ...WEBHOOK, TELEGRAM_SECRET_ID: SECRET_ID }).TELEGRAM_WEBHOOK_SECRET, undefined);
    assert.ok(parseEnv(webhookFunctionEnvSchema, { ...WEBHOOK, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET }));
    assert.match(refused(() => parseEnv(webhookFunctionEnvSchema, { ...WEBHOOK, TELEGRAM_BOT_TOKEN: TOKEN })), /TELEGRAM_WEBHOOK_SECRET: is required/);
    assert.match(refused(() => parseEnv(webhookFunctionEnvSchema, { ...WEBHOOK, TELEGRAM_SECRET_ID: SECRET_ID, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET })), /TELEGRAM_WEBHOOK_SECRET: must not be set together/);
  });

  it('a 401 is re-read only from a source that can change, once, and repeated only when the token changed', async () => {
    const unauthorized = () => new TelegramApiError('Telegram sendMessage failed: 401 Unauthorized', { failure: 'unauthorized', status: 401 });
    const used: string[] = [];
    const send = (accepted: string) => async (token: string) => {
      used.push(token);
      if (token !== accepted) throw unauthorized();
      return 'sent';
    };

    // Local variables: nothing to re-read, the 401 stands.
    const local = withTokenRefresh(environmentCredentials({ TELEGRAM_BOT_TOKEN: TOKEN }), (t) => t, silentLog);
    await assert.rejects(local(send(ROTATED)), (e: unknown) => e instanceof TelegramApiError && e.failure === 'unauthorized');
    assert.deepEqual(used.splice(0), [TOKEN]);

    // The secret, rotated: one forced read, one repeat with the new token.
    let value: TelegramSecret = { botToken: TOKEN, webhookSecret: WEBHOOK_SECRET };
    let stored = value;
    const reads = { get: 0, refresh: 0 };
    const secret: JsonSecret<TelegramSecret> = {
      secretId: SECRET_ID,
      get: async () => (reads.get++, value),
      refresh: async () => (reads.refresh++, (value = stored)),
    };
    const clock = testClock(0);
    const source = secretCredentials(secret, { clock });
    const run = withTokenRefresh(source, (t) => t, silentLog);
    assert.equal(await run(send(TOKEN)), 'sent');
    stored = { ...stored, botToken: ROTATED };
    used.splice(0);
    assert.equal(await run(send(ROTATED)), 'sent');
    assert.deepEqual(used.splice(0), [TOKEN, ROTATED]);
    assert.equal(reads.refresh, 1);

    // Unchanged after the re-read: the 401 stands; within 30 s no further forced read.
    await assert.rejects(run(send(`${ROTATED}x`)));
    assert.equal(reads.refresh, 1, 'within MIN_REFRESH_INTERVAL_MS of the last forced read');
    clock.advance(30_000);
    await assert.rejects(run(send(`${ROTATED}x`)));
    assert.equal(reads.refresh, 2);
    assert.deepEqual(used.splice(0), [ROTATED, ROTATED], 'no repeat when the token did not change');

    // Other failures are not a reason to re-read.
    await assert.rejects(run(async () => Promise.reject(new TelegramApiError('503', { failure: 'unavailable', status: 503 }))));
    assert.equal(reads.refresh, 2);
  });
});
