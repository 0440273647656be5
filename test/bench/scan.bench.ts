/**
 * `npm run bench:scan` — the scan of 100 symbols against the Binance simulator (own process,
 * 50 ms added latency, Binance request weights), through the whole pipeline: real ccxt with
 * its rate limiter, validation, 3 strategies on 200 closed candles, DynamoDB Local, SQS.
 *
 * Prints wall time, the rate-limit floor for that work ((N − 1) × ccxt's spacing for one
 * klines request + one latency), their ratio, and CPU ms per symbol of this process; for
 * the configured concurrency and for a sequential scan (concurrency 1), the baseline.
 *
 * Where the CPU goes: the same concurrent scan again with the stores in memory and paper
 * positions off (no AWS SDK; same candles, so the same signals), and the pure compute per symbol measured in-process on
 * one real payload (ccxt parseJson + parseOHLCVs, validateCandles, splitClosed, strategies).
 * Both emulators run in other processes (DynamoDB Local: java; SQS: test/bench/sqs-process.ts),
 * like the simulator, so the CPU measured is the scanner's own.
 *
 * BENCH_PROFILE=<file.cpuprofile>: V8 profile of the timed concurrent runs only (summary:
 * `npx tsx test/bench/cpu-profile.ts <file> <symbols profiled>`).
 */
import { parseEnv, scanEnvSchema } from '../../lib/config/env.js';
import { parseConfig } from '../../lib/config/load.js';
import { strategiesFor, type BotConfig } from '../../lib/config/schema.js';
import { createCcxtExchange } from '../../lib/exchange/ccxt-exchange.js';
import { silentLog } from '../../lib/ports/log.js';
import { createScanRuntime } from '../../lib/runtime/scan.js';
import { runScan, type ScanDeps } from '../../lib/scan/run-scan.js';
import { MemoryMarketsCache } from '../support/exchange-sim/memory-markets-cache.js';
import { startBenchStack } from './bench-stack.js';
import { measureCoreCompute } from './core-compute.js';
import { startProfiler, type Profiler } from './cpu-profile.js';
import { memoryStores } from './memory-stores.js';
import { spawnSim } from './spawn-sim.js';

const N = Number(process.env.BENCH_SYMBOLS ?? 100);
const LATENCY_MS = 50;
const CANDLES = 200;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const PROFILE = process.env.BENCH_PROFILE; // a .cpuprofile file: V8 profile of the timed concurrent runs only
const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 20, 0, 0, 5);

const symbols = Array.from({ length: N }, (_, i) => `C${String(i).padStart(3, '0')}/USDT`);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Counts the requests an AWS SDK v3 client sends (every attempt, retries included), in total and by command. */
function countRequests(client: { middlewareStack: { add(mw: unknown, options: object): void } }): { readonly count: number; readonly byCommand: Map<string, number> } {
  const counter = { count: 0, byCommand: new Map<string, number>() };
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
      counter.count++;
      const name = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      counter.byCommand.set(name, (counter.byCommand.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'benchRequestCounter' },
  );
  return counter;
}

async function main(): Promise<void> {
  const stack = await startBenchStack('bench');
  const sim = await spawnSim({ symbols, nowMs: START, latencyMs: LATENCY_MS, history: 2000, seed: 3 });
  try {
    const env = parseEnv(scanEnvSchema, { ...process.env, ...stack.env });
    const probe = await createCcxtExchange({ id: 'binance', apiBase: sim.url, marketsCache: new MemoryMarketsCache(), marketsTtlMs: HOUR, clock: { now: () => START } });
    const spacing = probe.candleRequestSpacing(CANDLES + 1);
    const floorMs = (N - 1) * spacing.spacingMs + LATENCY_MS;
    console.log(`# scan bench: ${N} symbols, ${CANDLES} closed candles, 3 strategies, ${LATENCY_MS} ms latency; ccxt ${spacing.endpoint} cost ${spacing.cost} × ${spacing.rateLimitMs} ms = ${spacing.spacingMs} ms spacing`);
    console.log(`# rate-limit floor: (${N} − 1) × ${spacing.spacingMs} + ${LATENCY_MS} = ${floorMs.toFixed(0)} ms; ${RUNS} timed runs after one warm-up, each on a new candle`);

    const configFor = (concurrency: number): BotConfig =>
      parseConfig({
        exchanges: [{ id: 'binance', symbols, timeframes: ['1h'], apiBase: sim.url, timeoutMs: 10_000 }],
        strategies: [{ name: 'ema-cross' }, { name: 'rsi-reversion' }, { name: 'bollinger-breakout' }],
        scan: { candles: CANDLES, concurrency, reserveMs: 1000 },
        telegram: { adminChatIds: [1] },
      });

    let lastNow = START;
    /** `firstHour`: candle hours firstHour+1 … (warm-up first); `aws: false` keeps the stores in memory. */
    const measure = async (concurrency: number, runs: number, firstHour: number, options: { aws: boolean; profile?: string | undefined }) => {
      const config = configFor(concurrency);
      // Fixed recipients (the admin chats), as the README's figures were measured: no users-table Queries per signal.
      const runtime = createScanRuntime(env, config, config.telegram.adminChatIds);
      const ddbCalls = countRequests(runtime.ddb);
      const sqsCalls = countRequests(runtime.sqs);
      const memory = options.aws ? undefined : memoryStores();
      const adapter = memory && createCcxtExchange({ id: 'binance', apiBase: sim.url, marketsCache: new MemoryMarketsCache(), marketsTtlMs: config.markets.cacheHours * HOUR, clock: { now: () => lastNow }, timeoutMs: 10_000 });
      const walls: number[] = [];
      const cpus: number[] = [];
      const signals: number[] = [];
      const users: number[] = [];
      const awsCalls: number[] = [];
      let profiler: Profiler | undefined;
      let hour = firstHour;
      const byCommand0 = new Map<string, number>();
      for (let run = -1; run < runs; run++) {
        if (run === 0 && options.profile) profiler = await startProfiler();
        const now = START + ++hour * HOUR;
        lastNow = now;
        sim.setNow(now);
        await new Promise((r) => setTimeout(r, 300)); // let the limiter's bucket settle between runs
        const base = runtime.deps({ log: silentLog, remainingMs: () => 600_000, clock: { now: () => now } });
        // No AWS at all: the stores in memory and paper-trading positions (DynamoDB only) off.
        const deps: ScanDeps = memory && adapter ? { ...base, ...memory, positions: undefined, exchange: () => adapter } : base;
        const calls0 = ddbCalls.count + sqsCalls.count;
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const report = await runScan(deps, '1h');
        const wall = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        if (report.scanned !== N) throw new Error(`scan incomplete: ${JSON.stringify(report.failures.slice(0, 3))}`);
        if (run < 0) {
          // warm-up: markets load, JIT; the timed runs' requests by command are counted from here
          for (const [k, v] of [...ddbCalls.byCommand, ...sqsCalls.byCommand]) byCommand0.set(k, v);
          continue;
        }
        walls.push(wall);
        cpus.push((cpu.user + cpu.system) / 1000 / N);
        users.push(cpu.user / 1000 / N);
        signals.push(report.signalled);
        awsCalls.push(ddbCalls.count + sqsCalls.count - calls0);
      }
      if (profiler && options.profile) await profiler.stop(options.profile);
      const byCommand = [...ddbCalls.byCommand, ...sqsCalls.byCommand].map(([k, v]) => [k, v - (byCommand0.get(k) ?? 0)] as const).filter(([, v]) => v > 0);
      return { wall: median(walls), walls, cpu: median(cpus), cpus, user: median(users), signals, awsCalls, byCommand, lastHour: hour };
    };

    const concurrent = await measure(CONCURRENCY, RUNS, 0, { aws: true, profile: PROFILE });
    // Same candle hours as `concurrent`: the same signals are found, only the stores differ.
    const noAws = await measure(CONCURRENCY, RUNS, 0, { aws: false });
    const sequential = await measure(1, Math.max(2, Math.ceil(RUNS / 2)), concurrent.lastHour, { aws: true });
    const row = (name: string, m: typeof concurrent) =>
      `${name.padEnd(22)} wall ${m.wall.toFixed(0).padStart(6)} ms (runs ${m.walls.map((w) => w.toFixed(0)).join(', ')})  ratio ${(m.wall / floorMs).toFixed(2)}  CPU ${m.cpu.toFixed(2)} ms/symbol (user ${m.user.toFixed(2)}; runs ${m.cpus.map((c) => c.toFixed(2)).join(', ')})`;
    console.log(row(`concurrency ${CONCURRENCY}`, concurrent));
    console.log(row(`concurrency ${CONCURRENCY}, no AWS`, noAws) + '  ← same candles, stores in memory, paper positions off');
    console.log(row('sequential (baseline)', sequential));
    console.log(`signals recorded per run: ${concurrent.signals.join(', ')}; AWS SDK requests per run: ${concurrent.awsCalls.join(', ')}`);
    const signalTotal = concurrent.signals.reduce((a, b) => a + b, 0);
    const requestTotal = concurrent.awsCalls.reduce((a, b) => a + b, 0);
    console.log(
      `AWS SDK requests in the ${RUNS} timed runs: ${requestTotal} for ${signalTotal} signals (${(requestTotal / Math.max(1, signalTotal)).toFixed(2)} per signal, the per-run ones included): ` +
        concurrent.byCommand.map(([k, v]) => `${k} ${v}`).join(', '),
    );
    console.log(`targets: ratio ≤ 1.3 → ${concurrent.wall / floorMs <= 1.3 ? 'met' : 'NOT met'}; CPU ≤ 2 ms/symbol → ${concurrent.cpu <= 2 ? 'met' : 'NOT met'}; speed-up over sequential ×${(sequential.wall / concurrent.wall).toFixed(2)}`);
    const stats = await sim.stats();
    console.log(`simulator: ${stats.hits.klines} klines requests, weight used in the current minute ${stats.weight} of 6000`);

    // Pure compute on one real payload (after the stats above: this is one more klines request).
    await probe.prepare(symbols);
    const response = await fetch(`${sim.url}/api/v3/klines?symbol=C000USDT&interval=1h&limit=${CANDLES + 1}`);
    const body = await response.text();
    const core = measureCoreCompute({ exchange: probe.ccxt, symbol: symbols[0]!, timeframe: '1h', body, limit: CANDLES + 1, strategies: strategiesFor(configFor(1), '1h'), now: lastNow });
    const f = (ms: number) => ms.toFixed(3);
    console.log(
      `core compute per symbol: ${f(core.total)} ms CPU (${core.rows} rows: ccxt parseJson ${f(core.parseJson)} + parseOHLCVs ${f(core.parseOHLCVs)}, validateCandles ${f(core.validate)}, splitClosed ${f(core.split)}, 3 strategies ${f(core.strategies)}; in-process loop)`,
    );
    const signalsPerRun = median(concurrent.signals);
    const awsPerSymbol = concurrent.cpu - noAws.cpu;
    console.log(
      `breakdown at concurrency ${CONCURRENCY}, CPU ms/symbol: total ${concurrent.cpu.toFixed(2)} = core compute ${core.total.toFixed(2)} + exchange request path (ccxt, limiter, HTTP, scan plumbing) ${(noAws.cpu - core.total).toFixed(2)} + AWS SDK calls and what only they drive ${awsPerSymbol.toFixed(2)} ` +
        `(${median(concurrent.awsCalls)} requests/run for ~${signalsPerRun} signals: ≈ ${((awsPerSymbol * N) / Math.max(1, median(concurrent.awsCalls))).toFixed(2)} ms per request)`,
    );
  } finally {
    await sim.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
