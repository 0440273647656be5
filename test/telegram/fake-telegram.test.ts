import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram/index.js';
import { testClock } from '../support/clock.js';
import { tinyPng } from './helpers.js';

interface Answer {
  readonly status: number;
  readonly body: { ok: boolean; result?: any; error_code?: number; description?: string; parameters?: { retry_after?: number } };
}

function api(fake: FakeTelegram) {
  return async (method: string, params: Record<string, unknown> = {}, token = fake.token): Promise<Answer> => {
    const response = await fetch(`${fake.apiRoot}/bot${token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
}

async function upload(fake: FakeTelegram, fields: Record<string, string>, photo: Uint8Array): Promise<Answer> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('photo', new Blob([photo], { type: 'image/png' }), 'chart.png');
  const response = await fetch(`${fake.apiRoot}/bot${fake.token}/sendPhoto`, { method: 'POST', body: form });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

function assertError(answer: Answer, status: number, description: RegExp): void {
  assert.equal(answer.status, status);
  assert.equal(answer.body.ok, false);
  assert.equal(answer.body.error_code, status);
  assert.match(answer.body.description ?? '', description);
}

describe('fake Telegram Bot API', () => {
  let fake: FakeTelegram;
  let call: ReturnType<typeof api>;

  before(async () => {
    fake = await startFakeTelegram({ limits: false });
    call = api(fake);
  });
  afterEach(() => fake.reset());
  after(() => fake.close());

  it('binds 127.0.0.1 and answers getMe; wrong token 401; unknown path and method 404', async () => {
    assert.match(fake.apiRoot, /^http:\/\/127\.0\.0\.1:\d+$/);
    const me = await call('getMe');
    assert.equal(me.body.result.is_bot, true);
    assert.deepEqual((await call('getMe', {}, '1:nope')).body, { ok: false, error_code: 401, description: 'Unauthorized' });
    assertError(await call('getChat'), 404, /Not Found/);
    assert.equal((await fetch(`${fake.apiRoot}/other`)).status, 404);
    assert.deepEqual(fake.calls.map((c) => [c.method, c.status]), [['getMe', 200], ['getMe', 401], ['getChat', 404]]);
  });

  it('sendMessage returns a real-looking Message with per-chat message ids', async () => {
    const first = await call('sendMessage', { chat_id: 5, text: '<b>a</b> &lt;b&gt;', parse_mode: 'HTML' });
    assert.equal(first.status, 200);
    assert.equal(first.body.result.message_id, 1);
    assert.equal(first.body.result.text, 'a <b>');
    assert.deepEqual(first.body.result.chat, { id: 5, first_name: 'User 5', type: 'private' });
    assert.equal(typeof first.body.result.date, 'number');
    assert.equal((await call('sendMessage', { chat_id: 5, text: 'b' })).body.result.message_id, 2);
    assert.equal((await call('sendMessage', { chat_id: -100123, text: 'c' })).body.result.message_id, 1);
    assert.equal((await call('sendMessage', { chat_id: '5', text: 'd' })).body.result.message_id, 3);
    assert.deepEqual(fake.delivered(5).map((m) => m.messageId), [1, 2, 3]);
    assert.equal(fake.delivered().length, 4);
  });

  it('validates texts like Telegram', async () => {
    assertError(await call('sendMessage', { chat_id: 5, text: '' }), 400, /^Bad Request: message text is empty$/);
    assertError(await call('sendMessage', { chat_id: 5, text: '<b> </b>', parse_mode: 'HTML' }), 400, /message text is empty/);
    assertError(await call('sendMessage', { chat_id: 5, text: 'x'.repeat(4097) }), 400, /^Bad Request: message is too long$/);
    // Telegram counts the visible text: 4096 characters wrapped in tags are fine.
    assert.equal((await call('sendMessage', { chat_id: 5, text: `<b>${'x'.repeat(4096)}</b>`, parse_mode: 'HTML' })).status, 200);
    assert.equal((await call('sendMessage', { chat_id: 5, text: '&amp;'.repeat(4096), parse_mode: 'HTML' })).status, 200);
    assertError(await call('sendMessage', { chat_id: 5, text: '<b>open', parse_mode: 'HTML' }), 400, /can't parse entities: Can't find end tag corresponding to start tag "b"/);
    assertError(await call('sendMessage', { chat_id: 5, text: '<b><i>x</b></i>', parse_mode: 'HTML' }), 400, /Unmatched end tag/);
    assertError(await call('sendMessage', { chat_id: 5, text: 'a <div>x</div>', parse_mode: 'HTML' }), 400, /Unsupported start tag "div" at byte offset 2/);
    assertError(await call('sendMessage', { chat_id: 5, text: '1 < 2', parse_mode: 'HTML' }), 400, /can't parse entities/);
    assertError(await call('sendMessage', { chat_id: 5, text: '<span>x</span>', parse_mode: 'HTML' }), 400, /tg-spoiler/);
    // Without parse_mode the same text is plain.
    assert.equal((await call('sendMessage', { chat_id: 5, text: '<b>open' })).status, 200);
    assertError(await call('sendMessage', { chat_id: 5, text: 'k', reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: 'x'.repeat(65) }]] } }), 400, /BUTTON_DATA_INVALID/);
    assert.equal(fake.delivered().length, 3);
  });

  it('sendPhoto: multipart upload, file_id reuse, wrong ids, captions, non-images', async () => {
    const png = tinyPng(1000, 500);
    const sent = await upload(fake, { chat_id: '9', caption: '<b>BTC</b>', parse_mode: 'HTML', disable_notification: 'true', reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'x', callback_data: 'y' }]] }) }, png);
    assert.equal(sent.status, 200);
    const sizes = sent.body.result.photo as { file_id: string; width: number; height: number }[];
    assert.deepEqual(sizes.map((s) => [s.width, s.height]), [[90, 45], [320, 160], [1000, 500]]);
    assert.equal(sent.body.result.caption, 'BTC');
    const [delivered] = fake.delivered(9);
    assert.deepEqual(delivered?.photo, png);
    assert.equal(delivered?.disableNotification, true);
    assert.deepEqual(delivered?.replyMarkup, { inline_keyboard: [[{ text: 'x', callback_data: 'y' }]] });
    const reused = await call('sendPhoto', { chat_id: 10, photo: sizes[2]?.file_id });
    assert.equal(reused.body.result.photo.at(-1).file_id, sizes[2]?.file_id);
    assertError(await call('sendPhoto', { chat_id: 10, photo: 'AgACnever' }), 400, /wrong file identifier/);
    assertError(await call('sendPhoto', { chat_id: 10, photo: sizes[2]?.file_id, caption: 'c'.repeat(1025) }), 400, /^Bad Request: message caption is too long$/);
    assertError(await upload(fake, { chat_id: '9' }, new TextEncoder().encode('not an image')), 400, /IMAGE_PROCESS_FAILED/);
    assert.equal(fake.photos.length, 1);
    assert.equal(fake.delivered().length, 2);
  });

  it('edits, pins and deletes with Telegram errors for missing or unchanged messages', async () => {
    await call('sendMessage', { chat_id: 5, text: 'v1' });
    assertError(await call('editMessageText', { chat_id: 5, message_id: 1, text: 'v1' }), 400, /message is not modified/);
    assert.equal((await call('editMessageText', { chat_id: 5, message_id: 1, text: 'v1', reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'b' }]] } })).status, 200);
    const edited = await call('editMessageText', { chat_id: 5, message_id: 1, text: '<i>v2</i>', parse_mode: 'HTML' });
    assert.equal(edited.body.result.text, 'v2');
    assert.equal(typeof edited.body.result.edit_date, 'number');
    assertError(await call('editMessageText', { chat_id: 5, message_id: 2, text: 'x' }), 400, /^Bad Request: message to edit not found$/);
    assertError(await call('pinChatMessage', { chat_id: 5, message_id: 2 }), 400, /message to pin not found/);
    assert.deepEqual((await call('pinChatMessage', { chat_id: 5, message_id: 1 })).body, { ok: true, result: true });
    assert.equal(fake.messages(5)[0]?.pinned, true);
    assert.equal((await call('unpinChatMessage', { chat_id: 5 })).status, 200);
    assert.equal(fake.messages(5)[0]?.pinned, false);
    assertError(await call('unpinChatMessage', { chat_id: 5, message_id: 1 }), 400, /message to unpin not found/);
    assert.equal((await call('sendChatAction', { chat_id: 5, action: 'upload_photo' })).status, 200);
    assert.equal((await call('pinChatMessage', { chat_id: 5, message_id: 1 })).status, 200);
    assert.deepEqual((await call('deleteMessage', { chat_id: 5, message_id: 1 })).body, { ok: true, result: true });
    assertError(await call('deleteMessage', { chat_id: 5, message_id: 1 }), 400, /message to delete not found/);
    assertError(await call('editMessageText', { chat_id: 5, message_id: 1, text: 'x' }), 400, /message to edit not found/);
    const [state] = fake.messages(5);
    assert.deepEqual([state?.deleted, state?.pinned, state?.text, state?.previousTexts], [true, false, '<i>v2</i>', ['v1', 'v1']]);
  });

  it('blocked and removed chats, knownChats', async () => {
    fake.blockChat(5);
    fake.blockChat(-77);
    fake.removeChat(6);
    assertError(await call('sendMessage', { chat_id: 5, text: 'x' }), 403, /^Forbidden: bot was blocked by the user$/);
    assertError(await call('sendMessage', { chat_id: -77, text: 'x' }), 403, /kicked/);
    assertError(await call('sendMessage', { chat_id: 6, text: 'x' }), 400, /^Bad Request: chat not found$/);
    fake.unblockChat(5);
    assert.equal((await call('sendMessage', { chat_id: 5, text: 'x' })).status, 200);
    const only = await startFakeTelegram({ limits: false, knownChats: [1] });
    try {
      assert.equal((await api(only)('sendMessage', { chat_id: 1, text: 'x' })).status, 200);
      assertError(await api(only)('sendMessage', { chat_id: 2, text: 'x' }), 400, /chat not found/);
    } finally {
      await only.close();
    }
  });

  it('scripted faults see method, chat, params and seq; 5xx bodies; malformed; drop after send', async () => {
    const seen: unknown[] = [];
    fake.script((c) => {
      seen.push([c.method, c.chatId, c.params.text, c.seq]);
      return c.seq === 1 ? { status: 502, body: 'html' } : c.seq === 2 ? { status: 500 } : c.seq === 3 ? { malformed: true } : c.seq === 4 ? { dropAfterSend: true } : undefined;
    });
    const html = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"chat_id":3,"text":"a"}' });
    assert.equal(html.status, 502);
    assert.match(await html.text(), /<html>/);
    assertError(await call('sendMessage', { chat_id: 3, text: 'b' }), 500, /Internal Server Error/);
    const bad = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"chat_id":3,"text":"c"}' });
    assert.equal(bad.status, 200);
    await assert.rejects(bad.json(), SyntaxError);
    await assert.rejects(call('sendMessage', { chat_id: 3, text: 'd' }), TypeError);
    assert.equal((await call('sendMessage', { chat_id: 3, text: 'e' })).status, 200);
    assert.deepEqual(seen, [['sendMessage', 3, 'a', 1], ['sendMessage', 3, 'b', 2], ['sendMessage', 3, 'c', 3], ['sendMessage', 3, 'd', 4], ['sendMessage', 3, 'e', 5]]);
    assert.deepEqual(fake.delivered(3).map((m) => m.text), ['d', 'e']);
    assert.deepEqual(fake.calls.map((c) => c.status), [502, 500, 200, undefined, 200]);
  });

  it('a hanging call never answers and close() ends it', async () => {
    const own = await startFakeTelegram({ limits: false });
    own.script(() => ({ hang: true }));
    const pending = fetch(`${own.apiRoot}/bot${own.token}/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"chat_id":1,"text":"x"}' });
    const raced = await Promise.race([pending.then(() => 'answered', () => 'failed'), new Promise((r) => setTimeout(() => r('pending'), 150))]);
    assert.equal(raced, 'pending');
    await own.close();
    await assert.rejects(pending);
    await own.close();
  });

  it('getUpdates long-polls, honours offset and timeout; an active webhook makes it 409', async () => {
    const waiting = call('getUpdates', { timeout: 5, offset: 0 });
    await new Promise((r) => setTimeout(r, 50));
    fake.pushUpdate({ message: { message_id: 1, chat: { id: 5, type: 'private' }, date: 1, text: '/status' } });
    const first = await waiting;
    assert.deepEqual(first.body.result.map((u: { update_id: number }) => u.update_id), [1]);
    fake.pushUpdate({ callback_query: { id: 'q1', data: 'p:2' } });
    assert.deepEqual((await call('getUpdates', { offset: 1 })).body.result.map((u: { update_id: number }) => u.update_id), [1, 2]);
    assert.deepEqual((await call('getUpdates', { offset: 2 })).body.result.map((u: { update_id: number }) => u.update_id), [2]);
    const started = performance.now();
    assert.deepEqual((await call('getUpdates', { offset: 3, timeout: 1 })).body.result, []);
    assert.ok(performance.now() - started >= 900);
    assert.deepEqual((await call('setWebhook', { url: 'https://example.test/hook', secret_token: 'abc_DEF-1', allowed_updates: ['message'] })).body, { ok: true, result: true });
    assertError(await call('getUpdates'), 409, /Conflict/);
    assert.deepEqual(fake.webhook?.allowed_updates, ['message']);
    assert.equal(fake.webhook?.secret_token, 'abc_DEF-1');
    assert.deepEqual((await call('getWebhookInfo')).body.result, { url: 'https://example.test/hook', has_custom_certificate: false, pending_update_count: 0, allowed_updates: ['message'] });
    assert.equal((await call('deleteWebhook', { drop_pending_updates: true })).status, 200);
    assert.equal(fake.webhook, undefined);
    assert.equal((await call('getUpdates')).status, 200);
  });

  it('validates setWebhook and setMyCommands', async () => {
    assertError(await call('setWebhook', { url: 'http://insecure.test/hook' }), 400, /HTTPS URL must be provided/);
    assertError(await call('setWebhook', { url: 'https://x.test/', secret_token: 'has space' }), 400, /secret token contains unallowed characters/);
    assertError(await call('setMyCommands', { commands: [{ command: 'Status', description: 'x' }] }), 400, /BOT_COMMAND_INVALID/);
    assertError(await call('setMyCommands', { commands: [{ command: 'status', description: '' }] }), 400, /description is empty/);
    assert.equal((await call('setMyCommands', { commands: [{ command: 'status', description: 'Bot status' }] })).status, 200);
    assert.deepEqual(fake.commands, [{ command: 'status', description: 'Bot status' }]);
    assert.deepEqual((await call('getMyCommands')).body.result, [{ command: 'status', description: 'Bot status' }]);
    assert.equal((await call('deleteMyCommands')).status, 200);
    assert.equal(fake.commands, undefined);
    assertError(await call('answerCallbackQuery', {}), 400, /query ID is invalid/);
  });

  it('reset() forgets everything', async () => {
    await call('sendMessage', { chat_id: 1, text: 'x' });
    fake.blockChat(2);
    fake.script(() => ({ status: 500 }));
    fake.reset();
    assert.deepEqual([fake.calls.length, fake.delivered().length, fake.messages(1).length], [0, 0, 0]);
    assert.equal((await call('sendMessage', { chat_id: 2, text: 'x' })).body.result.message_id, 1);
  });
});

describe('fake Telegram flood limiter', () => {
  it('allows one message per chat per interval and answers 429 with retry_after', async () => {
    const clock = testClock(1_000_000);
    const fake = await startFakeTelegram({ clock });
    try {
      const call = api(fake);
      assert.equal((await call('sendMessage', { chat_id: 1, text: 'a' })).status, 200);
      clock.advance(400);
      const limited = await call('sendMessage', { chat_id: 1, text: 'b' });
      assertError(limited, 429, /^Too Many Requests: retry after 1$/);
      assert.equal(limited.body.parameters?.retry_after, 1);
      assert.equal((await call('sendMessage', { chat_id: 2, text: 'other chat' })).status, 200);
      assert.equal((await call('editMessageText', { chat_id: 1, message_id: 1, text: 'edits are not limited' })).status, 200);
      clock.advance(600);
      assert.equal((await call('sendMessage', { chat_id: 1, text: 'c' })).status, 200);
      assert.equal(fake.rateLimitViolations, 1);
      assert.deepEqual(fake.delivered(1).map((m) => m.text), ['a', 'c']);
    } finally {
      await fake.close();
    }
  });

  it('caps messages per second over all chats', async () => {
    const clock = testClock(0);
    const fake = await startFakeTelegram({ clock, limits: { globalPerSecond: 3, perChatIntervalMs: 2000 } });
    try {
      const call = api(fake);
      for (const chat of [1, 2, 3]) assert.equal((await call('sendMessage', { chat_id: chat, text: 'x' })).status, 200);
      clock.advance(999);
      assertError(await call('sendMessage', { chat_id: 4, text: 'x' }), 429, /retry after 1/);
      assertError(await call('sendMessage', { chat_id: 1, text: 'x' }), 429, /retry after 2/);
      clock.advance(1);
      assert.equal((await call('sendMessage', { chat_id: 4, text: 'x' })).status, 200);
      assert.equal(fake.rateLimitViolations, 2);
    } finally {
      await fake.close();
    }
  });

  it('limits: false never answers 429', async () => {
    const fake = await startFakeTelegram({ limits: false, clock: testClock(0) });
    try {
      for (let i = 0; i < 40; i++) assert.equal((await api(fake)('sendMessage', { chat_id: 1, text: `m${i}` })).status, 200);
      assert.equal(fake.rateLimitViolations, 0);
    } finally {
      await fake.close();
    }
  });
});
