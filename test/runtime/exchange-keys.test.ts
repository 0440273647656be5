/**
 * A live exchange's API keys (lib/runtime/exchange-keys.ts): from the Secrets Manager secret
 * candlebot/<stage>/exchange/<id> (the fake Secrets Manager on 127.0.0.1, the real SDK client)
 * when EXCHANGE_SECRET_PREFIX is set, else from CANDLEBOT_<ID>_API_KEY / _SECRET; both → refused.
 * No error text, cause or output line ever holds a key or secret.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, TransientError, type CandlebotError } from '../../lib/errors.js';
import { exchangeKeysSource, exchangeKeyVariables, type ExchangeKeysEnv } from '../../lib/runtime/exchange-keys.js';
import { startFakeSecretsManager, type FakeSecretsManager } from '../support/fake-secrets-manager.js';

const PREFIX = 'candlebot/test/exchange/';
const ID = `${PREFIX}binance`;
const API_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const BROKEN_KEY = 'AbCdEfGh12345678 with a space';
const VALUES = [API_KEY, SECRET, BROKEN_KEY, API_KEY.slice(0, 20), SECRET.slice(10, 40)];

let sm: FakeSecretsManager;
const deployed = (extra: Record<string, string> = {}): ExchangeKeysEnv => ({
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  CANDLEBOT_SECRETS_ENDPOINT: sm.endpoint,
  EXCHANGE_SECRET_PREFIX: PREFIX,
  ...extra,
});
const put = (value: unknown) => sm.put(ID, typeof value === 'string' ? value : JSON.stringify(value));

/** Everything written to stdout/stderr while `fn` runs (recorded and passed on: the test runner reports through stdout). */
async function output<T>(fn: () => Promise<T>): Promise<{ result: T; text: string }> {
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((s) => s.write.bind(s));
  let text = '';
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return originals[i]!(chunk, ...rest);
    }) as typeof stream.write;
  });
  try {
    return { result: await fn(), text };
  } finally {
    streams.forEach((s, i) => {
      s.write = originals[i]! as typeof s.write;
    });
  }
}

/** The rejection of `promise`, checked to name no value in its message, its cause's message or the output. */
async function failure(promise: () => Promise<unknown>): Promise<CandlebotError> {
  const { result, text } = await output(async () => {
    try {
      await promise();
    } catch (error) {
      return error as CandlebotError;
    }
    return assert.fail('expected a rejection');
  });
  for (const value of VALUES) {
    assert.ok(!result.message.includes(value), `the message must not contain a key: ${result.message}`);
    assert.ok(!String((result.cause as Error | undefined)?.message ?? '').includes(value), 'nor its cause');
    assert.ok(!text.includes(value), 'nor any output line');
  }
  return result;
}

describe('exchange keys from Secrets Manager (EXCHANGE_SECRET_PREFIX)', () => {
  before(async () => {
    sm = await startFakeSecretsManager();
  });
  after(() => sm?.close());
  beforeEach(() => {
    sm.fail(undefined);
    put({ apiKey: API_KEY, secret: SECRET });
  });

  it('reads candlebot/<stage>/exchange/<id>, caches it, and concurrent reads share one request', async () => {
    const source = exchangeKeysSource(deployed());
    assert.equal(source.from('binance'), `secret ${ID}`);
    assert.equal(source.configured('binance'), true);
    const before = sm.calls(ID);
    const { result: all, text } = await output(() => Promise.all([source.keys('binance'), source.keys('binance'), source.keys('binance')]));
    for (const keys of all) assert.deepEqual(keys, { apiKey: API_KEY, secret: SECRET });
    assert.ok(Object.isFrozen(all[0]));
    assert.equal(await source.keys('binance').then((k) => k.apiKey), API_KEY);
    assert.equal(sm.calls(ID) - before, 1, 'one GetSecretValue for four reads');
    for (const value of VALUES) assert.ok(!text.includes(value), 'no output line holds a key');
  });

  it('a missing secret is EXCHANGE_KEYS_MISSING naming the secret and how to create it', async () => {
    const error = await failure(() => exchangeKeysSource(deployed()).keys('kraken'));
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.code, 'EXCHANGE_KEYS_MISSING');
    assert.match(error.message, /no API keys for exchange kraken: the secret candlebot\/test\/exchange\/kraken does not exist/);
    assert.match(error.message, /aws secretsmanager create-secret --name candlebot\/test\/exchange\/kraken/);
    assert.equal((error.cause as CandlebotError).code, 'SECRET_NOT_FOUND');
  });

  it('a secret that is not JSON {apiKey, secret} with valid values is EXCHANGE_KEYS_INVALID naming the secret and the field, never a value', async () => {
    const cases: [unknown, RegExp][] = [
      [`{"apiKey": "${API_KEY}", "secret": oops`, /SecretString is not valid JSON/],
      [{ apiKey: API_KEY }, /is invalid: secret: must be a string \(the API secret\)/],
      [{ apiKey: BROKEN_KEY, secret: SECRET }, /is invalid: apiKey: must be the API key: 8-512 printable characters without spaces/],
      [{ apiKey: API_KEY, secret: `${SECRET}\n` }, /is invalid: secret: must be the API secret/],
      [{ apiKey: 42, secret: SECRET }, /is invalid: apiKey: must be a string/],
      [`"${API_KEY}"`, /SecretString/],
    ];
    const source = exchangeKeysSource(deployed());
    for (const [value, expected] of cases) {
      put(value);
      const error = await failure(() => source.keys('binance'));
      assert.ok(error instanceof ConfigError, String(error));
      assert.equal(error.code, 'EXCHANGE_KEYS_INVALID', error.message);
      assert.match(error.message, new RegExp(`secret ${ID}`));
      assert.match(error.message, expected);
    }
    put({ apiKey: API_KEY, secret: SECRET });
    assert.equal((await source.keys('binance')).secret, SECRET, 'a fixed secret is read at once (an invalid value is not cached)');
  });

  it('access denied stays SECRET_ACCESS_DENIED (a deployment problem) and throttling/5xx SECRET_UNAVAILABLE (transient)', async () => {
    sm.fail('AccessDeniedException');
    const denied = await failure(() => exchangeKeysSource(deployed()).keys('binance'));
    assert.equal(denied.code, 'SECRET_ACCESS_DENIED');
    assert.match(denied.message, new RegExp(ID));
    sm.fail(500);
    const down = await failure(() => exchangeKeysSource(deployed()).keys('binance'));
    assert.ok(down instanceof TransientError);
    assert.equal(down.code, 'SECRET_UNAVAILABLE');
  });

  it('the secret prefix and the variables for the same exchange together are refused, naming both and no value', async () => {
    const names = exchangeKeyVariables('binance');
    for (const extra of [{ [names.apiKey]: API_KEY }, { [names.secret]: SECRET }, { [names.apiKey]: API_KEY, [names.secret]: SECRET }]) {
      const before = sm.calls(ID);
      const error = await failure(() => exchangeKeysSource(deployed(extra)).keys('binance'));
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, 'EXCHANGE_KEYS_AMBIGUOUS');
      assert.match(error.message, /API keys of exchange binance are set twice: EXCHANGE_SECRET_PREFIX names the secret candlebot\/test\/exchange\/binance and CANDLEBOT_BINANCE_/);
      assert.match(error.message, /keep one/);
      assert.equal(sm.calls(ID) - before, 0, 'the secret is not read');
    }
    // Variables of another exchange do not conflict with this one's secret.
    assert.equal((await exchangeKeysSource(deployed({ CANDLEBOT_BYBIT_API_KEY: API_KEY })).keys('binance')).apiKey, API_KEY);
  });

  it('a malformed prefix is INVALID_ENV', () => {
    assert.throws(() => exchangeKeysSource(deployed({ EXCHANGE_SECRET_PREFIX: 'candlebot/test/exchange' })), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, 'INVALID_ENV');
      assert.match(error.message, /EXCHANGE_SECRET_PREFIX: must be a Secrets Manager name prefix ending in "\/"/);
      return true;
    });
  });
});

describe('exchange keys from the environment (local)', () => {
  const local = (extra: Record<string, string>): ExchangeKeysEnv => ({ AWS_REGION: 'us-east-1', ...extra });

  it('CANDLEBOT_<ID>_API_KEY and CANDLEBOT_<ID>_SECRET, the id upper case', async () => {
    assert.deepEqual(exchangeKeyVariables('binance'), { apiKey: 'CANDLEBOT_BINANCE_API_KEY', secret: 'CANDLEBOT_BINANCE_SECRET' });
    assert.deepEqual(exchangeKeyVariables('binanceus'), { apiKey: 'CANDLEBOT_BINANCEUS_API_KEY', secret: 'CANDLEBOT_BINANCEUS_SECRET' });
    const source = exchangeKeysSource(local({ CANDLEBOT_BINANCE_API_KEY: API_KEY, CANDLEBOT_BINANCE_SECRET: SECRET }));
    assert.equal(source.from('binance'), 'environment CANDLEBOT_BINANCE_API_KEY / CANDLEBOT_BINANCE_SECRET');
    assert.equal(source.configured('binance'), true);
    assert.equal(source.configured('bybit'), false);
    assert.deepEqual(await source.keys('binance'), { apiKey: API_KEY, secret: SECRET });
  });

  it('none set is EXCHANGE_KEYS_MISSING naming both variables and the deployed alternative', async () => {
    const error = await failure(() => exchangeKeysSource(local({})).keys('binance'));
    assert.equal(error.code, 'EXCHANGE_KEYS_MISSING');
    assert.match(error.message, /no API keys for exchange binance: set CANDLEBOT_BINANCE_API_KEY and CANDLEBOT_BINANCE_SECRET \(locally\), or EXCHANGE_SECRET_PREFIX/);
  });

  it('one of the two is EXCHANGE_KEYS_MISSING naming the one not set', async () => {
    const error = await failure(() => exchangeKeysSource(local({ CANDLEBOT_BINANCE_API_KEY: API_KEY })).keys('binance'));
    assert.equal(error.code, 'EXCHANGE_KEYS_MISSING');
    assert.match(error.message, /API keys of exchange binance: CANDLEBOT_BINANCE_SECRET is not set/);
  });

  it('a malformed value is EXCHANGE_KEYS_INVALID naming the variable, never the value', async () => {
    const error = await failure(() => exchangeKeysSource(local({ CANDLEBOT_BINANCE_API_KEY: BROKEN_KEY, CANDLEBOT_BINANCE_SECRET: SECRET })).keys('binance'));
    assert.equal(error.code, 'EXCHANGE_KEYS_INVALID');
    assert.match(error.message, /API keys of exchange binance are invalid: CANDLEBOT_BINANCE_API_KEY: must be the API key: 8-512 printable characters without spaces or line breaks/);
    const short = await failure(() => exchangeKeysSource(local({ CANDLEBOT_BINANCE_API_KEY: API_KEY, CANDLEBOT_BINANCE_SECRET: 'short' })).keys('binance'));
    assert.match(short.message, /CANDLEBOT_BINANCE_SECRET: must be the API secret/);
    assert.ok(!short.message.includes('short'), 'not even a short value');
  });
});
