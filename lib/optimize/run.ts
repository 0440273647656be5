/**
 * `optimize`: the parameter sets (the grid's combinations, or random draws: sets.ts) the
 * strategy's schema accepts (the others counted per reason), each evaluated with the backtest
 * engine over every series (on worker threads started from a bundle built once for the run:
 * bundle.ts; or in this thread with `workers: 0`), ranked by the objective — or, with
 * `walkForward: k`, the rolling walk-forward (folds.ts, walk-forward.ts), for either search.
 *
 * The report is a function of the input only (deterministic, whatever the worker count);
 * timings are returned beside it, never inside it.
 */
import { getStrategy } from '../core/strategies/index.js';
import { ConfigError, type PermanentCode } from '../errors.js';
import { withWorkerBundle } from './bundle.js';
import { evaluateInProcess } from './evaluate.js';
import { foldBounds, MAX_WALK_FORWARD } from './folds.js';
import type { GridAxis, InvalidReason } from './grid.js';
import { compareScored, DEFAULT_DD_PENALTY, scoreOf } from './objective.js';
import { MAX_WORKERS, runOnWorkers } from './pool.js';
import { buildSets, evaluationOrder, type RandomInfo, type SearchSpec } from './sets.js';
import type { EvaluatorInit, Metrics, Objective, OptimizeSeries, SetJob, SetResult } from './types.js';
import { walkForwardReport, type WalkForwardStepReport, type WalkForwardTotals } from './walk-forward.js';

export const MAX_TOP = 1000;

export interface OptimizeInput {
  readonly strategy: string;
  readonly series: readonly OptimizeSeries[];
  /** Default grid. Random: `grid` axes override the strategy's ranges (sets.ts, random.ts). */
  readonly search?: SearchSpec;
  readonly grid: readonly GridAxis[];
  /** Values every set gets (`--param`), before the schema's defaults. */
  readonly fixed: Readonly<Record<string, unknown>>;
  readonly objective: Objective;
  /** λ of the `returnDd` objective (objective.ts); default DEFAULT_DD_PENALTY. */
  readonly ddPenalty?: number;
  readonly top: number;
  /** k for a rolling walk-forward over k + 1 folds; null for none. */
  readonly walkForward: number | null;
  readonly stake: number;
  readonly feeRate: number;
  readonly slippageBps: number;
  readonly trailAtr: number | null;
  readonly maxBars: number | null;
  /** Worker threads; 0 evaluates in this thread. */
  readonly workers: number;
  readonly cacheBytes?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** A prebuilt worker module instead of building the bundle (tests). */
  readonly workerModule?: URL;
}

export interface RankedSet {
  readonly rank: number;
  readonly index: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly score: number | null;
  readonly metrics: Metrics;
}

export interface OptimizeReport {
  readonly strategy: string;
  readonly objective: Objective;
  /** Only with objective returnDd. */
  readonly ddPenalty?: number;
  readonly search: 'grid' | 'random';
  /** The --grid axes (random search: those that override a range; may be empty). */
  readonly grid: readonly { readonly key: string; readonly spec: string; readonly values: number }[];
  /** Random search only: budget, seed, what each parameter was drawn from, draws and duplicates. */
  readonly random?: RandomInfo;
  /** The parameter names that vary, in the order they are printed. */
  readonly keys: readonly string[];
  readonly fixed: Readonly<Record<string, unknown>>;
  readonly stake: number;
  readonly feeRate: number;
  readonly series: readonly {
    readonly symbol: string;
    readonly timeframe: string;
    readonly candles: number;
    /** Walk-forward only: [from, to) candle index and open times of each fold. */
    readonly folds?: readonly { from: number; to: number; firstTime: number | null; lastTime: number | null }[];
  }[];
  /** total = grid combinations, or random draws (valid + invalid + duplicates). */
  readonly sets: { readonly total: number; readonly valid: number; readonly invalid: number; readonly invalidReasons: readonly InvalidReason[] };
  /** Best sets over the whole series (absent with walk-forward). */
  readonly top?: readonly RankedSet[];
  readonly walkForward?: { readonly k: number; readonly folds: number; readonly scheme: 'rolling'; readonly steps: readonly WalkForwardStepReport[]; readonly totals: WalkForwardTotals };
}

export interface OptimizeRun {
  readonly report: OptimizeReport;
  /** Not part of the report: wall time of the evaluation and its size. */
  readonly timing: {
    readonly evaluateMs: number;
    /** Building the worker bundle (before evaluateMs; 0 in this thread or with an injected module). */
    readonly buildMs: number;
    /** Until the last worker was ready (its code loaded and data received); 0 in this thread. */
    readonly startupMs: number;
    readonly candleEvaluations: number;
    readonly workers: number;
  };
}

function bad(message: string, code: PermanentCode = 'BAD_ARGS'): never {
  throw new ConfigError(message, { code });
}

function checkInput(input: OptimizeInput): void {
  if (input.series.length === 0) bad('no series to optimise on');
  if (!(Number.isInteger(input.top) && input.top >= 1 && input.top <= MAX_TOP)) bad(`--top must be an integer in 1..${MAX_TOP}, got ${input.top}`);
  if (!(Number.isInteger(input.workers) && input.workers >= 0 && input.workers <= MAX_WORKERS)) bad(`--workers must be an integer in 0..${MAX_WORKERS}, got ${input.workers}`);
  const k = input.walkForward;
  if (k !== null && !(Number.isInteger(k) && k >= 1 && k <= MAX_WALK_FORWARD)) bad(`--walk-forward must be an integer in 1..${MAX_WALK_FORWARD}, got ${k}`);
  const dd = input.ddPenalty;
  if (dd !== undefined && !(Number.isFinite(dd) && dd >= 0)) bad(`--dd-penalty must be a finite number >= 0, got ${dd}`);
  if (dd !== undefined && input.objective !== 'returnDd') bad(`--dd-penalty applies to --objective returnDd only (got --objective ${input.objective})`);
}

/** Evaluates the jobs here (0 workers) or on workers started from the bundle (built for this run unless injected). */
async function evaluateAll(input: OptimizeInput, init: EvaluatorInit, jobs: readonly SetJob[]) {
  const progress = input.onProgress ? { onProgress: input.onProgress } : {};
  if (input.workers === 0) {
    const t0 = performance.now();
    const results = evaluateInProcess(init, jobs, input.onProgress);
    return { results, evaluateMs: performance.now() - t0, startupMs: 0, buildMs: 0 };
  }
  const onWorkers = async (workerModule: URL, buildMs: number) => {
    const t0 = performance.now();
    let startupMs = 0;
    const onReady = (): void => {
      startupMs = performance.now() - t0;
    };
    const results = await runOnWorkers(init, jobs, { workers: input.workers, workerModule, onReady, ...progress });
    return { results, evaluateMs: performance.now() - t0, startupMs, buildMs };
  };
  if (input.workerModule !== undefined) return onWorkers(input.workerModule, 0);
  return withWorkerBundle((bundle) => onWorkers(bundle.module, bundle.buildMs));
}

export async function optimize(input: OptimizeInput): Promise<OptimizeRun> {
  checkInput(input);
  const strategy = getStrategy(input.strategy);
  const search = input.search ?? { mode: 'grid' as const };
  const folds = input.walkForward === null ? 1 : input.walkForward + 1;
  const shortestFold = folds === 1 ? Infinity : Math.min(...input.series.map((s) => Math.floor(s.candles.close.length / folds)));
  const built = buildSets(strategy, search, input.grid, input.fixed, shortestFold);
  const jobs = built.jobs;
  if (jobs.length === 0) {
    const first = built.invalid[0];
    bad(`none of the ${built.total} parameter sets ${search.mode === 'random' ? 'drawn ' : ''}is valid for ${strategy.name}${first ? `: ${first.reason}` : ''}`, 'NO_VALID_SET');
  }
  const warmup = Math.max(...jobs.map((j) => strategy.warmup(j.params)));
  for (const s of input.series) {
    const shortest = Math.floor(s.candles.close.length / folds);
    if (folds > 1 && shortest < warmup) {
      bad(`--walk-forward ${input.walkForward}: ${s.symbol} ${s.timeframe} has ${s.candles.close.length} candles, folds of ${shortest}; the grid's largest warm-up is ${warmup}`);
    }
  }

  const init: EvaluatorInit = {
    strategy: strategy.name,
    series: input.series,
    folds,
    stake: input.stake,
    feeRate: input.feeRate,
    slippageBps: input.slippageBps,
    trailAtr: input.trailAtr,
    maxBars: input.maxBars,
    ...(input.cacheBytes === undefined ? {} : { cacheBytes: input.cacheBytes }),
  };
  const { results, evaluateMs, startupMs, buildMs } = await evaluateAll(input, init, evaluationOrder(jobs, built.keys));
  const dd = input.objective === 'returnDd' ? (input.ddPenalty ?? DEFAULT_DD_PENALTY) : undefined;

  const paramsOf = new Map(jobs.map((j) => [j.index, j.params]));
  const candles = input.series.reduce((n, s) => n + s.candles.close.length, 0);
  const report: OptimizeReport = {
    strategy: strategy.name,
    objective: input.objective,
    ...(dd === undefined ? {} : { ddPenalty: dd }),
    search: search.mode,
    grid: input.grid.map((a) => ({ key: a.key, spec: a.spec, values: a.values.length })),
    ...(built.random === undefined ? {} : { random: built.random }),
    keys: built.keys,
    fixed: input.fixed,
    stake: input.stake,
    feeRate: input.feeRate,
    series: input.series.map((s) => {
      const n = s.candles.close.length;
      const base = { symbol: s.symbol, timeframe: s.timeframe, candles: n };
      if (folds === 1) return base;
      const time = s.candles.time;
      return { ...base, folds: foldBounds(n, folds).map((b) => ({ ...b, firstTime: time[b.from] ?? null, lastTime: time[b.to - 1] ?? null })) };
    }),
    sets: { total: built.total, valid: jobs.length, invalid: built.invalidCount, invalidReasons: built.invalid },
    ...(input.walkForward === null
      ? { top: rankTop(results, (i) => paramsOf.get(i)!, input.objective, input.top, dd) }
      : { walkForward: { k: input.walkForward, folds, scheme: 'rolling' as const, ...walkForwardReport(input.walkForward, results, (i) => paramsOf.get(i)!, input.objective, dd, input.top) } }),
  };
  return { report, timing: { evaluateMs, buildMs, startupMs, candleEvaluations: candles * jobs.length, workers: Math.min(input.workers, jobs.length) } };
}

/** The `top` best sets over the whole series (fold 0), ranked with compareScored. */
export function rankTop(
  results: readonly SetResult[],
  paramsOf: (index: number) => Readonly<Record<string, unknown>>,
  objective: Objective,
  top: number,
  ddPenalty?: number,
): RankedSet[] {
  return results
    .map((r) => ({ index: r.index, score: scoreOf(r.folds[0]!, objective, ddPenalty), metrics: r.folds[0]! }))
    .sort(compareScored)
    .slice(0, top)
    .map((r, i) => ({ rank: i + 1, index: r.index, params: paramsOf(r.index), score: r.score, metrics: r.metrics }));
}
