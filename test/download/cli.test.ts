/** `npm run download` as a user runs it (the same entry file), against the simulator on 127.0.0.1. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { tempDir } from '../support/temp-dir.js';

const HOUR = 3_600_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function download(args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli/download.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`download did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run download (CLI)', () => {
  const valid = ['--exchange', 'binance', '--symbols', 'BTC/USDT', '--timeframe', '1h', '--since', '2024-01-01'];
  const badArgs: readonly [string, string[], RegExp][] = [
    ['no arguments', [], /--exchange is required.*--symbols is required.*--timeframe is required.*--since is required/],
    ['an unknown option', [...valid, '--frobnicate'], /Unknown option '--frobnicate'/],
    ['an unknown timeframe', [...valid.slice(0, 5), '7h', ...valid.slice(6)], /--timeframe: expected one of 1m .* 1d/],
    ['a lower-case symbol', [...valid.slice(0, 3), 'btc/usdt', ...valid.slice(4)], /--symbols: expected BASE\/QUOTE/],
    ['an impossible date', [...valid.slice(0, 7), '2024-02-30'], /--since: not a date/],
    ['--until before --since', [...valid, '--until', '2023-06-01'], /--until must be after --since/],
    ['a future --since', [...valid.slice(0, 7), '2999-01-01'], /--since .* is not in the past/],
    ['a bad --api-base', [...valid, '--api-base', 'ftp://127.0.0.1'], /--api-base: apiBase must be http\(s\)/],
    ['a bad --limit', [...valid, '--limit', '0'], /--limit: expected an integer from 1 to 5000/],
    ['an exchange ccxt does not know', ['--exchange', 'nosuchexchange', ...valid.slice(2)], /UNKNOWN_EXCHANGE: ccxt has no exchange "nosuchexchange"/],
  ];
  for (const [name, args, message] of badArgs) {
    it(`${name} → exit 2 and one line, no stack trace`, async () => {
      const out = tempDir('candlebot-download-cli-');
      const { code, stdout, stderr } = await download([...args, '--out', out]);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, '');
      assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
      assert.match(stderr, /^download: /);
      assert.match(stderr, message);
      assert.deepEqual(readdirSync(out), [], 'nothing written');
    });
  }

  it('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await download(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /^usage: npm run download -- --exchange/);
  });

  describe('against the simulator', () => {
    let sim: BinanceSim;
    let now: number;
    before(async () => {
      // The CLI reads the real clock: stay clear of an hour boundary so the simulator's forming candle stays forming.
      const intoHour = Date.now() % HOUR;
      if (intoHour > HOUR - 60_000) await new Promise((resolve) => setTimeout(resolve, HOUR - intoHour + 1_000));
      now = Date.now();
      sim = await startBinanceSim({ symbols: ['BTC/USDT', 'ETH/USDT'], nowMs: now, history: 30 });
    });
    after(() => sim.close());

    it('downloads several pages per pair; a pair the exchange does not list fails alone (exit 1 with a summary); a rerun resumes', async () => {
      const out = tempDir('candlebot-download-cli-');
      const since = new Date(now - 100 * HOUR).toISOString();
      const args = ['--exchange', 'binance', '--timeframe', '1h', '--since', since, '--out', out, '--api-base', sim.url, '--limit', '8'];
      const first = await download([...args, '--symbols', 'BTC/USDT,XRP/USDT,ETH/USDT']);
      assert.equal(first.code, 1, first.stderr);
      assert.match(first.stderr, /XRP\/USDT 1h: FAILED BAD_SYMBOL \(permanent\): binance does not list XRP\/USDT/);
      assert.match(first.stderr, /download: 1 of 3 pairs failed: XRP\/USDT \(BAD_SYMBOL\)/);
      assert.match(first.stdout, /^BTC\/USDT 1h: 29 candles .* \(\+29\) in .*BTC_USDT-1h\.json$/m);
      assert.match(first.stdout, /^ETH\/USDT 1h: 29 candles .* \(\+29\) in .*ETH_USDT-1h\.json$/m);
      assert.doesNotMatch(first.stderr, /\n\s+at /, 'no stack trace');
      assert.doesNotMatch(first.stderr, /\r/, 'no \\r progress bar when stderr is not a terminal');
      assert.deepEqual(readdirSync(out).sort(), ['BTC_USDT-1h.json', 'ETH_USDT-1h.json']);

      const res = await fetch(`${sim.url}/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=0&limit=1000`);
      const expected = ((await res.json()) as unknown[][]).map((k) => k.slice(0, 6).map(Number)).filter((r) => r[0]! + HOUR <= now);
      assert.equal(expected.length, 29);
      assert.deepEqual(JSON.parse(readFileSync(join(out, 'BTC_USDT-1h.json'), 'utf8')), expected);

      const hits = sim.hits.klines;
      const second = await download([...args, '--symbols', 'BTC/USDT']);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /^BTC\/USDT 1h: 29 candles .* \(\+0\)/m);
      assert.match(second.stdout, /^download: all 1 pair done$/m);
      assert.match(second.stderr, /BTC\/USDT 1h: up to date, 29 already stored/);
      assert.equal(sim.hits.klines, hits, 'nothing re-downloaded');
    });
  });
});
