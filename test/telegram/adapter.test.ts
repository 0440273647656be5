import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { TelegramApiError, type TelegramFailure, type TelegramPort } from '../../lib/ports/telegram.js';
import { createTelegrafTelegram, createTelegramCaller } from '../../lib/telegram/telegraf-telegram.js';
import { startFakeTelegram, type FakeTelegram, type Fault } from '../support/fake-telegram/index.js';
import { testClock } from '../support/clock.js';
import { recordingLog, tinyPng } from './helpers.js';

const CHAT = 4242;
/** Generous for normal calls: the machine is shared and the first multipart parse is slow. */
const TIMEOUT_MS = 10_000;
const HANG_TIMEOUT_MS = 300;

async function failure(promise: Promise<unknown>): Promise<TelegramApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TelegramApiError, `expected TelegramApiError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

function assertNoToken(error: TelegramApiError, token: string): void {
  const secret = token.slice(token.indexOf(':') + 1);
  for (const text of [error.message, error.stack ?? '', String((error.cause as Error | undefined)?.message), String((error.cause as Error | undefined)?.stack)]) {
    assert.ok(!text.includes(token) && !text.includes(secret), `token leaked in: ${text}`);
  }
}

describe('telegraf adapter against the fake Bot API', () => {
  let fake: FakeTelegram;
  let telegram: TelegramPort;
  const log = recordingLog();

  before(async () => {
    fake = await startFakeTelegram({ limits: false });
    telegram = createTelegrafTelegram({ token: fake.token, apiRoot: fake.apiRoot, timeoutMs: TIMEOUT_MS, log });
  });
  afterEach(() => {
    fake.reset();
    for (const entry of log.entries) assert.ok(!JSON.stringify(entry).includes(fake.token.slice(10)), 'token in a log entry');
    log.entries.length = 0;
  });
  after(() => fake.close());

  it('sendMessage sends HTML, silent and buttons as Telegram fields', async () => {
    const sent = await telegram.sendMessage(CHAT, '<b>BTC/USDT</b> long &amp; strong', { silent: true, buttons: [[{ text: 'Next ›', callbackData: 'page:2' }]] });
    assert.deepEqual(sent, { messageId: 1 });
    const [message] = fake.delivered(CHAT);
    assert.equal(message?.text, '<b>BTC/USDT</b> long &amp; strong');
    assert.equal(message?.visibleText, 'BTC/USDT long & strong');
    assert.equal(message?.parseMode, 'HTML');
    assert.equal(message?.disableNotification, true);
    assert.deepEqual(message?.replyMarkup, { inline_keyboard: [[{ text: 'Next ›', callback_data: 'page:2' }]] });
    assert.deepEqual(await telegram.sendMessage(CHAT, 'second'), { messageId: 2 });
    assert.equal(fake.delivered(CHAT)[1]?.disableNotification, false);
    assert.equal(fake.delivered(CHAT)[1]?.replyMarkup, undefined);
  });

  it('sendPhoto uploads the PNG multipart with an HTML caption and returns the largest file_id', async () => {
    const png = tinyPng(1200, 700);
    const sent = await telegram.sendPhoto(CHAT, { png, filename: 'btc.png' }, '<i>chart</i>', { silent: true });
    assert.equal(sent.messageId, 1);
    const [message] = fake.delivered(CHAT);
    assert.equal(sent.fileId, message?.photoFileId);
    assert.deepEqual(message?.photo, png);
    assert.equal(message?.caption, '<i>chart</i>');
    assert.equal(message?.parseMode, 'HTML');
    assert.equal(message?.disableNotification, true);
    assert.equal(fake.photos.length, 1);
    assert.equal(fake.calls[0]?.params.photo && (fake.calls[0].params.photo as { upload: string }).upload, 'btc.png');
  });

  it('sendPhoto reuses a file_id for another chat without uploading again', async () => {
    const png = tinyPng();
    const first = await telegram.sendPhoto(CHAT, { png, filename: 'a.png' });
    const again = await telegram.sendPhoto(CHAT + 1, { fileId: first.fileId }, 'same chart');
    assert.equal(again.fileId, first.fileId);
    assert.equal(fake.photos.length, 1);
    assert.deepEqual(fake.delivered(CHAT + 1)[0]?.photo, png);
    assert.equal(fake.delivered(CHAT)[0]?.caption, undefined);
  });

  it('sendPhoto with a file_id the API never issued is a permanent bad-request', async () => {
    const error = await failure(telegram.sendPhoto(CHAT, { fileId: 'AgACnever-issued' }));
    assert.equal(error.failure, 'bad-request');
    assert.equal(error.kind, 'permanent');
    assert.match(error.message, /wrong file identifier/);
  });

  it('editMessageText edits, treats identical text as not-modified, and maps a missing message to message-gone', async () => {
    const { messageId } = await telegram.sendMessage(CHAT, 'page 1', { buttons: [[{ text: '›', callbackData: 'p:2' }]] });
    assert.equal(await telegram.editMessageText(CHAT, messageId, 'page 2', { buttons: [[{ text: '‹', callbackData: 'p:1' }]] }), 'edited');
    assert.equal(await telegram.editMessageText(CHAT, messageId, 'page 2', { buttons: [[{ text: '‹', callbackData: 'p:1' }]] }), 'not-modified');
    const [state] = fake.messages(CHAT);
    assert.equal(state?.text, 'page 2');
    assert.deepEqual(state?.previousTexts, ['page 1']);
    assert.equal(log.entries.length, 0, 'not-modified is not logged as a failure');
    const gone = await failure(telegram.editMessageText(CHAT, 999, 'x'));
    assert.equal(gone.failure, 'message-gone');
    assert.equal(gone.status, 400);
    assert.equal(gone.kind, 'permanent');
  });

  it('pinChatMessage pins quietly; pinning a missing message is message-gone', async () => {
    const { messageId } = await telegram.sendMessage(CHAT, 'pin me');
    await telegram.pinChatMessage(CHAT, messageId);
    assert.equal(fake.messages(CHAT)[0]?.pinned, true);
    assert.equal(fake.calls.at(-1)?.params.disable_notification, true);
    assert.equal((await failure(telegram.pinChatMessage(CHAT, 77))).failure, 'message-gone');
  });

  it('answerCallbackQuery answers with and without text', async () => {
    await telegram.answerCallbackQuery('cbq-1', 'Page 2');
    await telegram.answerCallbackQuery('cbq-2');
    assert.deepEqual(fake.callbackAnswers.map((a) => [a.callbackQueryId, a.text]), [['cbq-1', 'Page 2'], ['cbq-2', undefined]]);
  });

  it('maps real Telegram refusals: blocked user, missing chat, unparsable HTML, too long', async () => {
    fake.blockChat(7);
    fake.removeChat(8);
    const blocked = await failure(telegram.sendMessage(7, 'hi'));
    assert.deepEqual([blocked.failure, blocked.kind, blocked.status], ['blocked', 'permanent', 403]);
    const missing = await failure(telegram.sendMessage(8, 'hi'));
    assert.deepEqual([missing.failure, missing.kind], ['chat-not-found', 'permanent']);
    const html = await failure(telegram.sendMessage(CHAT, '<b>open'));
    assert.deepEqual([html.failure, html.kind], ['bad-request', 'permanent']);
    assert.match(html.message, /can't parse entities/);
    const long = await failure(telegram.sendMessage(CHAT, 'x'.repeat(4097)));
    assert.match(long.message, /message is too long/);
    assert.equal(fake.delivered().length, 0);
  });

  const cases: readonly { fault: Fault; failure: TelegramFailure; kind: 'transient' | 'permanent'; status?: number }[] = [
    { fault: { status: 500 }, failure: 'unavailable', kind: 'transient', status: 500 },
    { fault: { status: 502, body: 'html' }, failure: 'unavailable', kind: 'transient', status: 502 },
    { fault: { status: 503, body: 'json' }, failure: 'unavailable', kind: 'transient', status: 503 },
    { fault: { status: 429, retryAfter: 7 }, failure: 'rate-limited', kind: 'transient', status: 429 },
    { fault: { status: 403 }, failure: 'blocked', kind: 'permanent', status: 403 },
    { fault: { status: 403, description: 'Forbidden: user is deactivated' }, failure: 'blocked', kind: 'permanent', status: 403 },
    { fault: { status: 400, description: 'Bad Request: chat not found' }, failure: 'chat-not-found', kind: 'permanent', status: 400 },
    { fault: { status: 400, description: 'Bad Request: message to edit not found' }, failure: 'message-gone', kind: 'permanent', status: 400 },
    { fault: { status: 400, description: 'Bad Request: message to delete not found' }, failure: 'message-gone', kind: 'permanent', status: 400 },
    { fault: { status: 400, description: 'Bad Request: MESSAGE_ID_INVALID' }, failure: 'message-gone', kind: 'permanent', status: 400 },
    { fault: { status: 400, description: 'Bad Request: BUTTON_DATA_INVALID' }, failure: 'bad-request', kind: 'permanent', status: 400 },
    { fault: { malformed: true }, failure: 'unavailable', kind: 'transient' },
    { fault: { dropAfterSend: true }, failure: 'unavailable', kind: 'transient' },
  ];
  for (const c of cases) {
    it(`scripted fault ${JSON.stringify(c.fault)} → ${c.failure} (${c.kind})`, async () => {
      fake.script(({ method }) => (method === 'sendMessage' ? c.fault : undefined));
      const error = await failure(telegram.sendMessage(CHAT, 'signal'));
      assert.equal(error.failure, c.failure);
      assert.equal(error.kind, c.kind);
      assert.equal(error.status, c.status);
      assert.equal(error.retryAfterMs, c.failure === 'rate-limited' ? 7000 : undefined);
      assert.ok(error.cause !== undefined, 'keeps the cause');
      assertNoToken(error, fake.token);
      assert.equal(log.entries.filter((e) => e.level === 'warn').length, 1);
      assert.equal(fake.delivered().length, 'dropAfterSend' in c.fault ? 1 : 0, 'dropAfterSend delivers although the client sees an error');
    });
  }

  it('a hanging API fails as unavailable within the configured timeout', async () => {
    fake.script(() => ({ hang: true }));
    const short = createTelegrafTelegram({ token: fake.token, apiRoot: fake.apiRoot, timeoutMs: HANG_TIMEOUT_MS, log });
    const started = performance.now();
    const error = await failure(short.sendPhoto(CHAT, { png: tinyPng(), filename: 'c.png' }, 'caption'));
    const elapsed = performance.now() - started;
    assert.deepEqual([error.failure, error.kind, error.status], ['unavailable', 'transient', undefined]);
    assert.match(error.message, new RegExp(`no answer within ${HANG_TIMEOUT_MS} ms`));
    // The fake never answers (telegraf's own default is 500 s): 20 s more than the timeout holds under load.
    assert.ok(elapsed >= HANG_TIMEOUT_MS - 20 && elapsed < HANG_TIMEOUT_MS + 20_000, `took ${elapsed} ms`);
    assertNoToken(error, fake.token);
  });

  it('a wrong token is unauthorized and never shows the token', async () => {
    const token = '999:WrongSecretWrongSecretWrongSecret';
    const wrong = createTelegrafTelegram({ token, apiRoot: fake.apiRoot, timeoutMs: TIMEOUT_MS, log });
    const error = await failure(wrong.sendMessage(CHAT, 'x'));
    assert.deepEqual([error.failure, error.kind, error.status], ['unauthorized', 'permanent', 401]);
    assertNoToken(error, token);
  });

  it('an unknown method (404) is unauthorized-class, via the raw caller', async () => {
    const call = createTelegramCaller({ token: fake.token, apiRoot: fake.apiRoot, timeoutMs: TIMEOUT_MS });
    const error = await failure(call('noSuchMethod', {}));
    assert.deepEqual([error.failure, error.status], ['unauthorized', 404]);
    assert.deepEqual(await call('getMe', {}), { id: 123456789, is_bot: true, first_name: 'Candlebot Test', username: 'candlebot_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
  });

  it('a refused connection is unavailable and the message has no token', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const closed = createTelegrafTelegram({ token: fake.token, apiRoot: `http://127.0.0.1:${port}`, timeoutMs: TIMEOUT_MS });
    const error = await failure(closed.sendMessage(CHAT, 'x'));
    assert.deepEqual([error.failure, error.kind], ['unavailable', 'transient']);
    assert.match(error.message, /ECONNREFUSED/);
    assertNoToken(error, fake.token);
  });

  it("the fake's own flood limiter surfaces as rate-limited with retryAfterMs", async () => {
    const limited = await startFakeTelegram({ clock: testClock(0) });
    try {
      const port = createTelegrafTelegram({ token: limited.token, apiRoot: limited.apiRoot, timeoutMs: TIMEOUT_MS });
      await port.sendMessage(CHAT, 'first');
      const error = await failure(port.sendMessage(CHAT, 'second, too soon'));
      assert.deepEqual([error.failure, error.kind, error.retryAfterMs], ['rate-limited', 'transient', 1000]);
      assert.equal(limited.rateLimitViolations, 1);
    } finally {
      await limited.close();
    }
  });

  it('rejects bad options up front', () => {
    assert.throws(() => createTelegrafTelegram({ token: '' }), /token is required/);
    assert.throws(() => createTelegrafTelegram({ token: 'a:b', timeoutMs: 0 }), /timeoutMs/);
  });
});
