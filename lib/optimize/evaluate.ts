/**
 * Evaluating one parameter set: the backtest engine (lib/backtest/engine.ts `backtestTrades`, the
 * trades `npm run backtest` gets) over every series — or over fold f of every series, for each fold —
 * combined into one result per fold. Runs in a worker thread (worker.ts) or, with 0 workers,
 * in the calling thread; the code and therefore the numbers are the same.
 *
 * Indicator sharing: one IndicatorCache per evaluator (i.e. per worker) keyed by candles object,
 * so an indicator series used by several sets is computed once per (worker, series or fold). The
 * engine hands it to the strategy's `evaluateAll` and `exitsAll` (BacktestInput.cache); nothing
 * else differs from `npm run backtest`.
 */
import { backtestTrades } from '../backtest/engine.js';
import { IndicatorCache, type IndicatorCacheStats } from '../core/indicators/cache.js';
import { getStrategy } from '../core/strategies/index.js';
import { permanentCodeOr } from '../error-codes.js';
import { PermanentError, describeError } from '../errors.js';
import { foldCandles } from './folds.js';
import { metricsOf } from './objective.js';
import type { EvaluatorInit, OptimizeSeries, SetJob, SetResult, WorkerErrorInfo } from './types.js';

export interface Evaluator {
  (job: SetJob): SetResult;
  stats(): IndicatorCacheStats;
}

export function createEvaluator(init: EvaluatorInit): Evaluator {
  const cache = new IndicatorCache(init.cacheBytes === undefined ? {} : { maxBytes: init.cacheBytes });
  const strategy = getStrategy(init.strategy);
  // groups[f] = fold f of every series (the whole series when folds = 1), built once.
  const cut = init.series.map((s) => foldCandles(s.candles, init.folds));
  const groups: OptimizeSeries[][] = Array.from({ length: init.folds }, (_, f) =>
    init.series.map((s, i) => ({ symbol: s.symbol, timeframe: s.timeframe, candles: cut[i]![f]! })),
  );
  const evaluate = (job: SetJob): SetResult => ({
    index: job.index,
    folds: groups.map((group) => {
      const results = group.map((s) => ({
        trades: backtestTrades({
          symbol: s.symbol,
          timeframe: s.timeframe,
          candles: s.candles,
          strategy,
          cache,
          params: job.params as Record<string, unknown>,
          stake: init.stake,
          feeRate: init.feeRate,
          slippageBps: init.slippageBps,
          ...(init.trailAtr === null ? {} : { trailAtr: init.trailAtr }),
          ...(init.maxBars === null ? {} : { maxBars: init.maxBars }),
        }),
      }));
      return metricsOf(results, init.stake);
    }),
  });
  return Object.assign(evaluate, { stats: () => cache.stats() });
}

/** A thrown value as plain data (what a worker posts back). */
export function errorInfo(error: unknown): WorkerErrorInfo {
  if (error instanceof Error) {
    const e = error as Error & { code?: unknown; kind?: unknown };
    return {
      name: e.name,
      message: e.message,
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
      ...(typeof e.kind === 'string' ? { kind: e.kind } : {}),
      ...(e.stack === undefined ? {} : { stack: e.stack }),
    };
  }
  return { name: 'Error', message: describeError(error) };
}

/** `#12 {"fast":5,"slow":15,…}`: how a failing set is named in errors. */
export function describeSet(job: SetJob): string {
  return `#${job.index} ${JSON.stringify(job.params)}`;
}

/**
 * The error for a set that threw: a PermanentError (same code) when the original was one, so
 * bad input stays bad input; any other error as a plain Error carrying the original stack.
 */
export function setFailed(job: SetJob, info: WorkerErrorInfo): Error {
  const message = `parameter set ${describeSet(job)} failed: ${info.message}`;
  if (info.kind === 'permanent') return new PermanentError(message, { code: permanentCodeOr(info.code, 'SET_FAILED'), cause: info });
  return new Error(`${message}\n${info.stack ?? ''}`, { cause: info });
}

/** Evaluates the jobs here, in order (0 workers). */
export function evaluateInProcess(init: EvaluatorInit, jobs: readonly SetJob[], onProgress?: (done: number, total: number) => void): SetResult[] {
  const evaluate = createEvaluator(init);
  return jobs.map((job, k) => {
    let result: SetResult;
    try {
      result = evaluate(job);
    } catch (error) {
      throw setFailed(job, errorInfo(error));
    }
    onProgress?.(k + 1, jobs.length);
    return result;
  });
}
