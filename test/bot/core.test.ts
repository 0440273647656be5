import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommand } from '../../lib/bot/parse-command.js';
import { decodePageData, encodePageData, paginate } from '../../lib/bot/pagination.js';
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
  it('encodes page buttons within 64 bytes and refuses longer ones', () => {
    const data = encodePageData({ page: 12, command: 'signals', args: ['BTC/USDT', '1h'] });
    assert.equal(data, 'pg:12:signals BTC/USDT 1h');
    assert.deepEqual(decodePageData(data!), { page: 12, command: 'signals', args: ['BTC/USDT', '1h'] });
    assert.equal(encodePageData({ page: 1, command: 'x', args: ['é'.repeat(40)] }), undefined);
    for (const bad of ['pg:0:list', 'pg:x:list', 'other', 'pg:1:', 'pg:1:List']) assert.equal(decodePageData(bad), undefined, bad);
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
