/** Candle files (name, format, atomic write), the progress display and the end-of-run text. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { OhlcvRow } from '../../lib/core/candle.js';
import { ohlcvFileName, readCandleFile, writeCandleFile } from '../../lib/download/candle-file.js';
import type { PairResult } from '../../lib/download/observer.js';
import { progressReporter } from '../../lib/download/progress.js';
import { exitCode, gapsLine, resultLine, summaryLine } from '../../lib/download/report.js';
import { PermanentError } from '../../lib/errors.js';
import { parseOhlcvFileName } from '../../lib/backtest/ohlcv-files.js';
import { tempDir } from '../support/temp-dir.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const row = (k: number): OhlcvRow => [T0 + k * H, 10, 11, 9, 10.5, 100];

describe('candle files', () => {
  it('are named like the replay reader expects; unrepresentable symbols are refused', () => {
    assert.equal(ohlcvFileName('BTC/USDT', '1h'), 'BTC_USDT-1h.json');
    assert.deepEqual(parseOhlcvFileName(ohlcvFileName('ETH/BTC', '5m')), { symbol: 'ETH/BTC', timeframe: '5m' });
    assert.throws(() => ohlcvFileName('BTC/USDT:USDT', '1h'), { code: 'BAD_SYMBOL' });
  });

  it('are written atomically (no temp file left), one row per line, and read back validated', () => {
    const dir = join(tempDir('candlebot-files-'), 'nested');
    const path = join(dir, 'BTC_USDT-1h.json');
    assert.equal(readCandleFile(path, '1h'), undefined);
    writeCandleFile(path, [row(0), row(1)]);
    writeCandleFile(path, [row(0), row(1), row(2)]);
    assert.deepEqual(readdirSync(dir), ['BTC_USDT-1h.json']);
    assert.equal(readFileSync(path, 'utf8'), `[${JSON.stringify(row(0))},\n${JSON.stringify(row(1))},\n${JSON.stringify(row(2))}]\n`);
    assert.deepEqual(readCandleFile(path, '1h'), [row(0), row(1), row(2)]);
  });

  it('a failed write is a classified error and leaves the previous file and no temp file', () => {
    const dir = tempDir('candlebot-files-');
    const path = join(dir, 'BTC_USDT-1h.json');
    writeCandleFile(path, [row(0)]);
    const bad = [[T0, 1, 1, 1, 1n, 1]] as unknown as OhlcvRow[]; // JSON.stringify throws on a bigint
    assert.throws(() => writeCandleFile(path, bad), (e) => e instanceof PermanentError && e.code === 'WRITE_FAILED');
    assert.deepEqual(readdirSync(dir), ['BTC_USDT-1h.json']);
    assert.deepEqual(readCandleFile(path, '1h'), [row(0)]);
  });
});

function stream(isTTY: boolean): { isTTY: boolean; text: string; write(s: string): boolean } {
  return { isTTY, text: '', write(s: string) { this.text += s; return true; } };
}

describe('progress display', () => {
  const key = { symbol: 'BTC/USDT', timeframe: '1h' as const };
  const done: PairResult = { ...key, status: 'done', path: 'data/BTC_USDT-1h.json', stored: 10, added: 10, firstTime: T0, lastTime: T0 + 9 * H, gaps: [] };

  it('on a terminal: one line redrawn with \\r, ended by a newline', () => {
    let t = 0;
    const s = stream(true);
    const r = progressReporter(s, { now: () => (t += 1_000) });
    r.pairStarted({ ...key, path: 'data/BTC_USDT-1h.json', from: T0, expected: 10, existing: 0 });
    r.progress({ ...key, added: 5, expected: 10, lastTime: T0 + 4 * H });
    r.progress({ ...key, added: 10, expected: 10, lastTime: T0 + 9 * H });
    r.pairFinished(done);
    const lines = s.text.split('\n');
    assert.equal(lines.length, 3, JSON.stringify(s.text)); // start line, the bar, the final ''
    const frames = lines[1]!.split('\r\x1b[K');
    assert.equal(frames[0], '', 'every frame starts by clearing the line');
    assert.equal(frames[1], 'BTC/USDT 1h [############------------]  50% 5/10 candles, up to 2024-01-01 04:00 UTC');
    assert.equal(frames.at(-1), 'BTC/USDT 1h [########################] 100% 10/10 candles, up to 2024-01-01 09:00 UTC');
  });

  it('elsewhere: plain periodic lines, never \\r', () => {
    let t = 0;
    const s = stream(false);
    const r = progressReporter(s, { now: () => t, intervalMs: 5_000 });
    r.pairStarted({ ...key, path: 'p', from: T0, expected: 10, existing: 0 });
    for (let k = 1; k <= 10; k++) {
      t += 1_000;
      r.progress({ ...key, added: k, expected: 10, lastTime: T0 + (k - 1) * H });
    }
    r.pairFinished(done);
    assert.doesNotMatch(s.text, /\r/);
    assert.deepEqual(s.text.trimEnd().split('\n').slice(1), [
      'BTC/USDT 1h:  50% 5/10 candles, up to 2024-01-01 04:00 UTC',
      'BTC/USDT 1h: 100% 10/10 candles, up to 2024-01-01 09:00 UTC',
      'BTC/USDT 1h: 100% 10/10 candles, up to 2024-01-01 09:00 UTC',
    ]);
  });
});

describe('end-of-run text and exit code', () => {
  const base = { symbol: 'BTC/USDT', timeframe: '1h' as const, path: 'data/BTC_USDT-1h.json' };
  const gaps = [1, 5, 9, 20].map((k) => ({ from: T0 + k * H, to: T0 + (k + 2) * H, missing: 1 }));
  const ok: PairResult = { ...base, status: 'done', stored: 30, added: 30, firstTime: T0, lastTime: T0 + 33 * H, gaps: [{ from: T0, to: T0 + 4 * H, missing: 3 }, ...gaps] };
  const failed: PairResult = { ...base, symbol: 'ETH/USDT', status: 'failed', error: new PermanentError('bad', { code: 'INVALID_CANDLE' }), stored: 0, added: 0, gaps: [] };

  it('reports gaps with a count and the first ranges', () => {
    assert.equal(gapsLine(ok), 'BTC/USDT 1h: 5 gaps, 7 candles missing: 2024-01-01 01:00 UTC … 2024-01-01 03:00 UTC (3), 2024-01-01 02:00 UTC (1), 2024-01-01 06:00 UTC (1), and 2 more');
    assert.equal(gapsLine(failed), undefined);
  });

  it('summarises and maps outcomes to exit codes', () => {
    assert.match(resultLine(ok), /^BTC\/USDT 1h: 30 candles 2024-01-01 00:00 UTC … 2024-01-02 09:00 UTC \(\+30\) in data\/BTC_USDT-1h\.json$/);
    assert.equal(resultLine(failed), 'ETH/USDT 1h: FAILED INVALID_CANDLE (permanent): bad');
    assert.equal(exitCode({ results: [ok], interrupted: false }), 0);
    assert.equal(exitCode({ results: [ok, failed], interrupted: false }), 1);
    assert.equal(exitCode({ results: [ok], interrupted: true }), 130);
    assert.equal(summaryLine({ results: [ok, failed], interrupted: false }), 'download: 1 of 2 pairs failed: ETH/USDT (INVALID_CANDLE)');
  });
});
