/**
 * A data folder may hold other files (notes, excerpts like GAPPY_BTC-1m.first2000.json): they are
 * skipped with ONE warning line naming them; a single file given by path must still be named
 * BASE_QUOTE-<tf>.json. The README's own examples over test/fixtures/ohlcv must run.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOhlcvFiles } from '../../lib/backtest/ohlcv-files.js';
import { runCli } from '../support/run-cli.js';

describe('OHLCV data folders with other files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'candlebot-ohlcv-folder-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('readOhlcvFiles skips files not named BASE_QUOTE-<tf>.json with one warning line', () => {
    copyFileSync('test/fixtures/replay/ETH_BTC-5m.json', join(dir, 'ETH_BTC-5m.json'));
    writeFileSync(join(dir, 'GAPPY_BTC-1m.first2000.json'), '[]');
    writeFileSync(join(dir, 'notes.json'), '{}');
    writeFileSync(join(dir, 'README.md'), '# not data');
    const warnings: string[] = [];
    const files = readOhlcvFiles(dir, { warn: (line) => warnings.push(line) });
    assert.deepEqual(files.map((f) => f.symbol), ['ETH/BTC']);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /skipped 2 file\(s\).*ETH_BTC-5m\.json.*: GAPPY_BTC-1m\.first2000\.json, notes\.json$/);
  });

  it('a folder with no matching file, or a single badly named file, is still refused by name', () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    writeFileSync(join(empty, 'btc.json'), '[]');
    assert.throws(() => readOhlcvFiles(empty, { warn: () => undefined }), /no OHLCV files.*expected a file name like ETH_BTC-5m\.json.*btc\.json/);
    assert.throws(() => readOhlcvFiles(join(empty, 'btc.json')), /expected a file name like ETH_BTC-5m\.json/);
  });

  it('npm run optimize / backtest over test/fixtures/ohlcv (the README examples) exit 0 with one skip line', async () => {
    const [optimize, backtest] = await Promise.all([
      runCli('lib/cli/optimize.ts', ['--data', 'test/fixtures/ohlcv', '--strategy', 'ema-cross', '--grid', 'fast=5:20:5,slow=20:60:10', '--workers', '1'], 180_000),
      runCli('lib/cli/backtest.ts', ['--data', 'test/fixtures/ohlcv', '--strategy', 'ema-cross', '--html', join(dir, 'report.html')], 180_000),
    ]);
    for (const out of [optimize, backtest]) {
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stderr.split('\n').filter((l) => /skipped/.test(l)).length, 1, out.stderr);
      assert.match(out.stderr, /GAPPY_BTC-1m\.first2000\.json/);
    }
  });
});
