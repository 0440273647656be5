/**
 * `npx tsx test/bench/ccxt-fetch.bench.ts` — CPU of the exchange adapter alone: 100 klines
 * requests (201 rows) per run through `createCcxtExchange` (ccxt, rate limiter on) against
 * the Binance simulator in its own process (50 ms latency), 8 lanes, after warm-up runs.
 * No AWS, no strategies: isolates ccxt's request path. BENCH_PROFILE=<file> profiles the
 * timed runs (summarise with test/bench/cpu-profile.ts).
 *
 * BENCH_MODE=bare: the same requests, paced by the same throttler, over undici.request with
 * a keep-alive Agent and a plain JSON.parse — no ccxt: the HTTP floor to compare against.
 * BENCH_MODE=bare-unpaced: the same without the rate limiter (requests back to back per lane).
 */
import { Agent, request } from 'undici';
import { createCcxtExchange } from '../../lib/exchange/ccxt-exchange.js';
import { LeakyBucketThrottler } from '../../lib/exchange/throttler.js';
import { MemoryMarketsCache } from '../support/exchange-sim/memory-markets-cache.js';
import { startProfiler } from './cpu-profile.js';
import { spawnSim } from './spawn-sim.js';
import { formatThreadCpu, threadCpu, type ThreadCpu } from './thread-cpu.js';

const N = Number(process.env.BENCH_SYMBOLS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const LANES = Number(process.env.BENCH_CONCURRENCY ?? 8);
const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 20, 0, 0, 5);
const symbols = Array.from({ length: N }, (_, i) => `C${String(i).padStart(3, '0')}/USDT`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const sim = await spawnSim({ symbols, nowMs: START, latencyMs: 50, history: 2000, seed: 3 });
try {
  const adapter = await createCcxtExchange({ id: 'binance', apiBase: sim.url, marketsCache: new MemoryMarketsCache(), marketsTtlMs: HOUR, clock: { now: () => START } });
  await adapter.prepare(symbols);
  const bare = process.env.BENCH_MODE === 'bare' || process.env.BENCH_MODE === 'bare-unpaced';
  const paced = process.env.BENCH_MODE !== 'bare-unpaced';
  const throttler = new LeakyBucketThrottler((adapter.ccxt as unknown as { tokenBucket: Record<string, unknown> }).tokenBucket);
  const agent = new Agent({ keepAliveTimeout: 60_000, connections: 256 });
  const cost = adapter.candleRequestSpacing(201).cost;
  const fetchRows = async (symbol: string): Promise<readonly unknown[]> => {
    if (!bare) return adapter.fetchCandles(symbol, '1h', 201);
    if (paced) await throttler.throttle(cost);
    const res = await request(`${sim.url}/api/v3/klines?symbol=${symbol.replace('/', '')}&interval=1h&limit=201`, { dispatcher: agent, signal: AbortSignal.timeout(10_000) });
    return JSON.parse(await res.body.text()) as unknown[];
  };
  const cpus: number[] = [];
  const walls: number[] = [];
  let profiler: Awaited<ReturnType<typeof startProfiler>> | undefined;
  let threads0: ThreadCpu | undefined;
  for (let run = -WARMUP; run < RUNS; run++) {
    if (run === 0) threads0 = threadCpu();
    if (run === 0 && process.env.BENCH_PROFILE) profiler = await startProfiler();
    await new Promise((r) => setTimeout(r, 300));
    let next = 0;
    let rows = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        while (next < symbols.length) {
          const candles = await fetchRows(symbols[next++]!);
          rows += candles.length;
        }
      }),
    );
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (rows !== N * 201) throw new Error(`expected ${N * 201} rows, got ${rows}`);
    if (run < 0) continue;
    cpus.push((cpu.user + cpu.system) / 1000 / N);
    walls.push(wall);
  }
  const threads = formatThreadCpu(threads0!, threadCpu(), N * RUNS);
  if (profiler) await profiler.stop(process.env.BENCH_PROFILE!);
  console.log(`${bare ? `bare undici.request + JSON.parse${paced ? '' : ', no rate limiter'}` : 'ccxt fetchCandles'} ×${N}, ${LANES} lanes: CPU ${median(cpus).toFixed(2)} ms/request (runs ${cpus.map((c) => c.toFixed(2)).join(', ')}), wall ${median(walls).toFixed(0)} ms`);
  console.log(`  by thread, ms/request over the timed runs: ${threads}`);
} finally {
  await sim.close();
}
