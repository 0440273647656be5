/**
 * `npm run optimize -- --data <file-or-dir> --strategy <name> --grid fast=5:20:1,slow=15:60:5
 *   [--search grid|random] [--budget N] [--seed S]
 *   [--param key=value …] [--objective profitFactor|netProfit|sharpe|returnDd] [--dd-penalty λ]
 *   [--walk-forward k] [--top 10] [--fee 0.001] [--stake <amount>] [--slippage-bps 0]
 *   [--trail-atr <x>] [--max-bars <n>] [--workers N] [--json] [--no-progress]`
 *
 * --search random draws --budget distinct valid sets from the strategy's parameter ranges
 * (lib/optimize/random.ts); there --grid is optional and its axes override ranges.
 * A progress bar with ETA goes to stderr (lib/cli/progress-bar.ts) unless --no-progress.
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
import type { SearchSpec } from '../optimize/sets.js';
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
import { createProgressBar } from './progress-bar.js';

export const OPTIMIZE_USAGE =
  'usage: npm run optimize -- --data <file-or-dir> --strategy <name> --grid key=start:end:step[,key=value...] ' +
  '[--search grid|random] [--budget N] [--seed S] ' +
  '[--param key=value ...] [--objective profitFactor|netProfit|sharpe|returnDd] [--dd-penalty 1] [--walk-forward k] [--top 10] ' +
  '[--fee 0.001] [--stake <amount>] [--slippage-bps 0] [--trail-atr <x>] [--max-bars <n>] [--workers N] [--json] [--no-progress]\n' +
  '  --search random: --budget distinct valid sets drawn from the strategy\'s parameter ranges (seeded: --seed, default 1); ' +
  '--grid is then optional and its axes override ranges\n' +
  `  ${STAKE_HELP}`;

type Parsed = Omit<OptimizeInput, 'series' | 'stake'> & { readonly stake: number | undefined; readonly data: string; readonly json: boolean; readonly progress: boolean };

function parseSearch(values: { search?: string | undefined; budget?: string | undefined; seed?: string | undefined }): SearchSpec {
  const mode = values.search ?? 'grid';
  if (mode !== 'grid' && mode !== 'random') badArgs(`--search must be grid or random, got "${mode}"`);
  if (mode === 'grid') {
    if (values.budget !== undefined || values.seed !== undefined) badArgs('--budget and --seed apply to --search random only');
    return { mode };
  }
  const budget = intFlag('budget', values.budget);
  if (budget === undefined) badArgs('--search random needs --budget N (the number of parameter sets to evaluate)');
  const seed = intFlag('seed', values.seed);
  if (seed !== undefined && !(seed >= 0 && seed <= 0xffffffff)) badArgs(`--seed must be an integer in 0..4294967295, got ${seed}`);
  return { mode, budget, ...(seed === undefined ? {} : { seed }) };
}

function parseOptions(argv: readonly string[]): Parsed | 'help' {
  const values = parseCliArgs(argv, {
    grid: { type: 'string' },
    objective: { type: 'string', default: 'profitFactor' },
    'walk-forward': { type: 'string' },
    top: { type: 'string' },
    workers: { type: 'string' },
    search: { type: 'string' },
    budget: { type: 'string' },
    seed: { type: 'string' },
    'dd-penalty': { type: 'string' },
    'no-progress': { type: 'boolean' },
  });
  if (values.help) return 'help';
  const { data, strategy } = requireDataAndStrategy(values);
  const search = parseSearch(values);
  if (values.grid === undefined && search.mode === 'grid') badArgs('--grid key=start:end:step[,...] is required (or --search random --budget N)');
  const objective = values.objective ?? 'profitFactor';
  if (!(OBJECTIVES as readonly string[]).includes(objective)) badArgs(`--objective must be one of ${OBJECTIVES.join(', ')}, got "${objective}"`);
  const ddPenalty = numberFlag('dd-penalty', values['dd-penalty']);
  return {
    data,
    strategy,
    search,
    ...(ddPenalty === undefined ? {} : { ddPenalty }),
    grid: values.grid === undefined ? [] : parseGrid(values.grid),
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
    progress: !(values['no-progress'] ?? false),
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
  const { data: _data, json, progress, ...input } = opts;
  const bar = progress ? createProgressBar(process.stderr, { label: 'optimize', unit: 'sets' }) : undefined;
  let run;
  try {
    run = await optimize({ ...input, stake, series, ...(bar ? { onProgress: (done: number, total: number) => bar.update(done, total) } : {}) });
  } finally {
    bar?.end();
  }
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
