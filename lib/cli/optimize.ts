/**
 * `npm run optimize -- --data <file-or-dir> --strategy <name> --grid fast=5:20:1,slow=15:60:5
 *   [--param key=value …] [--objective profitFactor|netProfit|sharpe] [--walk-forward k]
 *   [--top 10] [--fee 0.001] [--stake <amount>] [--slippage-bps 0] [--trail-atr <x>] [--max-bars <n>]
 *   [--workers N] [--json]`
 *
 * --stake defaults by the series' quote currency (as the backtest CLI: resolveStake).
 * Thin: parses the flags, loads and validates the OHLCV files (lib/backtest/load.ts), runs
 * lib/optimize/run.ts and prints. --workers defaults to os.availableParallelism(); 0 runs in
 * this thread. With --json stdout holds exactly one JSON document (the report: deterministic,
 * the same for any --workers); gap notices and the timing line go to stderr.
 * Bad input → one line on stderr, exit code 2. A bug or a crashed worker → stderr, exit code 1.
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { formatRun, timingLine } from '../optimize/format.js';
import { parseGrid } from '../optimize/grid.js';
import { optimize, type OptimizeInput } from '../optimize/run.js';
import { OBJECTIVES, type Objective } from '../optimize/types.js';
import {
  badArgs,
  checkPositionOptions,
  cliErrorExit,
  intFlag,
  loadSeriesWithNotices,
  numberFlag,
  parseCliArgs,
  parseParamPairs,
  requireDataAndStrategy,
  resolveStake,
  STAKE_HELP,
} from './backtest-options.js';
import { checkNumber } from './flags.js';

export const OPTIMIZE_USAGE =
  'usage: npm run optimize -- --data <file-or-dir> --strategy <name> --grid key=start:end:step[,key=value...] ' +
  '[--param key=value ...] [--objective profitFactor|netProfit|sharpe] [--walk-forward k] [--top 10] ' +
  '[--fee 0.001] [--stake <amount>] [--slippage-bps 0] [--trail-atr <x>] [--max-bars <n>] [--workers N] [--json]\n' +
  `  ${STAKE_HELP}`;

type Parsed = Omit<OptimizeInput, 'series' | 'stake'> & { readonly stake: number | undefined; readonly data: string; readonly json: boolean };

function parseOptions(argv: readonly string[]): Parsed | 'help' {
  const values = parseCliArgs(argv, {
    grid: { type: 'string' },
    objective: { type: 'string', default: 'profitFactor' },
    'walk-forward': { type: 'string' },
    top: { type: 'string' },
    workers: { type: 'string' },
  });
  if (values.help) return 'help';
  const { data, strategy } = requireDataAndStrategy(values);
  if (values.grid === undefined) badArgs('--grid key=start:end:step[,...] is required');
  const objective = values.objective ?? 'profitFactor';
  if (!(OBJECTIVES as readonly string[]).includes(objective)) badArgs(`--objective must be one of ${OBJECTIVES.join(', ')}, got "${objective}"`);
  return {
    data,
    strategy,
    grid: parseGrid(values.grid),
    fixed: parseParamPairs(values.param ?? []),
    objective: objective as Objective,
    walkForward: intFlag('walk-forward', values['walk-forward']) ?? null,
    top: intFlag('top', values.top) ?? 10,
    stake: numberFlag('stake', values.stake),
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
  if (opts.stake !== undefined) checkNumber('stake', opts.stake, { above: 0 });
  checkPositionOptions({ ...opts, stake: opts.stake ?? 1 });
  const series = loadSeriesWithNotices(opts.data);
  const stake = resolveStake(opts.stake, series.map((s) => s.symbol));
  const { data: _data, json, ...input } = opts;
  const run = await optimize({ ...input, stake, series });
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
    return cliErrorExit('optimize', error);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run(process.argv.slice(2));
}
