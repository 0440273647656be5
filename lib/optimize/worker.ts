/**
 * Worker-thread entry, built into the worker bundle (bundle.ts) and started by pool.ts: builds
 * one evaluator from `workerData`, says `ready`, then answers each `run` message (a batch of
 * sets) with their results, or with the error the first failing set threw (classified and with
 * its stack, never swallowed). The set being evaluated is written to the shared `running` slot
 * (types.ts), so that a crash is attributed to it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEvaluator, errorInfo } from './evaluate.js';
import { unpackInit } from './transfer.js';
import type { FromWorker, SetResult, ToWorker, WorkerData } from './types.js';

const port = parentPort;
if (port === null) throw new Error('lib/optimize/worker.ts runs in a worker thread started by lib/optimize/pool.ts');

const { init, running } = workerData as WorkerData;
const evaluate = createEvaluator(unpackInit(init));
const send = (message: FromWorker): void => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  const results: SetResult[] = [];
  for (const job of message.jobs) {
    Atomics.store(running, 0, job.index);
    try {
      results.push(evaluate(job));
    } catch (error) {
      Atomics.store(running, 0, -1);
      return send({ type: 'error', index: job.index, error: errorInfo(error) });
    }
  }
  Atomics.store(running, 0, -1);
  send({ type: 'results', results });
});
Atomics.store(running, 0, -1);
send({ type: 'ready' });
