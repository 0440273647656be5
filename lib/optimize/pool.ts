/**
 * Runs parameter sets on worker threads (node:worker_threads) and returns their results in the
 * order of the jobs given, whatever the number of workers or the order they finish in.
 *
 * Scheduling: each worker gets the init data once (`workerData`, columns packed: transfer.ts),
 * then single sets, at most MAX_IN_FLIGHT at a time (one running, one queued, so a worker never
 * waits for the main thread); the next set goes to whichever worker answers. A crash is attributed to the set in
 * the worker's shared `running` slot (types.ts: WorkerData).
 *
 * Failures are never swallowed: the first set that throws (reported by the worker with its
 * classification and stack), a worker crash ('error' event: uncaught exception, out of memory)
 * or an unexpected exit rejects the whole run with the failing set named, after terminating
 * every worker.
 *
 * TypeScript in workers (Node 20): a worker started on a .ts file does NOT get tsx's loader,
 * even with `execArgv: ['--import', 'tsx']` (checked: "Unknown file extension .ts"). So when this
 * module is itself running as TypeScript, each worker starts on a two-line bootstrap (eval):
 * import tsx's ESM API (resolved here, so any working directory works), `register()`, then
 * import worker.ts. When compiled to .js, the worker file is started directly.
 */
import { Worker } from 'node:worker_threads';
import { describeSet, setFailed } from './evaluate.js';
import { packInit } from './transfer.js';
import type { EvaluatorInit, FromWorker, SetJob, SetResult, ToWorker, WorkerData } from './types.js';

export const MAX_IN_FLIGHT = 2;
/** Bound on worker threads. */
export const MAX_WORKERS = 64;

export interface PoolOptions {
  readonly workers: number;
  /** Called after each finished set. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called when a worker has started (loaded its code and data) and is ready for sets. */
  readonly onReady?: (worker: number) => void;
  /** The worker module (default ./worker.ts beside this file). Tests inject failing workers. */
  readonly workerModule?: URL;
}

function startWorker(workerData: WorkerData, module: URL | undefined): Worker {
  const here = import.meta.url;
  const typescript = here.endsWith('.ts');
  const url = module ?? new URL(typescript ? './worker.ts' : './worker.js', here);
  if (!typescript) return new Worker(url, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
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

/** Evaluates `jobs` on `options.workers` threads (capped by the number of jobs and MAX_WORKERS). */
export function runOnWorkers(init: EvaluatorInit, jobs: readonly SetJob[], options: PoolOptions): Promise<SetResult[]> {
  const count = Math.min(options.workers, jobs.length, MAX_WORKERS);
  if (!(Number.isInteger(options.workers) && options.workers >= 1)) {
    return Promise.reject(new Error(`runOnWorkers: workers must be an integer >= 1, got ${String(options.workers)}`));
  }
  if (jobs.length === 0) return Promise.resolve([]);
  const byIndex = new Map(jobs.map((j) => [j.index, j]));
  const packed = packInit(init);
  return new Promise((resolve, reject) => {
    const results = new Array<SetResult | undefined>(jobs.length);
    const workers: Worker[] = [];
    let next = 0;
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
      const worker = startWorker({ init: packed, running }, options.workerModule);
      workers.push(worker);
      const inFlight: number[] = [];
      const feed = (): void => {
        while (!settled && inFlight.length < MAX_IN_FLIGHT && next < jobs.length) {
          const pos = next++;
          inFlight.push(pos);
          worker.postMessage({ type: 'run', job: jobs[pos]! } satisfies ToWorker);
        }
      };

      worker.on('message', (message: FromWorker) => {
        if (settled) return;
        if (message.type === 'ready') {
          options.onReady?.(id);
          return feed();
        }
        const pos = inFlight.shift();
        const job = pos === undefined ? undefined : jobs[pos];
        const index = message.type === 'result' ? message.result.index : message.index;
        if (job === undefined || job.index !== index) {
          return fail(new Error(`optimize worker ${id} answered for set #${index}, expected ${job === undefined ? 'nothing' : `#${job.index}`}`));
        }
        if (message.type === 'error') return fail(setFailed(job, message.error));
        results[pos!] = message.result;
        done++;
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
