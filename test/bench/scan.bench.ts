/**
 * `npm run bench:scan` — the scan of 100 symbols against the Binance simulator (own process,
 * 50 ms added latency, Binance request weights), through the whole pipeline: real ccxt with
 * its rate limiter, validation, 3 strategies on 200 closed candles, DynamoDB Local, SQS.
 *
 * Prints wall time, the rate-limit floor for that work ((N − 1) × ccxt's spacing for one
 * klines request + one latency), their ratio, and CPU ms per symbol of this process; for
 * the configured concurrency and for a sequential scan (concurrency 1), the baseline.
 */
import { startLocalStack } from '../../infra/local-stack.js';
import { parseEnv, scanEnvSchema } from '../../lib/config/env.js';
import { parseConfig } from '../../lib/config/load.js';
import { createCcxtExchange } from '../../lib/exchange/ccxt-exchange.js';
import { silentLog } from '../../lib/ports/log.js';
import { createScanRuntime } from '../../lib/runtime/scan-runtime.js';
import { runScan } from '../../lib/scan/run-scan.js';
import { MemoryMarketsCache } from '../support/exchange-sim/memory-markets-cache.js';
import { spawnSim } from './spawn-sim.js';

const N = Number(process.env.BENCH_SYMBOLS ?? 100);
const LATENCY_MS = 50;
const CANDLES = 200;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 20, 0, 0, 5);

const symbols = Array.from({ length: N }, (_, i) => `C${String(i).padStart(3, '0')}/USDT`);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const stack = await startLocalStack({ prefix: 'bench' });
  const sim = await spawnSim({ symbols, nowMs: START, latencyMs: LATENCY_MS, history: 2000, seed: 3 });
  try {
    const env = parseEnv(scanEnvSchema, { ...process.env, ...stack.env });
    const spacing = (await createCcxtExchange({ id: 'binance', apiBase: sim.url, marketsCache: new MemoryMarketsCache(), marketsTtlMs: HOUR, clock: { now: () => START } })).candleRequestSpacing(CANDLES + 1);
    const floorMs = (N - 1) * spacing.spacingMs + LATENCY_MS;
    console.log(`# scan bench: ${N} symbols, ${CANDLES} closed candles, 3 strategies, ${LATENCY_MS} ms latency; ccxt ${spacing.endpoint} cost ${spacing.cost} × ${spacing.rateLimitMs} ms = ${spacing.spacingMs} ms spacing`);
    console.log(`# rate-limit floor: (${N} − 1) × ${spacing.spacingMs} + ${LATENCY_MS} = ${floorMs.toFixed(0)} ms; ${RUNS} timed runs after one warm-up, each on a new candle`);

    let hour = 0;
    const measure = async (concurrency: number, runs: number) => {
      const config = parseConfig({
        exchanges: [{ id: 'binance', symbols, timeframes: ['1h'], apiBase: sim.url, timeoutMs: 10_000 }],
        strategies: [{ name: 'ema-cross' }, { name: 'rsi-reversion' }, { name: 'bollinger-breakout' }],
        scan: { candles: CANDLES, concurrency, reserveMs: 1000 },
        telegram: { adminChatIds: [1] },
      });
      const runtime = createScanRuntime(env, config);
      const walls: number[] = [];
      const cpus: number[] = [];
      const signals: number[] = [];
      const users: number[] = [];
      for (let run = -1; run < runs; run++) {
        const now = START + ++hour * HOUR;
        sim.setNow(now);
        await new Promise((r) => setTimeout(r, 300)); // let the limiter's bucket settle between runs
        const deps = runtime.deps({ log: silentLog, remainingMs: () => 600_000, clock: { now: () => now } });
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const report = await runScan(deps, '1h');
        const wall = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        if (report.scanned !== N) throw new Error(`scan incomplete: ${JSON.stringify(report.failures.slice(0, 3))}`);
        if (run < 0) continue; // warm-up: markets load, JIT
        walls.push(wall);
        cpus.push((cpu.user + cpu.system) / 1000 / N);
        users.push(cpu.user / 1000 / N);
        signals.push(report.signalled);
      }
      return { wall: median(walls), walls, cpu: median(cpus), cpus, user: median(users), signals };
    };

    const concurrent = await measure(CONCURRENCY, RUNS);
    const sequential = await measure(1, Math.max(2, Math.ceil(RUNS / 2)));
    const row = (name: string, m: typeof concurrent) =>
      `${name.padEnd(22)} wall ${m.wall.toFixed(0).padStart(6)} ms (runs ${m.walls.map((w) => w.toFixed(0)).join(', ')})  ratio ${(m.wall / floorMs).toFixed(2)}  CPU ${m.cpu.toFixed(2)} ms/symbol (user ${m.user.toFixed(2)}; runs ${m.cpus.map((c) => c.toFixed(2)).join(', ')})`;
    console.log(row(`concurrency ${CONCURRENCY}`, concurrent));
    console.log(row('sequential (baseline)', sequential));
    console.log(`signals recorded per run: ${concurrent.signals.join(', ')}`);
    console.log(`targets: ratio ≤ 1.3 → ${concurrent.wall / floorMs <= 1.3 ? 'met' : 'NOT met'}; CPU ≤ 2 ms/symbol → ${concurrent.cpu <= 2 ? 'met' : 'NOT met'}; speed-up over sequential ×${(sequential.wall / concurrent.wall).toFixed(2)}`);
    const stats = await sim.stats();
    console.log(`simulator: ${stats.hits.klines} klines requests, weight used in the current minute ${stats.weight} of 6000`);
  } finally {
    await sim.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
