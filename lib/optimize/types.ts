/** Optimizer inputs, the worker protocol and results. Everything in a report is JSON-safe. */
import type { Summary } from '../backtest/types.js';
import type { Candles } from '../core/candle.js';
import type { Timeframe } from '../core/timeframe.js';

export const OBJECTIVES = ['profitFactor', 'netProfit', 'sharpe', 'returnDd'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export interface OptimizeSeries {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Validated candles, oldest first (lib/backtest/load.ts). */
  readonly candles: Candles;
}

/** Everything a worker needs besides the parameter sets; sent once, as `workerData`. */
export interface EvaluatorInit {
  readonly strategy: string;
  readonly series: readonly OptimizeSeries[];
  /** 1 = each series whole; k + 1 with `--walk-forward k` (lib/optimize/folds.ts). */
  readonly folds: number;
  readonly stake: number;
  readonly feeRate: number;
  readonly slippageBps: number;
  readonly trailAtr: number | null;
  readonly maxBars: number | null;
  /** Bound of the per-worker indicator cache (lib/core/indicators/cache.ts). */
  readonly cacheBytes?: number;
}

/** One parameter set: its position in the expanded grid and its params as parsed by the strategy. */
export interface SetJob {
  readonly index: number;
  readonly params: Readonly<Record<string, unknown>>;
}

/** Statistics of one parameter set over all series (one fold of each, in walk-forward). */
export interface Metrics
  extends Pick<Summary, 'trades' | 'wins' | 'losses' | 'winRate' | 'netProfit' | 'grossProfit' | 'grossLoss' | 'profitFactor' | 'maxDrawdown' | 'fees'> {
  /** See lib/optimize/objective.ts; null with fewer than 2 trades or identical returns. */
  readonly sharpe: number | null;
}

/** The metrics of one set per fold (a single entry without walk-forward). */
export interface SetResult {
  readonly index: number;
  readonly folds: readonly Metrics[];
}

/** A thrown value, as a worker reports it. */
export interface WorkerErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly kind?: string;
  readonly stack?: string;
}

/** A series as sent to a worker: where its columns are in the shared buffer (transfer.ts). */
export interface PackedSeries extends Omit<OptimizeSeries, 'candles'> {
  /** First Float64 of its columns in the buffer; columns follow in transfer.ts COLUMNS order, `length` each. */
  readonly offset: number;
  readonly length: number;
}

export interface PackedInit extends Omit<EvaluatorInit, 'series'> {
  /** Every series' columns, written once by the pool, read by every worker (never copied). */
  readonly buffer: SharedArrayBuffer;
  readonly series: readonly PackedSeries[];
}

/**
 * A worker's `workerData`. `running` (one Int32 in shared memory) holds the index of the set
 * the worker is evaluating, −1 between sets, −2 until it is ready: written by the worker, read by the
 * pool when the worker dies, so a crash names its set exactly (messages and the crash notice
 * travel on different channels and can arrive in either order).
 */
export interface WorkerData {
  /** EvaluatorInit with its columns packed (transfer.ts). */
  readonly init: PackedInit;
  readonly running: Int32Array;
}

/** A batch of sets, contiguous in the run's job order (so they share indicators), answered with one message. */
export type ToWorker = { readonly type: 'run'; readonly jobs: readonly SetJob[] };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'results'; readonly results: readonly SetResult[] }
  | { readonly type: 'error'; readonly index: number; readonly error: WorkerErrorInfo };
