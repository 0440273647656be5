/**
 * Through the webhook handler: 50 simultaneous /subscribe from one chat, paginated /list with
 * working ◂ ▸ buttons (callback queries edit the message in place), and the per-chat rate limit.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MANY_SYMBOLS, outcome, startHarness, type Harness } from '../webhook/harness.js';

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] } | undefined;
const buttons = (markup: unknown) => ((markup as Keyboard)?.inline_keyboard ?? []).flat().map((b) => `${b.text}=${b.callback_data}`);

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
    assert.deepEqual(buttons(sent.replyMarkup), ['2/2 ▸=pg:2:list']);

    const before = h.fake.delivered(chat).length;
    const r = await h.send(h.callback(chat, sent.messageId, 'pg:2:list'));
    assert.equal(r.statusCode, 200);
    assert.equal(h.fake.delivered(chat).length, before, 'no new message: the page is edited in place');
    const edited = h.fake.messages(chat).find((m) => m.messageId === sent.messageId)!;
    assert.match(edited.text!, /<i>page 2\/2<\/i>$/);
    assert.deepEqual(buttons(edited.replyMarkup), ['◂ 1/2=pg:1:list']);
    assert.ok(h.fake.callbackAnswers.some((a) => a.text === undefined), 'the callback query is answered');

    // Both pages together hold every subscription exactly once.
    const lines = [first, edited.text!].flatMap((t) => t.split('\n').filter((l) => l.startsWith('• ')));
    assert.equal(lines.length, 100);
    assert.equal(new Set(lines).size, 100);

    await h.send(h.callback(chat, sent.messageId, 'pg:1:list'));
    assert.equal(h.fake.messages(chat).find((m) => m.messageId === sent.messageId)!.text, first);
  });

  it('a stale or foreign button is answered and changes nothing', async () => {
    const before = h.fake.callbackAnswers.length;
    const r = await h.send(h.callback(3001, 1, 'vote:yes'));
    assert.equal(outcome(r), 'ignored');
    assert.equal(h.fake.callbackAnswers.length, before + 1);
    assert.match(h.fake.callbackAnswers.at(-1)!.text ?? '', /no longer works/);
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
    const r = await h.send(h.callback(4001, 1, 'pg:2:list'));
    assert.equal(outcome(r), 'rate-limited');
    assert.match(h.fake.callbackAnswers.at(-1)!.text ?? '', /^Slow down: try again in \d+ s\.$/);
  });
});
