/** `npm run backtest` writes the HTML report: --html <path>, the default file, --json, errors. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'lib/cli/backtest.ts');
const ETH = join(ROOT, 'test/fixtures/ohlcv/ETH_BTC-5m.json');
const TSX = import.meta.resolve('tsx');

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI as users run it, in `cwd`. */
function cli(cwd: string, ...args: string[]): Promise<Out> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', TSX, CLI, ...args], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('backtest CLI: HTML report', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'candlebot-report-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('without --json: writes backtest-report.html in the current directory and prints its path on stderr', async () => {
    const cwd = join(dir, 'default');
    mkdirSync(cwd);
    const out = await cli(cwd, '--data', ETH, '--strategy', 'ema-cross');
    assert.equal(out.code, 0, out.stderr);
    const file = join(cwd, 'backtest-report.html');
    assert.equal(out.stderr, `HTML report: ${file}\n`);
    assert.match(out.stdout, /ETH\/BTC 5m .* 5760 /);
    const html = readFileSync(file, 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<title>ema-cross backtest: ETH\/BTC 5m<\/title>/);
    assert.equal((html.match(/<svg class="candles"/g) ?? []).length, 1);
    assert.match(html, /generated \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });

  it('--html <path> writes there; with --json stdout stays one JSON document', async () => {
    const cwd = join(dir, 'explicit');
    mkdirSync(cwd);
    const out = await cli(cwd, '--data', ETH, '--strategy', 'rsi-reversion', '--html', 'sub.html', '--json');
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stderr, `HTML report: ${join(cwd, 'sub.html')}\n`);
    const doc = JSON.parse(out.stdout) as { trades: unknown[] };
    const html = readFileSync(join(cwd, 'sub.html'), 'utf8');
    assert.equal((html.match(/<g class="trade /g) ?? []).length, doc.trades.length);
    assert.match(html, /rsi-reversion/);

    const abs = join(dir, 'abs-report.html');
    const out2 = await cli(cwd, '--data', ETH, '--strategy', 'ema-cross', '--html', abs);
    assert.equal(out2.code, 0, out2.stderr);
    assert.equal(out2.stderr, `HTML report: ${abs}\n`);
    assert.ok(existsSync(abs));
  });

  it('--json alone writes no report', async () => {
    const cwd = join(dir, 'json');
    mkdirSync(cwd);
    const out = await cli(cwd, '--data', ETH, '--strategy', 'ema-cross', '--json');
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stderr, '');
    assert.deepEqual(readdirSync(cwd), []);
  });

  it('a hostile data path is escaped in the report', async () => {
    const evil = join(dir, '"><img src=x onerror=alert(1)><script>alert(2)<\\script>');
    mkdirSync(evil);
    copyFileSync(ETH, join(evil, 'ETH_BTC-5m.json'));
    const out = await cli(dir, '--data', evil, '--strategy', 'ema-cross', '--html', join(dir, 'evil.html'));
    assert.equal(out.code, 0, out.stderr);
    const html = readFileSync(join(dir, 'evil.html'), 'utf8');
    assert.doesNotMatch(html, /<img|<script/i);
    assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;'));
  });

  it('an unwritable --html path or an empty one: one line on stderr, exit code 2, nothing on stdout', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--html', join(dir, 'no/such/dir/r.html')], /^candlebot backtest: cannot write the HTML report to .*no\/such\/dir\/r\.html: ENOENT/],
      [['--html', ''], /^candlebot backtest: --html needs a file path$/],
    ];
    for (const [args, message] of cases) {
      const out = await cli(dir, '--data', ETH, '--strategy', 'ema-cross', ...args);
      assert.equal(out.code, 2, out.stderr);
      assert.equal(out.stdout, '');
      const lines = out.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, out.stderr);
      assert.match(lines[0]!, message);
    }
  });
});
