/** `npm run optimize`: spawned as users run it; --json is one document, the same for any --workers; bad input exits 2 with one line. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/run-cli.js';

const REPLAY = 'test/fixtures/replay';
const ETH = 'test/fixtures/ohlcv/ETH_BTC-5m.json';

const cli = (...args: string[]) => runCli('lib/cli/optimize.ts', args, 120_000);

const BASE = ['--data', REPLAY, '--strategy', 'ema-cross', '--grid', 'fast=5:12:1,slow=10:30:5'];

describe('optimize CLI', () => {
  it('--json: stdout is one JSON document, identical for --workers 0, 1 and 2', async () => {
    const outs = await Promise.all(['0', '1', '2'].map((w) => cli(...BASE, '--objective', 'netProfit', '--top', '5', '--json', '--workers', w)));
    for (const out of outs) {
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout.trim().split('\n').length, 1);
      // the progress bar (not a terminal: at most 10 plain lines), then the timing line
      const lines = out.stderr.trimEnd().split('\n');
      assert.ok(lines.length <= 11, out.stderr);
      for (const l of lines.slice(0, -1)) assert.match(l, /^optimize \[[#.]{20}\] \d+% \d+\/37 sets, [\d.]+ sets\/s, ETA \d+:\d\d$/);
      assert.match(lines.at(-1)!, /^optimize: \d+ candle-evaluations in [\d.]+ s, \d worker\(s\) \(start-up [\d.]+ s, bundle [\d.]+ s\), [\d.]+M\/s$/);
      assert.match(lines.at(-2)!, /100% 37\/37 sets/);
    }
    assert.equal(outs[1]!.stdout, outs[0]!.stdout);
    assert.equal(outs[2]!.stdout, outs[0]!.stdout);
    const doc = JSON.parse(outs[0]!.stdout);
    assert.deepEqual(Object.keys(doc).sort(), ['feeRate', 'fixed', 'grid', 'keys', 'objective', 'search', 'series', 'sets', 'stake', 'strategy', 'top']);
    assert.equal(doc.search, 'grid');
    assert.equal(doc.objective, 'netProfit');
    assert.deepEqual(doc.grid, [
      { key: 'fast', spec: '5:12:1', values: 8 },
      { key: 'slow', spec: '10:30:5', values: 5 },
    ]);
    // fast 10..12 with slow 10: 3 sets; fast 11, 12 with... slow ≤ fast: (10,10) (11,10) (12,10)
    assert.deepEqual([doc.sets.total, doc.sets.valid, doc.sets.invalid], [40, 37, 3]);
    assert.equal(doc.series.length, 3);
    assert.equal(doc.top.length, 5);
    const scores = doc.top.map((r: { score: number }) => r.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    for (const r of doc.top) assert.equal(r.score, r.metrics.netProfit);
  });

  it('--walk-forward 2 --json: two rolling steps with in- and out-of-sample metrics', async () => {
    const out = await cli('--data', ETH, '--strategy', 'ema-cross', '--grid', 'fast=5:9:2,slow=20:30:10', '--walk-forward', '2', '--objective', 'sharpe', '--json', '--workers', '1');
    assert.equal(out.code, 0, out.stderr);
    const doc = JSON.parse(out.stdout);
    assert.equal(doc.top, undefined);
    assert.equal(doc.walkForward.steps.length, 2);
    assert.deepEqual(doc.series[0].folds.map((f: { from: number; to: number }) => [f.from, f.to]), [[0, 1920], [1920, 3840], [3840, 5760]]);
    for (const s of doc.walkForward.steps) {
      assert.equal(s.outOfSampleFold, s.inSampleFold + 1);
      assert.ok(s.chosen.outOfSampleRank >= 1 && s.chosen.outOfSampleRank <= 6);
      assert.equal(typeof s.chosen.inSample.trades, 'number');
    }
  });

  it('prints readable tables: invalid sets with their reason, the ranking, the timing', async () => {
    const out = await cli(...BASE, '--workers', '1', '--top', '3', '--no-progress');
    assert.equal(out.stderr, '');
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /grid fast=5:12:1 \(8\) × slow=10:30:5 \(5\) = 40 sets: 37 valid, 3 invalid \(skipped\)/);
    assert.match(out.stdout, /3 × fast: fast period must be smaller than slow period \(first: #25 fast=10 slow=10\)/);
    assert.match(out.stdout, /^rank +set +params +profitFactor/m);
    assert.match(out.stdout, /^1 +#\d+ +fast=\d+ slow=\d+ /m);
    assert.match(out.stdout, /on 1 worker thread\(s\) \(start-up [\d.]+ s; bundle built in [\d.]+ s\): [\d.]+M\/s$/m);
  });

  it('--search random --budget --seed with --walk-forward and --objective returnDd: the same document for any --workers and run', async () => {
    const args = ['--data', ETH, '--strategy', 'ema-cross', '--search', 'random', '--budget', '12', '--seed', '3', '--grid', 'fast=3:20:1,slow=10:60:1', '--param', 'atr=14', '--param', 'stopAtr=1.5', '--param', 'takeAtr=3', '--walk-forward', '2', '--objective', 'returnDd', '--dd-penalty', '0.5', '--top', '3', '--json'];
    const outs = await Promise.all(['0', '2', '2'].map((w) => cli(...args, '--workers', w)));
    for (const out of outs) assert.equal(out.code, 0, out.stderr);
    assert.equal(outs[1]!.stdout, outs[0]!.stdout);
    assert.equal(outs[2]!.stdout, outs[0]!.stdout);
    const doc = JSON.parse(outs[0]!.stdout);
    assert.deepEqual([doc.search, doc.objective, doc.ddPenalty, doc.random.seed, doc.random.budget, doc.sets.valid], ['random', 'returnDd', 0.5, 3, 12, 12]);
    for (const step of doc.walkForward.steps) {
      assert.equal(step.ranked.length, 3);
      for (const r of step.ranked) assert.equal(typeof r.outOfSampleRank, 'number');
    }
    const text = await cli(...args.filter((a) => a !== '--json'), '--workers', '1', '--no-progress');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /random search, seed 3, budget 12: fast∈3:20:1 \(18\) slow∈10:60:1 \(51\)/);
    assert.match(text.stdout, /the best sets in-sample at each step, with their out-of-sample scores:/);
    assert.match(text.stdout, /^step +IS rank +set +params +IS returnDd +OOS returnDd +OOS rank$/m);
  });

  const bad: [string[], RegExp][] = [
    [['--data', REPLAY, '--strategy', 'ema-cross'], /--grid key=start:end:step\[,...\] is required \(or --search random --budget N\)/],
    [[...BASE.slice(0, 4), '--grid', 'fast=5:20'], /--grid fast: expected start:end:step \(end inclusive\) or one value, got "5:20"/],
    [[...BASE.slice(0, 4), '--grid', 'fast=30:40:5,slow=20'], /none of the 3 parameter sets is valid for ema-cross: fast: fast period must be smaller/],
    [['--data', REPLAY, '--strategy', 'nope', '--grid', 'fast=5'], /Unknown strategy "nope"/],
    [[...BASE, '--objective', 'winRate'], /--objective must be one of profitFactor, netProfit, sharpe, returnDd, got "winRate"/],
    [[...BASE, '--search', 'annealing'], /--search must be grid or random, got "annealing"/],
    [[...BASE, '--search', 'random'], /--search random needs --budget N/],
    [[...BASE, '--budget', '5'], /--budget and --seed apply to --search random only/],
    [[...BASE, '--search', 'random', '--budget', '0'], /--budget must be an integer in 1\.\.100000, got 0/],
    [[...BASE, '--search', 'random', '--budget', '5', '--seed', '-1'], /--seed must be an integer in 0\.\.4294967295, got -1/],
    [[...BASE, '--dd-penalty', '1'], /--dd-penalty applies to --objective returnDd only/],
    [[...BASE, '--objective', 'returnDd', '--dd-penalty', '-1'], /--dd-penalty must be a finite number >= 0, got -1/],
    [[...BASE, '--workers=-1'], /--workers must be an integer in 0..64, got -1/],
    [[...BASE, '--workers', '1.5'], /--workers must be an integer, got "1.5"/],
    [[...BASE, '--walk-forward', '0'], /--walk-forward must be an integer in 1..50, got 0/],
    [[...BASE, '--top', '0'], /--top must be an integer in 1..1000, got 0/],
    [[...BASE, '--param', 'fast=7'], /fast is both in --grid and a --param/],
    [[...BASE, '--stake', '0'], /--stake must be > 0/],
    [[...BASE, '--bogus'], /Unknown option '--bogus'/],
    [['--data', 'no/such/dir', '--strategy', 'ema-cross', '--grid', 'fast=5'], /no\/such\/dir: no such file or directory/],
  ];
  it('bad input: exit 2, one line on stderr naming the problem, nothing on stdout', async () => {
    const outs = await Promise.all(bad.map(([args]) => cli(...args)));
    for (const [i, out] of outs.entries()) {
      const [args, message] = bad[i]!;
      assert.equal(out.code, 2, `${args.join(' ')}: ${out.stderr}`);
      assert.equal(out.stdout, '');
      assert.match(out.stderr, /^candlebot optimize: [^\n]+\n$/, out.stderr);
      assert.match(out.stderr, message);
    }
  });
});
