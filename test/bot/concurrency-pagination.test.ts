/**
 * Through the webhook handler: 50 simultaneous /subscribe from one chat, paginated /list with
 * working ◂ ▸ buttons (callback queries edit the message in place), and the per-chat rate limit.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPageCodec, deriveCallbackKey } from '../../lib/bot/pagination.js';
import { MANY_SYMBOLS, outcome, SECRET, startHarness, type Harness } from '../webhook/harness.js';

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] } | undefined;
const buttons = (markup: unknown) => ((markup as Keyboard)?.inline_keyboard ?? []).flat().map((b) => `${b.text}=${b.callback_data}`);
/** The tag of signed page data, replaced for comparison. */
const untagged = (b: string) => b.replace(/=pg:[A-Za-z0-9_-]{12}:/, '=pg:<tag>:');
const dataOf = (b: string) => b.slice(b.indexOf('=') + 1);
/** The webhook's page codec (key derived from the webhook secret). */
const pages = createPageCodec(deriveCallbackKey(SECRET, 'webhook-secret'));

describe('concurrency and pagination', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('50 simultaneous /subscribe from one chat for different symbols → all 50 present', async () => {
    const chat = 3001;
    const symbols = MANY_SYMBOLS.slice(0, 50);
    const results = await Promise.all(symbols.map((s) => h.send(h.text(chat, `/subscribe ${s}`))));
    assert.deepEqual(results.map((r) => r.statusCode), symbols.map(() => 200));
    assert.deepEqual(results.map(outcome), symbols.map(() => 'handled'));
    const stored = (await h.users.list(chat)).map((s) => s.symbol).sort();
    assert.deepEqual(stored, symbols);
    assert.equal(h.texts(chat).filter((t) => t.startsWith('✅ Subscribed')).length, 50);
  });

  it('/list is paginated and the buttons page through it by editing the message', async () => {
    const chat = 3001;
    // 50 more (ema-cross) make 100 lines: more than one 4096-character page.
    await Promise.all(MANY_SYMBOLS.slice(0, 50).map((s) => h.send(h.text(chat, `/subscribe ${s} ema-cross`))));
    assert.equal((await h.users.list(chat)).length, 100);
    await h.send(h.text(chat, '/list'));
    const sent = h.fake.delivered(chat).at(-1)!;
    const first = sent.text!;
    assert.match(first, /Your subscriptions \(100\)/);
    assert.match(first, /<i>page 1\/2<\/i>$/);
    assert.ok(first.length <= 4096);
    const [next] = buttons(sent.replyMarkup);
    assert.deepEqual(buttons(sent.replyMarkup).map(untagged), ['2/2 ▸=pg:<tag>:2:list']);
    assert.ok(Buffer.byteLength(dataOf(next!)) <= 64);
    assert.deepEqual(pages.decode(chat, dataOf(next!)), { page: 2, command: 'list', args: [] }, 'signed with the webhook secret\'s key, for this chat');

    const before = h.fake.delivered(chat).length;
    const r = await h.send(h.callback(chat, sent.messageId, dataOf(next!)));
    assert.equal(r.statusCode, 200);
    assert.equal(h.fake.delivered(chat).length, before, 'no new message: the page is edited in place');
    const edited = h.fake.messages(chat).find((m) => m.messageId === sent.messageId)!;
    assert.match(edited.text!, /<i>page 2\/2<\/i>$/);
    assert.deepEqual(buttons(edited.replyMarkup).map(untagged), ['◂ 1/2=pg:<tag>:1:list']);
    assert.ok(h.fake.callbackAnswers.some((a) => a.text === undefined), 'the callback query is answered');

    // Both pages together hold every subscription exactly once.
    const lines = [first, edited.text!].flatMap((t) => t.split('\n').filter((l) => l.startsWith('• ')));
    assert.equal(lines.length, 100);
    assert.equal(new Set(lines).size, 100);

    await h.send(h.callback(chat, sent.messageId, dataOf(buttons(edited.replyMarkup)[0]!)));
    assert.equal(h.fake.messages(chat).find((m) => m.messageId === sent.messageId)!.text, first);
  });

  it('a stale or foreign button is answered (empty) and changes nothing', async () => {
    const before = h.fake.callbackAnswers.length;
    const r = await h.send(h.callback(3001, 1, 'vote:yes'));
    assert.equal(outcome(r), 'ignored');
    assert.equal(h.fake.callbackAnswers.length, before + 1);
    assert.equal(h.fake.callbackAnswers.at(-1)!.text, undefined);
  });

  it('a page button of another chat does not work here', async () => {
    const foreign = pages.encode(3002, { page: 2, command: 'list', args: [] })!;
    const r = await h.send(h.callback(3001, 1, foreign));
    assert.equal(outcome(r), 'ignored');
    assert.equal(h.fake.callbackAnswers.at(-1)!.text, undefined);
  });
});

describe('per-chat rate limit', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ burst: 3, perMinute: 1 });
  });
  after(() => h.close());

  it('refuses commands beyond the burst and says "slow down" once, not per message', async () => {
    const chat = 4001;
    for (const text of ['/start', '/list', '/settings']) assert.equal(outcome(await h.send(h.text(chat, text))), 'handled');
    const refused = [];
    for (let i = 0; i < 4; i++) refused.push(outcome(await h.send(h.text(chat, '/list'))));
    assert.deepEqual(refused, ['rate-limited', 'rate-limited', 'rate-limited', 'rate-limited']);
    const texts = h.texts(chat);
    assert.equal(texts.length, 4, JSON.stringify(texts));
    assert.match(texts[3]!, /^Slow down: too many commands\. Try again in \d+ s\.$/);
    // Another chat is not affected.
    assert.equal(outcome(await h.send(h.text(4002, '/list'))), 'handled');
  });

  it('a refused page button is answered with "slow down" and the message stays', async () => {
    const r = await h.send(h.callback(4001, 1, pages.encode(4001, { page: 2, command: 'list', args: [] })!));
    assert.equal(outcome(r), 'rate-limited');
    assert.match(h.fake.callbackAnswers.at(-1)!.text ?? '', /^Slow down: try again in \d+ s\.$/);
  });
});
