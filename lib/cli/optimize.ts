/**
 * `npm run optimize -- --data <file-or-dir> --strategy <name> --grid fast=5:20:1,slow=15:60:5
 *   [--param key=value …] [--objective profitFactor|netProfit|sharpe] [--walk-forward k]
 *   [--top 10] [--fee 0.001] [--stake 100] [--slippage-bps 0] [--trail-atr <x>] [--max-bars <n>]
 *   [--workers N] [--json]`
 *
 * Thin: parses the flags, loads and validates the OHLCV files (lib/backtest/load.ts), runs
 * lib/optimize/run.ts and prints. --workers defaults to os.availableParallelism(); 0 runs in
 * this thread. With --json stdout holds exactly one JSON document (the report: deterministic,
 * the same for any --workers); gap notices and the timing line go to stderr.
 * Bad input → one line on stderr, exit code 2. A bug or a crashed worker → stderr, exit code 1.
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { describeGaps, loadSeries } from '../backtest/load.js';
import { positionRules } from '../core/positions/rules.js';
import { ConfigError, isCandlebotError } from '../errors.js';
import { formatRun, timingLine } from '../optimize/format.js';
import { parseGrid } from '../optimize/grid.js';
import { optimize, type OptimizeInput } from '../optimize/run.js';
import { OBJECTIVES, type Objective } from '../optimize/types.js';
import { parseParamPairs } from './backtest.js';

export const OPTIMIZE_USAGE =
  'usage: npm run optimize -- --data <file-or-dir> --strategy <name> --grid key=start:end:step[,key=value...] ' +
  '[--param key=value ...] [--objective profitFactor|netProfit|sharpe] [--walk-forward k] [--top 10] ' +
  '[--fee 0.001] [--stake 100] [--slippage-bps 0] [--trail-atr <x>] [--max-bars <n>] [--workers N] [--json]';

function badArgs(message: string): never {
  throw new ConfigError(message, { code: 'BAD_ARGS' });
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!NUMBER.test(value.trim())) badArgs(`--${name} must be a number, got "${value}"`);
  return Number(value);
}

function intFlag(name: string, value: string | undefined): number | undefined {
  const x = numberFlag(name, value);
  if (x !== undefined && !Number.isInteger(x)) badArgs(`--${name} must be an integer, got "${value}"`);
  return x;
}

type Parsed = Omit<OptimizeInput, 'series'> & { readonly data: string; readonly json: boolean };

function parseOptions(argv: readonly string[]): Parsed | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        data: { type: 'string' },
        strategy: { type: 'string' },
        grid: { type: 'string' },
        param: { type: 'string', multiple: true, default: [] },
        objective: { type: 'string', default: 'profitFactor' },
        'walk-forward': { type: 'string' },
        top: { type: 'string' },
        fee: { type: 'string' },
        stake: { type: 'string' },
        'slippage-bps': { type: 'string' },
        'trail-atr': { type: 'string' },
        'max-bars': { type: 'string' },
        workers: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    badArgs((cause as Error).message.split('\n')[0]!);
  }
  if (values.help) return 'help';
  if (values.data === undefined) badArgs('--data <file-or-dir> is required');
  if (values.strategy === undefined) badArgs('--strategy <name> is required');
  if (values.grid === undefined) badArgs('--grid key=start:end:step[,...] is required');
  const objective = values.objective ?? 'profitFactor';
  if (!(OBJECTIVES as readonly string[]).includes(objective)) badArgs(`--objective must be one of ${OBJECTIVES.join(', ')}, got "${objective}"`);
  return {
    data: values.data,
    strategy: values.strategy,
    grid: parseGrid(values.grid),
    fixed: parseParamPairs(values.param ?? []),
    objective: objective as Objective,
    walkForward: intFlag('walk-forward', values['walk-forward']) ?? null,
    top: intFlag('top', values.top) ?? 10,
    stake: numberFlag('stake', values.stake) ?? 100,
    feeRate: numberFlag('fee', values.fee) ?? 0.001,
    slippageBps: numberFlag('slippage-bps', values['slippage-bps']) ?? 0,
    trailAtr: numberFlag('trail-atr', values['trail-atr']) ?? null,
    maxBars: intFlag('max-bars', values['max-bars']) ?? null,
    workers: intFlag('workers', values.workers) ?? availableParallelism(),
    json: values.json ?? false,
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  const opts = parseOptions(argv);
  if (opts === 'help') {
    process.stdout.write(`${OPTIMIZE_USAGE}\n`);
    return 0;
  }
  if (!(Number.isFinite(opts.stake) && opts.stake > 0)) badArgs(`--stake must be > 0, got ${opts.stake}`);
  try {
    positionRules({ feeRate: opts.feeRate, slippageBps: opts.slippageBps, trailAtr: opts.trailAtr, maxBars: opts.maxBars });
  } catch (error) {
    badArgs(`bad --fee/--slippage-bps/--trail-atr/--max-bars: ${(error as Error).message}`);
  }
  const series = loadSeries(opts.data);
  for (const s of series) {
    const gaps = describeGaps(s);
    if (gaps !== null) process.stderr.write(`${gaps}\n`);
  }
  const { data: _data, json, ...input } = opts;
  const run = await optimize({ ...input, series });
  if (json) {
    process.stdout.write(`${JSON.stringify(run.report)}\n`);
    process.stderr.write(`${timingLine(run)}\n`);
  } else {
    process.stdout.write(`${formatRun(run)}\n`);
  }
  return 0;
}

/** Runs the CLI and returns its exit code (0, 1 for a bug or a crash, 2 for bad input); prints errors itself. */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (error) {
    if (isCandlebotError(error) && error.kind === 'permanent') {
      process.stderr.write(`candlebot optimize: ${error.message.split('\n')[0]}\n`);
      return 2;
    }
    process.stderr.write(`candlebot optimize: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run(process.argv.slice(2));
}
