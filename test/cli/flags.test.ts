/**
 * Every CLI has --help (usage on stdout, exit 0, nothing started), and negative numbers are
 * values, refused by the flag's name where out of range (`--fee -1` and `--fee=-1` alike).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { joinNegativeValues, parseFlags } from '../../lib/cli/flags.js';
import { parseStartArgs } from '../../lib/cli/args.js';
import { runCli } from '../support/run-cli.js';

/** npm script → its entry file (package.json "scripts"). */
const CLIS: Record<string, string> = {
  start: 'lib/cli/start.ts',
  backtest: 'lib/cli/backtest.ts',
  optimize: 'lib/cli/optimize.ts',
  download: 'lib/cli/download.ts',
  'dlq:redrive': 'lib/cli/dlq-redrive.ts',
  'webhook:set': 'lib/cli/webhook-set.ts',
  stack: 'infra/stack-cli.ts',
  package: 'infra/package.ts',
};

describe('CLI flags', () => {
  for (const [name, entry] of Object.entries(CLIS)) {
    for (const flag of ['--help', '-h']) {
      it(`npm run ${name} -- ${flag}: usage on stdout, exit 0, quickly (nothing started)`, async () => {
        const out = await runCli(entry, [flag], 60_000);
        assert.equal(out.code, 0, `${name} ${flag}: exit ${out.code}\n${out.stdout}\n${out.stderr}`);
        assert.match(out.stdout, /^usage: npm /m, out.stdout);
        assert.doesNotMatch(out.stdout + out.stderr, /local AWS stack up|local stack is up|Packaging service/i);
      });
    }
  }

  const REPLAY = 'test/fixtures/replay';
  const negative: Array<[string, string[], RegExp]> = [
    ['backtest', ['--data', REPLAY, '--strategy', 'ema-cross', '--fee', '-1'], /--fee must be ≥ 0, got -1/],
    ['backtest', ['--data', REPLAY, '--strategy', 'ema-cross', '--fee=-1'], /--fee must be ≥ 0, got -1/],
    ['backtest', ['--data', REPLAY, '--strategy', 'ema-cross', '--stake', '-5'], /--stake must be > 0, got -5/],
    ['backtest', ['--data', REPLAY, '--strategy', 'ema-cross', '--slippage-bps', '-2'], /--slippage-bps must be ≥ 0, got -2/],
    ['backtest', ['--data', REPLAY, '--strategy', 'ema-cross', '--trail-atr', '-1.5'], /--trail-atr must be > 0, got -1.5/],
    ['backtest', ['--data', REPLAY, '--strategy', 'ema-cross', '--max-bars', '-3'], /--max-bars must be ≥ 1, got -3/],
    ['backtest', ['--data', REPLAY, '--strategy', 'ema-cross', '--fee', '0.5'], /--fee must be ≤ 0.05, got 0.5/],
    ['optimize', ['--data', REPLAY, '--strategy', 'ema-cross', '--grid', 'fast=5', '--fee', '-1'], /--fee must be ≥ 0, got -1/],
    ['optimize', ['--data', REPLAY, '--strategy', 'ema-cross', '--grid', 'fast=5', '--workers', '-1'], /--workers must be an integer in 0..64, got -1/],
    ['download', ['--exchange', 'binance', '--symbols', 'BTC/USDT', '--timeframe', '1h', '--since', '2024-01-01', '--limit', '-5'], /--limit: expected an integer from 1 to 5000 \(got "-5"\)/],
    ['dlq:redrive', ['--max', '-1'], /--max must be an integer 1..100000, got -1/],
  ];
  for (const [name, args, message] of negative) {
    it(`npm run ${name} -- ${args.slice(-2).join(' ')}: refused by name, exit non-zero`, async () => {
      const out = await runCli(CLIS[name]!, args, 60_000);
      assert.notEqual(out.code, 0, out.stdout);
      assert.match(out.stderr, message, out.stderr);
      assert.doesNotMatch(out.stderr, /ambiguous/);
    });
  }

  it('npm start -- --bogus: unknown option named, exit non-zero, nothing started', async () => {
    const out = await runCli(CLIS['start']!, ['--bogus'], 60_000);
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, /Unknown option '--bogus'/);
    assert.doesNotMatch(out.stdout, /local AWS stack up/);
  });

  it('npm start: --trades-json without --replay, and --once with --replay, are refused by name before anything starts', () => {
    assert.throws(() => parseStartArgs(['--trades-json', 'x.json']), /--trades-json writes the paper trades of a replay: give --replay <dir> too/);
    assert.throws(() => parseStartArgs(['--once', '--replay', 'test/fixtures/replay']), /give one of them/);
    assert.equal(parseStartArgs(['--replay', 'd', '--trades-json', 'x.json']).tradesJson, 'x.json');
  });

  it('joinNegativeValues: only a value-taking flag followed by a negative number is joined', () => {
    const options = { fee: { type: 'string' }, json: { type: 'boolean' } } as const;
    assert.deepEqual(joinNegativeValues(['--fee', '-1', '--json'], options), ['--fee=-1', '--json']);
    assert.deepEqual(joinNegativeValues(['--fee', '-1e-3'], options), ['--fee=-1e-3']);
    assert.deepEqual(joinNegativeValues(['--fee', '-x'], options), ['--fee', '-x']);
    assert.deepEqual(joinNegativeValues(['--json', '-1'], options), ['--json', '-1']);
    assert.deepEqual(joinNegativeValues(['--', '--fee', '-1'], options), ['--', '--fee', '-1']);
    assert.deepEqual({ ...parseFlags(['--fee', '-0.5'], options) }, { help: false, fee: '-0.5' });
    assert.throws(() => parseFlags(['--nope'], options), /Unknown option '--nope'.*--help for usage/);
  });
});
