import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TelegramError } from 'telegraf';
import { TelegramApiError } from '../../lib/ports/telegram.js';
import { classifyApiError, redactToken, translateTelegramError } from '../../lib/telegram/translate-error.js';

const TOKEN = '123456:ABCdefGHIjklMNOpqrSTUvwxYZ';
const ctx = { token: TOKEN, method: 'sendMessage' };

describe('redactToken', () => {
  it('replaces bot<token>, the bare token, its URL form and its secret part', () => {
    assert.equal(redactToken(`GET http://h/bot${TOKEN}/sendMessage`, TOKEN), 'GET http://h/bot<redacted>/sendMessage');
    assert.equal(redactToken(`token=${TOKEN}`, TOKEN), 'token=<redacted>');
    assert.equal(redactToken(`x/bot${encodeURIComponent(TOKEN)}/y`, TOKEN), 'x/bot<redacted>/y');
    assert.equal(redactToken('bot123456:ABCdefGHIjklMNOpqrSTUvwxYZ', TOKEN), 'bot<redacted>');
    assert.equal(redactToken('only ABCdefGHIjklMNOpqrSTUvwxYZ', TOKEN), 'only <redacted>');
    assert.equal(redactToken('nothing here', TOKEN), 'nothing here');
    assert.equal(redactToken('text', ''), 'text');
  });
});

describe('classifyApiError', () => {
  const table: [number, string, string][] = [
    [429, 'Too Many Requests: retry after 5', 'rate-limited'],
    [500, 'Internal Server Error', 'unavailable'],
    [502, 'Bad Gateway', 'unavailable'],
    [403, 'Forbidden: bot was blocked by the user', 'blocked'],
    [403, 'Forbidden: user is deactivated', 'blocked'],
    [401, 'Unauthorized', 'unauthorized'],
    [404, 'Not Found', 'unauthorized'],
    [400, 'Bad Request: chat not found', 'chat-not-found'],
    [400, 'Bad Request: message to edit not found', 'message-gone'],
    [400, 'Bad Request: message to pin not found', 'message-gone'],
    [400, 'Bad Request: message to delete not found', 'message-gone'],
    [400, 'Bad Request: MESSAGE_ID_INVALID', 'message-gone'],
    [400, "Bad Request: can't parse entities: Unsupported start tag", 'bad-request'],
    [409, 'Conflict: terminated by other getUpdates request', 'bad-request'],
  ];
  for (const [status, description, failure] of table) {
    it(`${status} ${description} → ${failure}`, () => assert.equal(classifyApiError(status, description), failure));
  }
});

describe('translateTelegramError', () => {
  it('translates telegraf TelegramError with retry_after and keeps the cause', () => {
    const cause = new TelegramError({ error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
    const error = translateTelegramError(cause, ctx);
    assert.deepEqual([error.failure, error.kind, error.status, error.retryAfterMs, error.code], ['rate-limited', 'transient', 429, 3000, 'TELEGRAM_RATE_LIMITED']);
    assert.equal(error.cause, cause);
    assert.equal(error.message, 'Telegram sendMessage failed: 429 Too Many Requests: retry after 3');
  });

  it('node-fetch errors, aborts and socket errors are unavailable; the cause is redacted in place', () => {
    const invalid = Object.assign(new Error(`invalid json response body at http://h/bot${TOKEN}/sendMessage reason: Unexpected end`), { name: 'FetchError', type: 'invalid-json' });
    const error = translateTelegramError(invalid, ctx);
    assert.deepEqual([error.failure, error.kind, error.status], ['unavailable', 'transient', undefined]);
    assert.ok(!error.message.includes(TOKEN) && !invalid.message.includes(TOKEN) && !String(invalid.stack).includes(TOKEN));
    assert.match(error.message, /malformed response/);
    const abort = Object.assign(new Error('The user aborted a request.'), { name: 'AbortError' });
    assert.match(translateTelegramError(abort, { ...ctx, timedOutAfterMs: 250 }).message, /no answer within 250 ms/);
    assert.equal(translateTelegramError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), ctx).failure, 'unavailable');
    assert.equal(translateTelegramError(Object.assign(new Error('x'), { name: 'FetchError', type: 'system', code: 'ECONNREFUSED' }), ctx).failure, 'unavailable');
  });

  it('anything else is a permanent bad-request with a redacted message', () => {
    const error = translateTelegramError(new TypeError(`Unable to upload ${TOKEN}`), ctx);
    assert.deepEqual([error.failure, error.kind], ['bad-request', 'permanent']);
    assert.ok(!error.message.includes(TOKEN));
    assert.equal(translateTelegramError('a string', ctx).failure, 'bad-request');
  });

  it('passes an existing TelegramApiError through', () => {
    const existing = new TelegramApiError('x', { failure: 'blocked', status: 403 });
    assert.equal(translateTelegramError(existing, ctx), existing);
  });
});
