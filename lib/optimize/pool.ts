/**
 * Runs parameter sets on worker threads (node:worker_threads) and returns their results in the
 * order of the jobs given, whatever the number of workers or the order they finish in.
 *
 * Workers start on a prebuilt ES module (`workerModule`: the bundle of bundle.ts, built once per
 * run; tests inject their own), so no TypeScript is compiled in a worker. Each worker gets the
 * init data once (`workerData`; the candle columns in one SharedArrayBuffer: transfer.ts).
 *
 * Scheduling: the job list is cut into one contiguous range per worker (the caller orders jobs
 * so that neighbours share indicators: run.ts), and each worker takes BATCHES of consecutive
 * sets from the front of its own range — so its IndicatorCache is hit by the sets that follow —
 * with up to MAX_IN_FLIGHT batches outstanding (a worker never waits for the main thread). A
 * worker whose range is exhausted takes a batch from the back of the largest remaining range
 * (work stealing), so a slow or late-starting worker never holds up the end. One message per
 * batch each way (about BATCHES_PER_WORKER per worker), not per set.
 *
 * Failures are never swallowed: the first set that throws (reported by the worker with its
 * classification and stack), a worker crash ('error' event: uncaught exception, out of memory)
 * or an unexpected exit rejects the whole run with the failing set named (the worker's shared
 * `running` slot: types.ts WorkerData), after terminating every worker.
 */
import { Worker } from 'node:worker_threads';
import { describeSet, setFailed } from './evaluate.js';
import { packInit } from './transfer.js';
import type { EvaluatorInit, FromWorker, SetJob, SetResult, ToWorker, WorkerData } from './types.js';

export const MAX_IN_FLIGHT = 2;
/** Batches a worker's own range is cut into (more: finer progress and stealing; fewer: fewer messages). */
export const BATCHES_PER_WORKER = 8;
/** Bound on worker threads. */
export const MAX_WORKERS = 64;

export interface PoolOptions {
  readonly workers: number;
  /** The worker module: the bundle's file URL (bundle.ts); tests inject failing workers. */
  readonly workerModule: URL;
  /** Called after each finished batch with the number of sets done so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called when a worker has started (loaded its code and data) and is ready for sets. */
  readonly onReady?: (worker: number) => void;
}

/** Values of a worker's `running` slot besides a set index. */
const STARTING = -2;

function crashed(worker: number, running: number, byIndex: ReadonlyMap<number, SetJob>, what: string): Error {
  const job = byIndex.get(running);
  const where =
    job !== undefined
      ? `while evaluating parameter set ${describeSet(job)}`
      : running === STARTING
        ? 'while starting, before evaluating any parameter set'
        : 'between parameter sets';
  return new Error(`optimize worker ${worker} ${what} ${where}`);
}

interface Range {
  lo: number;
  hi: number;
}

/** Contiguous ranges of job positions, one per worker, taken in batches from the front; stolen from the back. */
export function createScheduler(jobs: number, workers: number, batch = Math.max(1, Math.ceil(jobs / (workers * BATCHES_PER_WORKER)))) {
  const ranges: Range[] = Array.from({ length: workers }, (_, w) => ({ lo: Math.floor((w * jobs) / workers), hi: Math.floor(((w + 1) * jobs) / workers) }));
  /** The next batch [from, to) for worker w (0-based), or null when every range is empty. */
  return (w: number): { from: number; to: number } | null => {
    const own = ranges[w]!;
    if (own.hi > own.lo) {
      const from = own.lo;
      own.lo = Math.min(own.hi, own.lo + batch);
      return { from, to: own.lo };
    }
    let victim: Range | undefined;
    for (const r of ranges) if (r.hi - r.lo > (victim === undefined ? 0 : victim.hi - victim.lo)) victim = r;
    if (victim === undefined) return null;
    const to = victim.hi;
    victim.hi = Math.max(victim.lo, victim.hi - batch);
    return { from: victim.hi, to };
  };
}

/** Evaluates `jobs` on `options.workers` threads (capped by the number of jobs and MAX_WORKERS). */
export function runOnWorkers(init: EvaluatorInit, jobs: readonly SetJob[], options: PoolOptions): Promise<SetResult[]> {
  if (!(Number.isInteger(options.workers) && options.workers >= 1)) {
    return Promise.reject(new Error(`runOnWorkers: workers must be an integer >= 1, got ${String(options.workers)}`));
  }
  const count = Math.min(options.workers, jobs.length, MAX_WORKERS);
  if (jobs.length === 0) return Promise.resolve([]);
  const byIndex = new Map(jobs.map((j) => [j.index, j]));
  const packed = packInit(init);
  const nextBatch = createScheduler(jobs.length, count);
  return new Promise((resolve, reject) => {
    const results = new Array<SetResult | undefined>(jobs.length);
    const workers: Worker[] = [];
    let done = 0;
    let settled = false;

    const stopAll = (): Promise<unknown> => Promise.allSettled(workers.map((w) => w.terminate()));
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      void stopAll().then(() => reject(error));
    };

    for (let id = 1; id <= count; id++) {
      const running = new Int32Array(new SharedArrayBuffer(4)).fill(STARTING);
      // execArgv: [] — not the parent's `--import tsx` (which would load the TypeScript loader in every worker).
      const worker = new Worker(options.workerModule, { workerData: { init: packed, running } satisfies WorkerData, execArgv: [] });
      workers.push(worker);
      const inFlight: { from: number; to: number }[] = [];
      const feed = (): void => {
        while (!settled && inFlight.length < MAX_IN_FLIGHT) {
          const b = nextBatch(id - 1);
          if (b === null) return;
          inFlight.push(b);
          worker.postMessage({ type: 'run', jobs: jobs.slice(b.from, b.to) } satisfies ToWorker);
        }
      };

      worker.on('message', (message: FromWorker) => {
        if (settled) return;
        if (message.type === 'ready') {
          options.onReady?.(id);
          return feed();
        }
        const b = inFlight.shift();
        if (b === undefined) return fail(new Error(`optimize worker ${id} answered with no batch outstanding`));
        if (message.type === 'error') {
          const job = byIndex.get(message.index);
          if (job === undefined) return fail(new Error(`optimize worker ${id} reported an error for unknown set #${message.index}`));
          return fail(setFailed(job, message.error));
        }
        const expected = jobs.slice(b.from, b.to).map((j) => j.index);
        const got = message.results.map((r) => r.index);
        if (got.length !== expected.length || got.some((x, k) => x !== expected[k])) {
          return fail(new Error(`optimize worker ${id} answered for sets [${got.join(', ')}], expected [${expected.join(', ')}]`));
        }
        for (let k = 0; k < got.length; k++) results[b.from + k] = message.results[k];
        done += got.length;
        options.onProgress?.(done, jobs.length);
        if (done < jobs.length) return feed();
        settled = true;
        void stopAll().then(() => resolve(results as SetResult[]));
      });
      worker.on('error', (error) => {
        const e = crashed(id, Atomics.load(running, 0), byIndex, `crashed (${error.message})`);
        e.cause = error;
        fail(e);
      });
      worker.on('exit', (code) => {
        if (!settled) fail(crashed(id, Atomics.load(running, 0), byIndex, `exited with code ${code}`));
      });
    }
  });
}
