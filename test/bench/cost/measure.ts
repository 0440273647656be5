/**
 * `npm run cost`'s measurement: the real handlers (functions/*.ts) run against the local stack —
 * DynamoDB Local and the SQS emulator (test/bench/bench-stack.ts), the Binance simulator
 * (test/bench/spawn-sim.ts) and the fake Telegram Bot API — each peer in another process,
 * behind counting proxies (test/bench/cost/peers.ts), so that per invocation we read: DynamoDB
 * requests and request units, SQS requests, Telegram calls, the log bytes and lines the function
 * writes (stdout and stderr captured), and this process's CPU time and wall time. The
 * scenarios are in test/bench/cost/scenarios.ts; the samples are reduced to linear costs
 * (lib/cost/measurement.ts fitSamples). Nothing is cached: every run measures anew.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fitSamples, QUANTITY_KEYS, type CostFunction, type Measurement, type Quantities, type Sample } from '../../../lib/cost/measurement.js';
import { measuredSymbol, tfMinutes, type Invoke, type MeasureOptions, type PeerCounters, type Peers } from './types.js';
import { startBenchStack } from '../bench-stack.js';
import { spawnSim } from '../spawn-sim.js';
import { simAccount } from './reconcile-scenario.js';
import { runScenarios, type ScenarioResult } from './scenarios.js';


async function startPeers(ddb: string, sqs: string, latencyMs: number): Promise<Peers> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', new URL('./peers.ts', import.meta.url).pathname, JSON.stringify({ ddb, sqs, latencyMs })], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('the cost peers process exited before it listened');
  const urls = JSON.parse(first.value as string) as { ddb: string; sqs: string; telegram: string; token: string };
  return {
    ...urls,
    async snap() {
      child.stdin!.write('snap\n');
      const next = await lines.next();
      if (next.done) throw new Error('the cost peers process exited');
      return JSON.parse(next.value as string) as PeerCounters;
    },
    async close() {
      child.stdin!.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

function invoker(peers: Peers): Invoke {
  return async (fn) => {
    const before = await peers.snap();
    let logBytes = 0;
    let logEvents = 0;
    let log = '';
    const streams = [process.stdout, process.stderr] as const;
    const originals = streams.map((s) => s.write);
    for (const s of streams) {
      s.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        logBytes += Buffer.byteLength(text);
        if (log.length < 8192) log += text;
        logEvents += text.split('\n').filter((l) => l.trim()).length;
        const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }) as typeof s.write;
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let result: Awaited<ReturnType<typeof fn>>;
    try {
      result = await fn();
    } finally {
      streams.forEach((s, i) => void (s.write = originals[i]!));
    }
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const after = await peers.snap();
    const q: Quantities = {
      ddbRequests: after.ddb.requests - before.ddb.requests,
      rru: after.ddb.rru - before.ddb.rru,
      wru: after.ddb.wru - before.ddb.wru,
      sqsRequests: after.sqs.billed - before.sqs.billed,
      telegramCalls: after.telegram.calls - before.telegram.calls,
      logBytes,
      logEvents,
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs,
    };
    return { result, q, log };
  };
}

const DRIVERS: Readonly<Record<CostFunction, string>> = {
  scan: 'signal',
  monitor: 'open position',
  notify: 'message',
  webhook: 'command',
  summary: 'run',
  health: 'request',
  alerts: 'alarm notification',
  reconcile: 'run',
};

/** One line per function for the progress output. */
function describe(fn: string, samples: readonly Sample[]): string {
  const warm = samples.filter((s) => !s.cold);
  const avg = (k: (typeof QUANTITY_KEYS)[number]) => (warm.length ? warm.reduce((s, x) => s + x.q[k], 0) / warm.length : 0);
  return `${fn}: ${samples.length} invocations; warm mean ${avg('ddbRequests').toFixed(1)} DynamoDB requests, ${avg('sqsRequests').toFixed(1)} SQS, ${avg('cpuMs').toFixed(0)} ms CPU, ${avg('wallMs').toFixed(0)} ms wall, ${avg('logBytes').toFixed(0)} log bytes`;
}

/** Measures every function of the tree against a fresh local stack. */
export async function measure(options: MeasureOptions): Promise<Measurement> {
  const { progress } = options;
  progress('starting DynamoDB Local, the SQS emulator, the exchange simulator and the fake Bot API…');
  const stack = await startBenchStack(`cost-${Date.now().toString(36)}`);
  let peers: Peers | undefined;
  let sim: Awaited<ReturnType<typeof spawnSim>> | undefined;
  try {
    peers = await startPeers(stack.env.CANDLEBOT_DDB_ENDPOINT, stack.env.CANDLEBOT_SQS_ENDPOINT, options.latencyMs);
    const symbols = [...new Set(options.config.exchanges.flatMap((e, i) => e.symbols.map((s) => measuredSymbol(s, i))))];
    const longest = Math.max(...options.config.exchanges.flatMap((e) => e.timeframes.map(tfMinutes)));
    const start = Math.floor((Date.now() - 16 * 3_600_000 - longest * 60_000) / (longest * 60_000)) * longest * 60_000;
    // With a live exchange the simulator also serves the order endpoints for reconcile (./reconcile-scenario.ts).
    const account = simAccount(options.config);
    sim = await spawnSim({ symbols, nowMs: start + 5000, latencyMs: options.latencyMs, history: 1000, seed: 7, ...(account ? { account } : {}) });
    const result: ScenarioResult = await runScenarios({ ...options, stack: stack.env, peers, sim, start, invoke: invoker(peers) });
    const functions: Measurement['functions'] = {};
    for (const [fn, samples] of Object.entries(result.samples) as [CostFunction, Sample[]][]) {
      if (samples.length === 0) continue;
      progress(describe(fn, samples));
      functions[fn] = fitSamples(DRIVERS[fn], samples, { slopeByGroup: fn === 'monitor' });
    }
    return {
      version: 1,
      measuredAt: new Date().toISOString(),
      commit: options.commit,
      node: process.version,
      cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
      subscribers: options.subscribers,
      latencyMs: options.latencyMs,
      functions,
      storage: result.storage,
      notes: result.notes,
    };
  } finally {
    await Promise.allSettled([sim?.close(), peers?.close()]);
    await stack.stop();
  }
}

