import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { captionAndRest, splitHtml } from '../../lib/core/html-split.js';
import { parseTelegramHtml } from '../support/fake-telegram/index.js';

/** Well-formed Telegram HTML as our messages use it: b, i, code, pre, a href, entities, emoji, newlines. */
const word = fc.constantFrom('BTC', 'long', 'stop', '1.2345', 'é', '😀', '&amp;', '&lt;', '&gt;', '&quot;', '&#36;', ' ', ' ', '\n', 'RSI&lt;30');
const leaf = fc.array(word, { minLength: 1, maxLength: 12 }).map((w) => w.join(''));
const TAGS = [
  ['<b>', '</b>'],
  ['<i>', '</i>'],
  ['<code>', '</code>'],
  ['<pre>', '</pre>'],
  ['<a href="https://x.io/p?a=1&amp;b=2">', '</a>'],
] as const;
const { node } = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 3, depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(fc.constantFrom(...TAGS), fc.array(tie('node'), { minLength: 1, maxLength: 3 })).map(([[open, close], inner]) => open + inner.join('') + close),
  ),
}));
const html = fc.array(node, { minLength: 1, maxLength: 30 }).map((parts) => parts.join(''));

/** Visible non-blank characters, each with the tags around it: what a reader sees. */
function styledChars(source: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const [token, open, close] of source.matchAll(/<([a-z]+)[^>]*>|<\/([a-z]+)>|&[^;\s]{1,10};|[\uD800-\uDBFF][\uDC00-\uDFFF]|[^]/g)) {
    if (open) stack.push(open);
    else if (close) stack.pop();
    else if (!/^\s$/.test(token)) out.push(`${stack.join('/')}|${token}`);
  }
  return out;
}

function checkChunks(source: string, chunks: readonly string[], limits: (i: number) => number): void {
  chunks.forEach((chunk, i) => {
    assert.ok(chunk.length <= limits(i), `chunk ${i} is ${chunk.length} > ${limits(i)}`);
    const parsed = parseTelegramHtml(chunk);
    assert.ok(parsed.ok, `chunk ${i} is not valid Telegram HTML: ${parsed.ok ? '' : parsed.description}\n${chunk}`);
    assert.ok(parsed.text.trim() !== '', `chunk ${i} is blank`);
    assert.ok(parsed.text.length <= chunk.length, 'raw length over-estimates Telegram length');
  });
  assert.deepEqual(chunks.flatMap(styledChars), styledChars(source));
}

describe('splitHtml', () => {
  it('property: chunks fit, are balanced valid HTML, and keep every character with its formatting', () => {
    fc.assert(
      fc.property(html, fc.integer({ min: 150, max: 400 }), (text, limit) => {
        checkChunks(text, splitHtml(text, limit), () => limit);
      }),
      { numRuns: 300 },
    );
  });

  it('property: plain lines that fit are only regrouped (join with "\\n" gives the text back)', () => {
    const line = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !s.includes('\n') && s.trim() !== '' && !/[<&]/.test(s));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), fc.integer({ min: 60, max: 500 }), (lines, limit) => {
        const text = lines.join('\n');
        const chunks = splitHtml(text, limit);
        assert.equal(chunks.join('\n'), text);
        for (const chunk of chunks) assert.ok(chunk.length <= limit);
      }),
      { numRuns: 200 },
    );
  });

  it('splits a long signal list at the default 4096 into few full messages', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `<b>PAIR${i}/USDT</b> long · entry <code>${(1 + i / 7).toFixed(4)}</code> &amp; stop`);
    const text = lines.join('\n');
    const chunks = splitHtml(text);
    assert.ok(chunks.length >= Math.ceil(text.length / 4096) && chunks.length <= Math.ceil(text.length / 4000));
    assert.equal(chunks.join('\n'), text);
    for (const chunk of chunks.slice(0, -1)) assert.ok(chunk.length <= 4096 && chunk.length > 4000, `chunk of ${chunk.length}`);
  });

  it('keeps a text that fits whole, and gives [] for a blank text', () => {
    assert.deepEqual(splitHtml('<b>hello</b>\nworld'), ['<b>hello</b>\nworld']);
    assert.deepEqual(splitHtml(''), []);
    assert.deepEqual(splitHtml('\n \n'), []);
  });

  it('cuts between lines, dropping the newline at the cut', () => {
    assert.deepEqual(splitHtml('aaaa\nbbbb\ncccc', 9), ['aaaa\nbbbb', 'cccc']);
    assert.deepEqual(splitHtml('aaaa\n\nbbbb', 5), ['aaaa\n', 'bbbb']);
    assert.deepEqual(splitHtml('aaaa\n\nbbbb', 4), ['aaaa', 'bbbb']);
  });

  it('cuts a long line at the limit without breaking entities, tags or emoji', () => {
    assert.deepEqual(splitHtml('xx&amp;yy', 6), ['xx', '&amp;y', 'y']);
    assert.deepEqual(splitHtml('a😀😀', 3), ['a😀', '😀']);
    assert.deepEqual(splitHtml(`<b>${'a'.repeat(10)}</b>`, 12), ['<b>aaaaa</b>', '<b>aaaaa</b>']);
    assert.deepEqual(splitHtml('ab<a href="u">cd</a>', 17), ['ab', '<a href="u">c</a>', '<a href="u">d</a>']);
  });

  it('closes and reopens a block (pre) across line cuts', () => {
    assert.deepEqual(splitHtml('<pre>l1\nl2\nl3</pre>', 18), ['<pre>l1\nl2</pre>', '<pre>l3</pre>']);
  });

  it('rejects a limit that cannot hold the open tags', () => {
    assert.throws(() => splitHtml('<a href="https://example.com">x</a>', 10), RangeError);
    assert.throws(() => splitHtml('x', 0), /positive integer/);
  });
});

describe('captionAndRest', () => {
  it('property: caption ≤ captionLimit, rest chunks ≤ limit, all valid and complete', () => {
    fc.assert(
      fc.property(html, fc.integer({ min: 150, max: 300 }), fc.integer({ min: 300, max: 600 }), (text, captionLimit, limit) => {
        const { caption, rest } = captionAndRest(text, captionLimit, limit);
        const chunks = caption === '' ? rest : [caption, ...rest];
        if (caption === '') assert.deepEqual(rest, []);
        checkChunks(text, chunks, (i) => (i === 0 ? captionLimit : limit));
      }),
      { numRuns: 200 },
    );
  });

  it('takes the longest prefix of whole lines as caption', () => {
    const lines = ['<b>BTC/USDT</b> long', 'entry 1', 'stop 0.9', 'target 1.2'];
    const { caption, rest } = captionAndRest(lines.join('\n'), 30, 4096);
    assert.equal(caption, '<b>BTC/USDT</b> long\nentry 1');
    assert.deepEqual(rest, ['stop 0.9\ntarget 1.2']);
    assert.deepEqual(captionAndRest('short'), { caption: 'short', rest: [] });
    assert.deepEqual(captionAndRest(''), { caption: '', rest: [] });
  });

  it('cuts a first line longer than the caption limit', () => {
    const { caption, rest } = captionAndRest(`<i>${'x'.repeat(20)}</i>\nnext`, 15, 100);
    assert.equal(caption, `<i>${'x'.repeat(8)}</i>`);
    assert.deepEqual(rest, [`<i>${'x'.repeat(12)}</i>\nnext`]);
  });
});
