import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_ARG_LENGTH, parseCommand } from '../../lib/bot/parse-command.js';
import { createPageCodec, deriveCallbackKey, PAGEABLE_COMMANDS, paginate } from '../../lib/bot/pagination.js';
import { callbackKey } from '../../lib/runtime/webhook.js';
import { clipText, echo } from '../../lib/bot/echo.js';
import { TELEGRAM_TEXT_LIMIT } from '../../lib/core/format.js';
import { parseSettingsChange } from '../../lib/bot/commands/settings.js';
import { CommandInputError } from '../../lib/bot/command.js';
import { DEFAULT_CHAT_SETTINGS } from '../../lib/ports/users.js';
import { readBody } from '../../lib/webhook/read-body.js';
import { headerValue, secretMatches } from '../../lib/webhook/verify-secret.js';
import { redactSecrets } from '../../lib/bot/redact.js';

describe('parseCommand', () => {
  it('parses name, mention and arguments, case-insensitively', () => {
    assert.deepEqual(parseCommand('/Subscribe@Candle_Bot  btcusdt ema-cross\t1h'), { name: 'subscribe', mention: 'candle_bot', args: ['btcusdt', 'ema-cross', '1h'] });
    assert.deepEqual(parseCommand('/list'), { name: 'list', mention: undefined, args: [] });
  });
  it('is undefined for plain text and malformed commands', () => {
    for (const text of ['hello', '/', '/ list', '', 'list /list', '/li-st']) assert.equal(parseCommand(text), undefined, text);
  });
  it('bounds the number of arguments', () => {
    assert.equal(parseCommand(`/x ${'a '.repeat(100)}`)!.args.length, 16);
  });
});

describe('pagination', () => {
  it('never cuts anything off: every line appears exactly once, pages within the limit', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `• line ${i} ${'x'.repeat(i % 50)}`);
    const pages = paginate('<b>Title</b>', lines);
    assert.ok(pages.length > 1);
    for (const [i, page] of pages.entries()) {
      assert.ok(page.length <= TELEGRAM_TEXT_LIMIT, `page ${i + 1} has ${page.length} characters`);
      assert.ok(page.startsWith('<b>Title</b>\n'));
      assert.ok(page.endsWith(`<i>page ${i + 1}/${pages.length}</i>`));
    }
    const seen = pages.flatMap((p) => p.split('\n').filter((l) => l.startsWith('• ')));
    assert.deepEqual(seen, lines);
  });
  it('splits a single line longer than a page instead of truncating it', () => {
    const long = 'y'.repeat(10_000);
    const pages = paginate('T', [long]);
    assert.equal(pages.length, 3);
    assert.equal(pages.map((p) => p.replace(/^T\n/, '').replace(/\n\n<i>page \d\/\d<\/i>$/, '')).join(''), long);
  });
  it('one short page has no footer; an empty list gives the title alone', () => {
    assert.deepEqual(paginate('T', ['a', 'b']), ['T\na\nb']);
    assert.deepEqual(paginate('T', []), ['T']);
  });
  it('signs page buttons for one chat, within 64 bytes; another chat, a changed byte or a changed payload decode to nothing', () => {
    const codec = createPageCodec(deriveCallbackKey('s'.repeat(32), 'webhook-secret'));
    const data = codec.encode(42, { page: 12, command: 'signals', args: ['50'] })!;
    assert.match(data, /^pg:[A-Za-z0-9_-]{12}:12:signals 50$/);
    assert.deepEqual(codec.decode(42, data), { page: 12, command: 'signals', args: ['50'] });
    assert.equal(codec.decode(43, data), undefined, 'signed for another chat');
    assert.equal(codec.decode(-42, data), undefined);
    for (let i = 0; i < data.length; i++) {
      const changed = data.slice(0, i) + (data[i] === 'A' ? 'B' : 'A') + data.slice(i + 1);
      assert.equal(codec.decode(42, changed), undefined, `byte ${i} changed: ${changed}`);
    }
    assert.equal(codec.decode(42, data.replace(':12:', ':13:')), undefined);
    assert.equal(codec.decode(42, `${data} 1h`), undefined);
    const other = createPageCodec(deriveCallbackKey('t'.repeat(32), 'webhook-secret'));
    assert.equal(other.decode(42, data), undefined, 'another key');
  });
  it('the longest page buttons of every pageable command fit in 64 bytes', () => {
    const codec = createPageCodec(deriveCallbackKey('s'.repeat(32), 'webhook-secret'));
    const longest: Record<string, string[]> = { help: [], list: [], positions: [], signals: ['50'], pnl: ['30d'], orders: [], balance: [] };
    assert.deepEqual([...PAGEABLE_COMMANDS].sort(), Object.keys(longest).sort());
    for (const [command, args] of Object.entries(longest)) {
      const data = codec.encode(-1_001_234_567_890, { page: 9999, command, args });
      assert.ok(data !== undefined && Buffer.byteLength(data) <= 64, `${command}: ${data}`);
      assert.deepEqual(codec.decode(-1_001_234_567_890, data), { page: 9999, command, args });
    }
    assert.equal(codec.encode(1, { page: 1, command: 'list', args: ['é'.repeat(40)] }), undefined, 'over 64 bytes: no button');
    assert.equal(codec.encode(1, { page: 0, command: 'list', args: [] }), undefined);
  });
  it('never encodes nor decodes a command outside the allow-list, even correctly signed', () => {
    const key = deriveCallbackKey('s'.repeat(32), 'webhook-secret');
    const codec = createPageCodec(key);
    for (const command of ['subscribe', 'start', 'settings', 'stop', 'unsubscribe', 'pause', 'resume', 'dashboard', 'chart', 'stats']) {
      assert.equal(codec.encode(42, { page: 1, command, args: [] }), undefined, command);
      // The same key with a wider list signs it: the bot's codec still refuses it.
      const forged = createPageCodec(key, new Set([command])).encode(42, { page: 1, command, args: ['BTC/USDT'] })!;
      assert.ok(forged);
      assert.equal(codec.decode(42, forged), undefined, forged);
    }
  });
  it('unsigned, old-style and malformed data decode to nothing', () => {
    const codec = createPageCodec(deriveCallbackKey('s'.repeat(32), 'webhook-secret'));
    for (const bad of ['pg:2:list', 'pg:1:subscribe BTC/USDT', 'pg:AAAAAAAAAAAA:1:list', 'pg:AAAAAAAAAAAA:0:list', 'other', '', 'pg:', 'pg:AAAAAAAAAAAA:1:List']) {
      assert.equal(codec.decode(42, bad), undefined, bad);
    }
  });
  it('derives the signing key deterministically from the webhook secret, else from the bot token', () => {
    const secret = 'test-webhook-secret_0123456789abcdef';
    const token = '123456:AAbbccddeeffgghhiijjkkllmmnnooppqq';
    assert.equal(deriveCallbackKey(secret, 'webhook-secret').length, 32);
    assert.deepEqual(deriveCallbackKey(secret, 'webhook-secret'), deriveCallbackKey(secret, 'webhook-secret'), 'the same after a restart');
    assert.notDeepEqual(deriveCallbackKey(secret, 'webhook-secret'), deriveCallbackKey(`${secret}x`, 'webhook-secret'));
    assert.notDeepEqual(deriveCallbackKey(secret, 'webhook-secret'), deriveCallbackKey(secret, 'bot-token'));
    assert.ok(!deriveCallbackKey(secret, 'webhook-secret').toString('latin1').includes(secret), 'not the secret itself');
    assert.deepEqual(callbackKey({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: secret }), deriveCallbackKey(secret, 'webhook-secret'));
    assert.deepEqual(callbackKey({ TELEGRAM_BOT_TOKEN: token }), deriveCallbackKey(token, 'bot-token'));
    assert.throws(() => deriveCallbackKey('short', 'bot-token'), RangeError);
  });
});

describe('webhook request parts', () => {
  it('compares secrets by hash, for any lengths', () => {
    assert.equal(secretMatches('abcdefghijklmnop', 'abcdefghijklmnop'), true);
    assert.equal(secretMatches('abcdefghijklmnoq', 'abcdefghijklmnop'), false);
    assert.equal(secretMatches('short', 'abcdefghijklmnop'), false);
    assert.equal(secretMatches(undefined, 'abcdefghijklmnop'), false);
    assert.equal(secretMatches('', ''), false);
  });
  it('reads headers case-insensitively', () => {
    assert.equal(headerValue({ 'X-Telegram-Bot-Api-Secret-Token': 's' }, 'x-telegram-bot-api-secret-token'), 's');
    assert.equal(headerValue(undefined, 'x'), undefined);
  });
  it('bounds the body size, plain and base64', () => {
    assert.deepEqual(readBody('{"a":1}', false, 100), { ok: true, text: '{"a":1}' });
    assert.deepEqual(readBody(Buffer.from('{"a":1}').toString('base64'), true, 100), { ok: true, text: '{"a":1}' });
    assert.equal((readBody('x'.repeat(101), false, 100) as { status: number }).status, 413);
    assert.equal((readBody('é'.repeat(60), false, 100) as { status: number }).status, 413, 'counted in bytes');
    assert.equal((readBody(Buffer.from('x'.repeat(200)).toString('base64'), true, 100) as { status: number }).status, 413);
    assert.equal((readBody('!!notbase64', true, 100) as { status: number }).status, 400);
    assert.equal((readBody('', false, 100) as { status: number }).status, 400);
    assert.equal((readBody(undefined, false, 100) as { status: number }).status, 400);
  });
  it('redacts secrets and the secret half of a token', () => {
    const token = '123456789:AAFakeTokenForCandlebotTests_abcdefghij';
    assert.equal(redactSecrets(`GET /bot${token}/getMe and /bot123456789:[x]/AAFakeTokenForCandlebotTests_abcdefghij`, [token]), 'GET /bot<redacted>/getMe and /bot123456789:[x]/<redacted>');
  });
});

describe('/settings arguments', () => {
  const apply = (args: string[]) => parseSettingsChange(args)(DEFAULT_CHAT_SETTINGS);
  it('changes time zone, quiet hours and notification switches', () => {
    assert.equal(apply(['tz', 'Europe/Berlin']).timezone, 'Europe/Berlin');
    assert.deepEqual(apply(['quiet', '22-7']).quietHours, { start: 22, end: 7 });
    assert.deepEqual(apply(['quiet', '22:00', '-', '07:00']).quietHours, { start: 22, end: 7 });
    assert.equal(apply(['quiet', 'off']).quietHours, null);
    assert.equal(apply(['signals', 'off']).notify.signals, false);
    assert.equal(apply(['Summary', 'OFF']).notify.summary, false);
  });
  it('refuses bad values with a specific message', () => {
    const message = (args: string[]) => {
      try {
        parseSettingsChange(args);
      } catch (e) {
        assert.ok(e instanceof CommandInputError);
        return e.message;
      }
      assert.fail(`accepted ${args.join(' ')}`);
    };
    assert.match(message(['tz', 'Mars/Olympus']), /Unknown time zone Mars\/Olympus/);
    assert.match(message(['quiet', '25-7']), /hours 0-23/);
    assert.match(message(['quiet', '7-7']), /different/);
    assert.match(message(['signals', 'maybe']), /on or off/);
    assert.match(message(['colour', 'red']), /Unknown setting colour/);
    assert.match(message(['tz', '<b>']), /&lt;b&gt;/);
  });
});

describe('echoing user input', () => {
  const codePoints = (s: string) => [...s].length;
  it('keeps short text, cuts long text to 64 code points ending in an ellipsis', () => {
    assert.equal(clipText('A'.repeat(64)), 'A'.repeat(64));
    assert.equal(clipText('A'.repeat(65)), `${'A'.repeat(63)}…`);
    assert.equal(clipText('A'.repeat(5000), 10), `${'A'.repeat(9)}…`);
    assert.equal(clipText(''), '');
  });
  it('never cuts a surrogate pair, replaces lone surrogates, bounds combining-mark bombs', () => {
    const emoji = clipText('😀'.repeat(5000));
    assert.equal(codePoints(emoji), 64);
    assert.equal(emoji, `${'😀'.repeat(63)}…`);
    assert.equal(clipText('a\uD83Db\uDE00'), 'a\uFFFDb\uFFFD');
    assert.equal(codePoints(clipText(`e${'\u0301'.repeat(5000)}`)), 64);
  });
  it('escapes after cutting: never a cut entity, at most 5 characters per code point', () => {
    const amps = echo('&'.repeat(5000));
    assert.equal(amps, `${'&amp;'.repeat(63)}…`);
    const tags = echo('<b>'.repeat(100), 8);
    assert.equal(tags, '&lt;b&gt;&lt;b&gt;&lt;…');
    for (const s of ['<&>'.repeat(2000), '"\'<a href="x">'.repeat(500)]) assert.ok(echo(s).length <= 5 * 64);
  });
  it('parseCommand keeps arguments as typed; the dispatcher refuses those over MAX_ARG_LENGTH', () => {
    assert.equal(MAX_ARG_LENGTH, 64);
    assert.equal(parseCommand(`/subscribe ${'A'.repeat(5000)}`)!.args[0]!.length, 5000);
  });
});
