import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTelegrafTelegram } from '../../lib/telegram/telegraf-telegram.js';
import { waitOnRateLimit } from '../../lib/telegram/wait-on-rate-limit.js';
import { TelegramApiError } from '../../lib/ports/telegram.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram/index.js';

describe('waitOnRateLimit (command replies)', () => {
  let fake: FakeTelegram;
  before(async () => {
    fake = await startFakeTelegram({ limits: { perChatIntervalMs: 1000, globalPerSecond: 30 } });
  });
  after(() => fake.close());

  it('two replies to one chat within a second: the second waits out the 429 and is delivered', async () => {
    const port = waitOnRateLimit(createTelegrafTelegram({ token: fake.token, apiRoot: fake.apiRoot }), { maxWaitMs: 3_000 });
    await port.sendMessage(501, 'first');
    await port.sendMessage(501, 'second');
    assert.deepEqual(fake.delivered(501).map((d) => d.text), ['first', 'second']);
    const gap = fake.delivered(501)[1]!.at - fake.delivered(501)[0]!.at;
    assert.ok(gap >= 900, `gap ${gap} ms`);
  });

  it('a long retry_after, or any other failure, propagates at once', async () => {
    const slept: number[] = [];
    const port = waitOnRateLimit(createTelegrafTelegram({ token: fake.token, apiRoot: fake.apiRoot }), { maxWaitMs: 3_000, sleep: async (ms) => void slept.push(ms) });
    fake.script((call) => (call.chatId === 502 ? { status: 429, retryAfter: 30 } : call.chatId === 503 ? { status: 502 } : undefined));
    await assert.rejects(port.sendMessage(502, 'x'), (e) => e instanceof TelegramApiError && e.failure === 'rate-limited' && e.retryAfterMs === 30_000);
    await assert.rejects(port.sendMessage(503, 'x'), (e) => e instanceof TelegramApiError && e.failure === 'unavailable');
    assert.deepEqual(slept, []);
    fake.script(undefined);
  });

  it('gives up after the configured number of waits', async () => {
    const slept: number[] = [];
    const port = waitOnRateLimit(createTelegrafTelegram({ token: fake.token, apiRoot: fake.apiRoot }), { maxWaitMs: 3_000, attempts: 2, sleep: async (ms) => void slept.push(ms) });
    fake.script((call) => (call.chatId === 504 ? { status: 429, retryAfter: 1 } : undefined));
    await assert.rejects(port.sendMessage(504, 'x'), (e) => e instanceof TelegramApiError && e.failure === 'rate-limited');
    assert.deepEqual(slept, [1000, 1000]);
    fake.script(undefined);
  });
});
