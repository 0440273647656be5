/** The replay's progress line (lib/cli/progress.ts): rewritten in place on a terminal, bounded lines otherwise. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressLine } from '../../lib/cli/progress.js';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { out: { isTTY, write: (s: string) => writes.push(s) }, writes };
}

describe('replay progress', () => {
  it('without a terminal: one line per 10 % at most, the last at 100 %', () => {
    const { out, writes } = sink(false);
    const p = createProgressLine(out);
    for (let done = 1; done <= 579; done++) p.update({ done, total: 579, signals: done >> 2, opened: done >> 3 });
    p.end();
    assert.equal(writes.length, 10);
    assert.ok(writes.every((w) => w.endsWith('\n') && !w.includes('\r')));
    assert.equal(writes.at(-1), 'replay 100%: 579/579 candle closes, 144 signals, 72 paper positions opened\n');
    // A short replay (fewer steps than 10) stays bounded too.
    const small = sink(false);
    const q = createProgressLine(small.out);
    for (let done = 1; done <= 3; done++) q.update({ done, total: 3, signals: 0, opened: 0 });
    assert.equal(small.writes.length, 3);
  });

  it('on a terminal: one line rewritten with \\r, erased before other output and at the end', () => {
    const { out, writes } = sink(true);
    const p = createProgressLine(out);
    p.update({ done: 1, total: 4, signals: 0, opened: 0 });
    p.update({ done: 2, total: 4, signals: 1, opened: 1 });
    p.clear();
    p.clear(); // nothing shown: nothing to erase
    p.update({ done: 4, total: 4, signals: 2, opened: 1 });
    p.end();
    assert.ok(writes.every((w) => !w.includes('\n')), 'no new line on a terminal');
    const erasures = writes.filter((w) => /^\r +\r$/.test(w)).length;
    assert.equal(erasures, 3);
    assert.deepEqual(
      writes.filter((w) => w.startsWith('replay')),
      ['replay 25%: 1/4 candle closes, 0 signals, 0 paper positions opened', 'replay 50%: 2/4 candle closes, 1 signals, 1 paper positions opened', 'replay 100%: 4/4 candle closes, 2 signals, 1 paper positions opened'],
    );
  });
});
