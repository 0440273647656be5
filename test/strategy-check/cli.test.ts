/** `npm run strategy:check`, spawned as users run it: reports, exit codes 0 / 1 / 2, --json, bounds. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { iso, window } from '../../lib/strategy-check/compare.js';
import peeking from '../fixtures/strategies/peeking.js';
import { loadCandles } from '../core/reference.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const ETH = 'test/fixtures/ohlcv/ETH_BTC-5m.json';
const cli = (...args: string[]) => runCli('lib/cli/strategy-check.ts', args, 180_000);

describe('strategy:check CLI', () => {
  it('a built-in on the whole real fixture: clean, exit 0, with the warm-up table and the recursion note', async () => {
    const out = await cli('--strategy', 'ema-cross', '--data', ETH);
    assert.equal(out.code, 0, out.stderr + out.stdout);
    assert.match(out.stdout, /ema-cross \{"fast":9,"slow":21,"atr":14,"stopAtr":1\.5,"takeAtr":3\} on ETH\/BTC 5m .*5760 candles, warm-up 22, checked candles #21\.\.#5759/);
    assert.match(out.stdout, /OK: no signal changes when later candles are added/);
    assert.match(out.stdout, /200 candles \(live \(scan\.candles\)\): 0 of \d+ candles differ/);
    assert.match(out.stdout, /recursive indicators/);
    assert.match(out.stdout, /RESULT: clean\n$/);
    assert.match(out.stderr, /checking ETH\/BTC 5m: 100%/, 'progress on stderr');
  });

  it('the peeking fixture: exit 1, the first peeking candle named by index and time', async () => {
    const out = await cli('--strategy', 'test/fixtures/strategies/peeking.ts', '--data', ETH, '--to', '400');
    assert.equal(out.code, 1, out.stderr);
    const c = window(loadCandles('ETH_BTC-5m.json'), 0, 401);
    const first = peeking.evaluateAll(c, peeking.params.parse({}), undefined, { timeframe: '5m' })[0]!;
    assert.match(out.stdout, /LOOKAHEAD at \d+ candle\(s\)/);
    assert.ok(out.stdout.includes(`candle #${first.index} ${iso(first.candleTime)} signal: whole series ${first.side} entry`), out.stdout);
    assert.match(out.stdout, /RESULT: PROBLEMS FOUND \(lookahead at \d+ candle\(s\), first candle #/);
    assert.equal(out.stderr, '', 'no progress line below 1000 checked candles');
  });

  it('the short-warmup fixture: exit 1, warm-up too short for both sides; --json carries the same findings', async () => {
    const text = await cli('--strategy', 'test/fixtures/strategies/short-warmup.ts', '--data', ETH, '--to', '2018-01-11T00:00:00Z');
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /WARM-UP TOO SHORT: with exactly 6 candles no long signal at any candle/);
    assert.match(text.stdout, /warm-up 6 too short for long signals; warm-up 6 too short for short signals/);
    const json = await cli('--strategy', 'test/fixtures/strategies/short-warmup.ts', '--data', ETH, '--to', '2018-01-11T00:00:00Z', '--json');
    assert.equal(json.code, 1);
    const [doc] = JSON.parse(json.stdout) as Array<{ ok: boolean; symbol: string; to: number; lookahead: unknown[]; warmupCheck: { undefinedSides: Array<{ side: string }> } }>;
    assert.equal(doc!.ok, false);
    assert.equal(doc!.symbol, 'ETH/BTC');
    assert.equal(loadCandles('ETH_BTC-5m.json').time[doc!.to], Date.parse('2018-01-11T00:00:00Z'), '--to as a date: the last candle at or before it');
    assert.deepEqual(doc!.lookahead, []);
    assert.deepEqual(doc!.warmupCheck.undefinedSides.map((u) => u.side), ['long', 'short']);
  });

  it('--history: signals that change beyond the live history fail the check', async () => {
    const out = await cli('--strategy', 'ema-cross', '--data', ETH, '--to', '600', '--history', '23');
    assert.equal(out.code, 1);
    assert.match(out.stdout, /HISTORY-DEPENDENT with the live history \(23 candles, config scan\.candles\)/);
    assert.match(out.stdout, /stable from \d+ candles of history/);
  });

  it('a multi-timeframe strategy gets its timeframe: reading the forming 1h candle is caught, reading closed ones is clean', async () => {
    const bad = await cli('--strategy', 'test/fixtures/strategies/higher-forming.ts', '--data', ETH, '--to', '600', '--timeframe', '5m');
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stdout, /LOOKAHEAD/);
    const good = await cli('--strategy', 'test/fixtures/strategies/higher-forming.ts', '--data', ETH, '--to', '600', '--params', '{"peek":false}');
    assert.equal(good.code, 0, good.stdout + good.stderr);
  });

  it('bad input: exit 2 with one line naming the problem', async () => {
    const dir = tempDir('candlebot-strategy-check-');
    writeFileSync(join(dir, 'not-a-strategy.ts'), 'export default { name: "x" };\n');
    const cases: Array<[string[], RegExp]> = [
      [['--strategy', 'nope', '--data', ETH], /Unknown strategy "nope"/],
      [['--strategy', 'ema-cross', '--data', join(dir, 'missing.json')], /no such file or directory/],
      [['--strategy', join(dir, 'not-a-strategy.ts'), '--data', ETH], /not-a-strategy\.ts: the default export is not a strategy/],
      [['--strategy', 'ema-cross', '--data', ETH, '--params', '{fast'], /--params must be a JSON object/],
      [['--strategy', 'ema-cross', '--data', ETH, '--params', '{"fast":50}'], /bad params for ema-cross: fast: fast period must be smaller than slow period/],
      [['--strategy', 'ema-cross', '--data', ETH, '--max-candles', '1000'], /5739 candles to check .*--from\/--to .*--max-candles 1000/],
      [['--strategy', 'ema-cross', '--data', ETH, '--timeframe', '1h'], /--timeframe 1h: .* holds 5m candles/],
      [['--strategy', 'ema-cross', '--data', ETH, '--from', 'yesterday'], /--from must be a candle index or an ISO date/],
      [['--strategy', 'ema-cross', '--data', ETH, '--history', '10'], /--history 10 is below the strategy's warm-up 22/],
      [['--data', ETH], /--strategy <name\|path\.ts> is required/],
    ];
    for (const [args, pattern] of cases) {
      const out = await cli(...args);
      assert.equal(out.code, 2, `${args.join(' ')}: ${out.stderr}`);
      assert.match(out.stderr, pattern);
      assert.equal(out.stdout, '');
    }
  });

  it('--help prints the usage with the definitions and exit codes', async () => {
    const out = await cli('--help');
    assert.equal(out.code, 0);
    assert.match(out.stdout, /^usage: npm run strategy:check -- --strategy <name\|path\.ts> --data <file-or-dir>/);
    assert.match(out.stdout, /Exit code: 0 clean, 1 problems found, 2 bad input/);
  });
});
