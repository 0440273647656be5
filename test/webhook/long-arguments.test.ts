/**
 * Hostile arguments through the real webhook handler (issue 12 item 9): for every command the
 * bot lists in /help, arguments of 64 and 5,000 characters (ASCII, emoji, HTML metacharacters,
 * combining marks) in each position get a reply that the fake Bot API — which enforces
 * Telegram's 4096-character limit and its HTML rules — accepts. Before the fix, an echoed
 * argument made the reply too long, Telegram answered 400 and the user got nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { RATE_LIMIT_SK } from '../../lib/store/users/command-rate-limit.js';
import { chatPk } from '../../lib/store/users/user-rows.js';
import { ADMIN_CHAT, outcome, startHarness, type Harness } from './harness.js';

const LIMIT = 4096;

/** `n` code points of each kind. */
const PAYLOADS: readonly { name: string; make: (n: number) => string }[] = [
  { name: 'ascii', make: (n) => 'A'.repeat(n) },
  { name: 'emoji', make: (n) => '😀'.repeat(n) },
  { name: 'html', make: (n) => '<&>"'.repeat(Math.ceil(n / 4)).slice(0, n) },
  { name: 'combining', make: (n) => `e${'\u0301'.repeat(n - 1)}` },
  { name: 'mixed', make: (n) => Array.from({ length: n }, (_, i) => ['a', '<', '&amp;', '👨‍👩‍👧', 'é', '/'][i % 6]).join('') },
];
const LENGTHS = [64, 65, 2000, 5000];
/** Telegram never sends a longer message text; the update schema may refuse such an update as invalid. */
const MAX_REAL_TEXT = 4096;

/** Argument positions: alone, after a valid symbol, after a symbol and a strategy, and the /settings keys. */
const POSITIONS: readonly ((p: string) => string[])[] = [(p) => [p], (p) => ['BTC/USDT', p], (p) => ['BTC/USDT', 'ema-cross', p], (p) => [p, p]];
const SETTINGS_POSITIONS: readonly ((p: string) => string[])[] = [(p) => ['tz', p], (p) => ['quiet', p], (p) => ['quiet', `${p}-7`], (p) => ['signals', p], (p) => ['timezone', p]];

/** No lone surrogate: Telegram refuses text that is not valid UTF-8. */
const wellFormed = (text: string): boolean => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe('long and hostile arguments', () => {
  let h: Harness;
  let commands: { name: string; admin: boolean }[] = [];
  // Each chat stays within its rate-limit burst (100): the test never relies on refill time.
  let nextChat = 8300;
  before(async () => {
    h = await startHarness();
    await h.send(h.text(ADMIN_CHAT, '/help'));
    commands = [...h.texts(ADMIN_CHAT).join('\n').matchAll(/<b>\/([a-z0-9_]+)<\/b>( \(admin\))?/g)].map((m) => ({ name: m[1]!, admin: m[2] !== undefined }));
  });
  after(() => h.close());

  /** Sends `text` from `chat`; every reply must be accepted and within the limit. */
  async function check(chat: number, text: string, label: string): Promise<void> {
    const calls = h.fake.calls.length;
    const delivered = h.fake.delivered(chat).length;
    const r = await h.send(h.text(chat, text));
    assert.equal(r.statusCode, 200, label);
    if (outcome(r) === 'invalid') {
      assert.ok(text.length > MAX_REAL_TEXT, `${label}: a text of ${text.length} refused as invalid`);
      assert.equal(h.fake.delivered(chat).length, delivered);
      return;
    }
    assert.equal(outcome(r), 'handled', `${label}: outcome ${String(outcome(r))}`);
    const refused = h.fake.calls.slice(calls).filter((c) => c.status !== undefined && c.status !== 200);
    assert.deepEqual(refused.map((c) => `${c.method} ${c.status} ${c.description}`), [], `${label}: Telegram refused a call`);
    const replies = h.fake.delivered(chat).slice(delivered);
    assert.ok(replies.length >= 1, `${label}: no reply reached the chat`);
    for (const reply of replies) {
      const body = reply.text ?? reply.caption ?? '';
      assert.ok(body.length <= LIMIT, `${label}: reply of ${body.length} characters`);
      assert.ok(wellFormed(body), `${label}: reply with a lone surrogate`);
      assert.ok(!/^Sorry,/.test(body), `${label}: the command failed: ${body.slice(0, 200)}`);
    }
  }

  it('finds the commands to fuzz in /help', () => {
    const names = commands.map((c) => c.name);
    for (const name of ['start', 'subscribe', 'unsubscribe', 'settings', 'signals', 'pnl', 'chart', 'pause', 'help']) assert.ok(names.includes(name), `/${name} missing from ${names.join(' ')}`);
    assert.ok(commands.some((c) => c.admin));
  });

  it('every command answers a 64-, 65-, 2000- and 5000-character argument in every position within 4096 characters', async () => {
    let adminSent = 1;
    for (const { name: command, admin } of commands) {
      if (admin) {
        // The one admin chat runs every admin command (8 with live trading's): its bucket is
        // refilled before each by deleting its rate-limit row (an absent row is a full bucket), never by waiting.
        await h.res.doc.send(new DeleteCommand({ TableName: h.res.env.USERS_TABLE, Key: { pk: chatPk(ADMIN_CHAT), sk: RATE_LIMIT_SK } }));
        adminSent = 0;
      }
      // Admin commands run in the one admin chat: one position each keeps it within its burst.
      const positions = admin ? POSITIONS.slice(0, 1) : command === 'settings' ? [...POSITIONS, ...SETTINGS_POSITIONS] : POSITIONS;
      let chat = nextChat++;
      let sent = 0;
      for (const payload of PAYLOADS) {
        for (const n of LENGTHS) {
          for (const [i, position] of positions.entries()) {
            if (!admin && ++sent > 90) [chat, sent] = [nextChat++, 1];
            if (admin) assert.ok(++adminSent <= 100, 'the admin chat would exceed its burst');
            const args = position(payload.make(n));
            await check(admin ? ADMIN_CHAT : chat, `/${command} ${args.join(' ')}`, `/${command} position ${i} ${payload.name}×${n}`);
          }
        }
      }
    }
  });

  it('an unknown command and plain text of any length get a bounded answer', async () => {
    const chat = 8201;
    await check(chat, `/${'x'.repeat(64)} ${'A'.repeat(5000)}`, 'unknown command, 64-character name');
    await check(chat, `/${'Z9_'.repeat(21)}`, 'unknown command, 63-character name');
    await check(chat, 'A'.repeat(5000), 'plain text');
    await check(chat, '<&>'.repeat(1500), 'plain text of HTML metacharacters');
    await check(chat, `/${'x'.repeat(5000)}`, 'a 5000-character "command" (not one: plain text)');
  });

  it('the refusal names the argument, cut with an ellipsis and escaped', async () => {
    const chat = 8202;
    await h.send(h.text(chat, '/start'));
    const cases: [string, RegExp][] = [
      [`/subscribe ${'A'.repeat(5000)}`, /A{10,}…/],
      [`/subscribe BTC/USDT ${'<b>'.repeat(2000)}`, /"(&lt;|b|&gt;){10,}…"/],
      // 64 characters pass the length check and reach the command's own refusal, escaped.
      [`/subscribe BTC/USDT ${'<&>'.repeat(21)}x`, /Unknown strategy (&lt;&amp;&gt;){21}x\./],
      [`/settings tz ${'&'.repeat(64)}`, /Unknown time zone (&amp;){64}\./],
      [`/settings tz ${'Europe/'.repeat(700)}`, /Europe\/.*…/],
      [`/settings ${'K'.repeat(5000)} on`, /K{10,}…/],
      [`/chart BTC/USDT ${'9'.repeat(5000)}`, /9+…/],
    ];
    for (const [text, expected] of cases) {
      const before = h.texts(chat).length;
      assert.equal(outcome(await h.send(h.text(chat, text))), 'handled', text.slice(0, 40));
      const reply = h.texts(chat, before).join('\n');
      assert.match(reply, expected, text.slice(0, 40));
      assert.ok(reply.length < 600, `${text.slice(0, 40)}: ${reply.length} characters`);
    }
  });
});
