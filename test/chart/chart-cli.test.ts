/** `npm run chart` (lib/cli/chart.ts) as a user runs it: one candle file → the signal chart PNG. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultChartFile, parseAt } from '../../lib/cli/chart.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const CLI = 'lib/cli/chart.ts';
const ETH = 'test/fixtures/replay/ETH_BTC-5m.json';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function assertPng(path: string, height: number): void {
  const png = readFileSync(path);
  assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1000, height]);
  assert.ok(png.byteLength > 30_000, `${png.byteLength} bytes`);
}

describe('npm run chart', () => {
  const dir = tempDir('candlebot-chart-cli-');

  it('--help: usage on stdout, exit 0', async () => {
    const out = await runCli(CLI, ['--help']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^usage: npm run chart -- --data /m);
  });

  it('without --at: the last signal in the file, PNG written to --out, signal and path on stdout', async () => {
    const file = join(dir, 'rsi.png');
    const out = await runCli(CLI, ['--data', ETH, '--strategy', 'rsi-reversion', '--out', file]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^ETH\/BTC 5m rsi-reversion: (LONG|SHORT) signal on the candle opening 2018-01-\d\d \d\d:\d\d UTC; entry 0\.0\d+, stop 0\.0\d+, target 0\.0\d+ \(\d+ signal\(s\) in the file\)$/m);
    assert.ok(out.stdout.includes(file));
    assertPng(file, 710); // one RSI pane under the price
  });

  it('--at picks the signal on the candle containing that time; --param is passed to the strategy', async () => {
    const file = join(dir, 'macd.png');
    const out = await runCli(CLI, ['--data', ETH, '--strategy', 'macd-trend', '--at', '2018-01-11T20:32', '--param', 'signal=9', '--out', file]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /macd-trend: LONG signal on the candle opening 2018-01-11 20:30 UTC/);
    assertPng(file, 710);
  });

  it('no signal at --at: one line naming the nearest signals, exit 2, no file', async () => {
    const file = join(dir, 'none.png');
    const out = await runCli(CLI, ['--data', ETH, '--strategy', 'macd-trend', '--at', '2018-01-11T20:00Z', '--out', file]);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /^candlebot chart: no macd-trend signal on the candle opening 2018-01-11 20:00 UTC in .*nearest signals before: 2018-01-11 18:10 UTC \(short\); after: 2018-01-11 20:30 UTC \(long\)\n$/);
    assert.equal(existsSync(file), false);
  });

  it('refuses bad input by name: unknown strategy, bad --param, a directory of several files, a bad --at', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--data', ETH, '--strategy', 'nope'], /Unknown strategy "nope"/],
      [['--data', ETH, '--strategy', 'rsi-reversion', '--param', 'oversold=80'], /bad --param for rsi-reversion: oversold/],
      [['--data', 'test/fixtures/replay', '--strategy', 'ema-cross'], /--data must be one candle file; test\/fixtures\/replay holds 3/],
      [['--data', ETH, '--strategy', 'ema-cross', '--at', 'yesterday'], /--at: not a time/],
      [['--strategy', 'ema-cross'], /--data <BASE_QUOTE-tf\.json> is required/],
      [['--data', ETH, '--strategy', 'ema-cross', '--candles', '1'], /--candles must be ≥ 2, got 1/],
    ];
    for (const [args, message] of cases) {
      const out = await runCli(CLI, [...args, '--out', join(dir, 'bad.png')]);
      assert.equal(out.code, 2, `${args.join(' ')}: ${out.stderr}`);
      assert.match(out.stderr, message, args.join(' '));
    }
    assert.equal(existsSync(join(dir, 'bad.png')), false);
  });

  it('default output name (git-ignored chart-*.png) and --at forms', () => {
    assert.equal(defaultChartFile('ETH/BTC', 'macd-trend'), 'chart-ETH-BTC-macd-trend.png');
    assert.equal(defaultChartFile('BTC/USDT:USDT', 'ema-cross'), 'chart-BTC-USDT-USDT-ema-cross.png');
    assert.match(readFileSync(new URL('../../.gitignore', import.meta.url), 'utf8'), /^chart-\*\.png$/m);
    assert.equal(parseAt('2018-01-11T20:32'), Date.UTC(2018, 0, 11, 20, 32));
    assert.equal(parseAt('2018-01-11T22:32+02:00'), Date.UTC(2018, 0, 11, 20, 32));
    assert.equal(parseAt('1515702720000'), 1515702720000);
  });
});
