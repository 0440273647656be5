/**
 * boundTexts (lib/telegram/bound-texts.ts), the last line of defence of command replies, against
 * the fake Bot API that enforces Telegram's limits: texts, edits, captions and callback answers
 * over the limit are split or cut and accepted, never refused with 400.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { TelegramPort } from '../../lib/ports/telegram.js';
import { boundTexts, truncateHtml } from '../../lib/telegram/bound-texts.js';
import { createTelegrafTelegram } from '../../lib/telegram/telegraf-telegram.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram/index.js';
import { recordingLog, tinyPng } from './helpers.js';

const CHAT = 4343;

describe('boundTexts against the fake Bot API', () => {
  let fake: FakeTelegram;
  let telegram: TelegramPort;
  const log = recordingLog();
  before(async () => {
    fake = await startFakeTelegram({ limits: false });
    telegram = boundTexts(createTelegrafTelegram({ token: fake.token, apiRoot: fake.apiRoot, timeoutMs: 10_000 }), { log });
  });
  afterEach(() => fake.reset());
  after(() => fake.close());

  const refused = () => fake.calls.filter((c) => c.status !== 200).map((c) => `${c.method} ${c.status} ${c.description}`);

  it('sends a short text unchanged, and a 10,000-character one as several messages with the buttons on the last', async () => {
    await telegram.sendMessage(CHAT, '<b>short</b>');
    assert.deepEqual(fake.delivered(CHAT).map((m) => m.text), ['<b>short</b>']);
    const long = `<b>${'A&amp;<i>b</i> '.repeat(800)}</b>\n${'😀'.repeat(3000)}`;
    const sent = await telegram.sendMessage(CHAT, long, { buttons: [[{ text: 'x', callbackData: 'y' }]] });
    const parts = fake.delivered(CHAT).slice(1);
    assert.ok(parts.length >= 3, `${parts.length} parts`);
    assert.deepEqual(refused(), []);
    assert.ok(parts.every((p) => p.text!.length <= 4096));
    assert.equal(sent.messageId, parts.at(-1)!.messageId);
    assert.deepEqual(parts.map((p) => p.replyMarkup !== undefined), [...parts.slice(1).map(() => false), true]);
    assert.equal(parts.map((p) => p.visibleText).join('').replace(/\n/g, ''), (`${'A&b '.repeat(800)}${'😀'.repeat(3000)}`).replace(/\n/g, ''), 'nothing lost');
    assert.ok(log.entries.some((e) => e.level === 'warn' && /over the limit/.test(e.message)));
  });

  it('cuts an edit over the limit (an edit cannot become two messages), with an ellipsis', async () => {
    const { messageId } = await telegram.sendMessage(CHAT, 'first');
    assert.equal(await telegram.editMessageText(CHAT, messageId, `<code>${'&lt;'.repeat(3000)}</code>`), 'edited');
    assert.deepEqual(refused(), []);
    const text = fake.messages(CHAT).find((m) => m.messageId === messageId)!.text!;
    assert.ok(text.length <= 4096 && text.endsWith('</code>…'), text.slice(-20));
  });

  it('keeps a caption within 1024 characters and sends the rest as messages', async () => {
    const caption = Array.from({ length: 60 }, (_, i) => `<b>line ${i}</b> ${'x'.repeat(40)}`).join('\n');
    await telegram.sendPhoto(CHAT, { png: tinyPng(), filename: 'c.png' }, caption);
    assert.deepEqual(refused(), []);
    const [photo, ...rest] = fake.delivered(CHAT);
    assert.ok(photo!.caption!.length <= 1024);
    assert.ok(rest.length >= 1);
    assert.match(rest.at(-1)!.text!, /line 59/);
  });

  it('cuts a callback answer over 200 characters', async () => {
    await telegram.answerCallbackQuery('q1', '😀'.repeat(300));
    assert.deepEqual(refused(), []);
    const text = fake.callbackAnswers.at(-1)!.text!;
    assert.ok(text.length <= 200 && text.endsWith('…'));
  });

  it('truncateHtml never cuts a tag or an entity; a tag too long for the limit is dropped, not cut', () => {
    const html = `<a href="https://example.com/${'q'.repeat(50)}">${'&amp;'.repeat(50)}</a>`;
    const cut = truncateHtml(html, 120);
    assert.ok(cut.length <= 120, cut);
    assert.match(cut, /^<a href="[^"]*">(&amp;)+<\/a>…$/);
    const tiny = truncateHtml(html, 40);
    assert.ok(tiny.length <= 40, tiny);
    assert.match(tiny, /^(&amp;)+…$/);
  });
});
