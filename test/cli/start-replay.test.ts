import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startBinanceSim } from '../support/exchange-sim/binance-sim.js';
import { FAST_STRATEGIES } from '../support/scan-fixture.js';

/** Runs `npm start -- …` (the same entry) as a user would; resolves with its output. */
function start(args: string[], timeoutMs = 120_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli/start.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`npm start did not finish in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('npm start -- --replay (offline demo)', () => {
  it('replays recorded candles through the local stack and prints every notification', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'candlebot-start-'));
    const rows = JSON.parse(readFileSync('test/fixtures/replay/ETH_BTC-5m.json', 'utf8')) as unknown[];
    writeFileSync(join(dir, 'ETH_BTC-5m.json'), JSON.stringify(rows.slice(0, 220)));
    const { code, out } = await start(['--replay', dir]);
    assert.equal(code, 0, out);
    const done = /replay done: (\d+) candle closes scanned, (\d+) signals recorded, (\d+) symbol failures, (\d+) paper positions closed/.exec(out);
    assert.ok(done, out);
    const printed = out.match(/📨 to chat 0:\n(🟢 LONG|🔴 SHORT)/g)?.length ?? 0;
    assert.ok(Number(done[2]) > 0, 'the sample signals');
    assert.equal(printed, Number(done[2]), 'every recorded signal printed once (no Telegram token, no admin chat)');
    const opened = out.match(/📨 to chat 0:\n📂 opened paper/g)?.length ?? 0;
    assert.ok(opened > 0, 'paper positions opened from the signals are announced');
    assert.equal(done[3], '0');
    assert.doesNotMatch(out, /\n\s+at /, 'no stack trace');
  });

  it('live mode --once runs the scan handler on the local stack against the configured exchange', async () => {
    // The "real exchange" here is the simulator (no internet in tests), reached through the config's apiBase.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((res) => setTimeout(res, 61_000 - intoMinute));
    const sim = await startBinanceSim({ symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], nowMs: Date.now() });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'candlebot-start-'));
      const config = join(dir, 'candlebot.config.yml');
      writeFileSync(
        config,
        stringify({
          exchanges: [{ id: 'binance', symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], timeframes: ['1m'], apiBase: sim.url }],
          strategies: FAST_STRATEGIES,
          scan: { candles: 100 },
        }),
      );
      const { code, out } = await start(['--config', config, '--once']);
      assert.equal(code, 0, out);
      const line = /scan 1m: (\{.*\})/.exec(out);
      assert.ok(line, out);
      const result = JSON.parse(line[1]!) as { scanned: number; failed: number; signalled: number };
      assert.equal(result.scanned, 3);
      assert.equal(result.failed, 0);
      assert.equal(out.match(/📨 to chat 0:\n(🟢 LONG|🔴 SHORT)/g)?.length ?? 0, result.signalled);
      assert.equal(sim.hits.exchangeInfo, 1);
    } finally {
      await sim.close();
    }
  });

  it('a bad argument or config stops at once with a specific message', async () => {
    const bad = await start(['--replya', 'x']);
    assert.equal(bad.code, 1);
    assert.match(bad.out, /Unknown option '--replya'/);
    assert.match(bad.out, /usage: npm start/);
    const dir = mkdtempSync(join(tmpdir(), 'candlebot-start-'));
    writeFileSync(join(dir, 'c.yml'), 'exchanges: []\nstrategies: [{name: ema-cross}]\n');
    const badConfig = await start(['--config', join(dir, 'c.yml'), '--once']);
    assert.equal(badConfig.code, 1);
    assert.match(badConfig.out, /exchanges: Too small/);
    assert.doesNotMatch(badConfig.out, /\n\s+at /);
  });
});
