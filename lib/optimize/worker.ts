/**
 * Worker-thread entry (started by pool.ts): builds one evaluator from `workerData`, says
 * `ready`, then answers each `run` message with the set's result, or with the error it threw
 * (classified and with its stack, never swallowed). The set being evaluated is written to the
 * shared `running` slot (types.ts), so that a crash is attributed to it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEvaluator, errorInfo } from './evaluate.js';
import { unpackInit } from './transfer.js';
import type { FromWorker, ToWorker, WorkerData } from './types.js';

const port = parentPort;
if (port === null) throw new Error('lib/optimize/worker.ts runs in a worker thread started by lib/optimize/pool.ts');

const { init, running } = workerData as WorkerData;
const evaluate = createEvaluator(unpackInit(init));
const send = (message: FromWorker): void => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  Atomics.store(running, 0, message.job.index);
  let reply: FromWorker;
  try {
    reply = { type: 'result', result: evaluate(message.job) };
  } catch (error) {
    reply = { type: 'error', index: message.job.index, error: errorInfo(error) };
  }
  Atomics.store(running, 0, -1);
  send(reply);
});
Atomics.store(running, 0, -1);
send({ type: 'ready' });
