/**
 * `npm run bench:backtest` — backtester and optimizer throughput on real candles.
 *
 * Data: the six real *_BTC-5m pairs of test/fixtures/ohlcv (34,477 candles), and a 1M-candle
 * series built from them: the pairs concatenated in turn, again and again, each chunk's prices
 * rescaled so its first open equals the previous chunk's last close (continuous), times re-laid
 * every 5 minutes (no gaps); validated like exchange rows.
 *
 * 1. One backtest (ema-cross defaults, `runBacktest` exactly as `npm run backtest`), candles/s,
 *    single-threaded. Target >= 2M/s.
 * 2. Where its time goes, each phase timed on its own on the 1M series: indicators (2 EMAs + ATR),
 *    signal scan (evaluateAll with the indicators already cached), position simulation (the
 *    engine fed precomputed signals, minus its summary), summary (summarize + equity curve).
 * 3. optimize (the library behind `npm run optimize`, called exactly as the CLI calls it: for
 *    workers it builds the worker bundle with esbuild at the start of each run and starts the
 *    workers on it): grid fast=5:20:1 × slow=15:60:5 (153 valid sets), candle-evaluations/s
 *    (candles × sets) — one thread, one thread without the indicator cache, 2 workers — on the six
 *    pairs and on the 1M series. For workers: the bundle build, the worker start-up (spawn → all
 *    ready, data included), the rate with start-up (the headline) and after it, and the ratio
 *    2 workers / 1 thread (with start-up; and with build + start-up). Targets: ratio >= 1.8,
 *    >= 20M/s on 2 cores.
 *
 * 0. First, what parallelism the machine really gives: the same pure-CPU loop on one worker,
 *    then on two at once. 2 threads doing ~2× the work of one = 2 usable cores.
 *
 * Every figure: median over BENCH_RUNS timed runs (default 7; 3 for the 1M optimize) after a
 * warm-up, with min–max. Wall-clock on a shared machine: the load average is printed.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { runBacktest } from '../../lib/backtest/engine.js';
import { loadSeries } from '../../lib/backtest/load.js';
import { equityCurve, summarize } from '../../lib/backtest/summary.js';
import { candlesFromRows, type Candles, type OhlcvRow } from '../../lib/core/candle.js';
import { atr } from '../../lib/core/indicators/atr.js';
import { IndicatorCache } from '../../lib/core/indicators/cache.js';
import { ema } from '../../lib/core/indicators/ema.js';
import { emaCross } from '../../lib/core/strategies/ema-cross.js';
import type { Strategy } from '../../lib/core/strategies/types.js';
import { validateCandles } from '../../lib/core/validate-candles.js';
import { parseGrid } from '../../lib/optimize/grid.js';
import { optimize, type OptimizeRun } from '../../lib/optimize/run.js';
import type { OptimizeSeries } from '../../lib/optimize/types.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const BIG = Number(process.env.BENCH_CANDLES ?? 1_000_000);
const BIG_RUNS = Number(process.env.BENCH_BIG_RUNS ?? 3);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const GRID = 'fast=5:20:1,slow=15:60:5';
const FIVE_MIN = 300_000;
const PAIRS = ['ADA', 'DASH', 'ETC', 'ETH', 'LTC', 'XLM'];

interface Stat {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function stat(xs: readonly number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return { median: s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2, min: s[0]!, max: s.at(-1)! };
}

/** ms per call: `warmup` untimed calls, then `runs` timed ones. */
function time(fn: () => unknown, runs = RUNS, warmup = 2): number[] {
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += fn() === undefined ? 0 : 1;
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    sink += fn() === undefined ? 0 : 1;
    out.push(performance.now() - t0);
  }
  if (sink < 0) throw new Error('unreachable');
  return out;
}

const ms = (s: Stat): string => `${s.median.toFixed(1)} ms (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
/** Rate in millions per second from ms per run; the fastest run gives the max rate. */
const rate = (units: number, s: Stat): string =>
  `${(units / s.median / 1e3).toFixed(2)}M/s (${(units / s.max / 1e3).toFixed(2)}–${(units / s.min / 1e3).toFixed(2)})`;
const check = (ok: boolean): string => (ok ? 'MET' : 'NOT MET');

/** The pairs concatenated in turn until `n` candles: continuous rescaled prices, 5m times. */
function buildLong(pairs: readonly Candles[], n: number): Candles {
  const rows: OhlcvRow[] = [];
  let last = pairs[0]!.open[0]!;
  for (let k = 0; rows.length < n; k++) {
    const c = pairs[k % pairs.length]!;
    const scale = last / c.open[0]!;
    for (let i = 0; i < c.close.length && rows.length < n; i++) {
      rows.push([rows.length * FIVE_MIN, c.open[i]! * scale, c.high[i]! * scale, c.low[i]! * scale, c.close[i]! * scale, c.volume[i]!]);
    }
    last = rows.at(-1)![4];
  }
  const v = validateCandles(rows, '5m');
  if (!v.ok) throw new Error(`built series is invalid: ${v.error.message}`);
  return candlesFromRows(v.rows);
}

/** ms of a fixed pure-CPU loop on each of `n` workers started together. */
function spin(n: number): Promise<number[]> {
  const code = `const { parentPort } = require('node:worker_threads'); let x = 0; const t = performance.now();
    for (let i = 0; i < 5e7; i++) x += (i * 1.0000001) % 7; parentPort.postMessage(performance.now() - t + (x < 0 ? 1 : 0));`;
  const one = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const w = new Worker(code, { eval: true });
      w.once('message', (t: number) => void w.terminate().then(() => resolve(t)));
      w.once('error', reject);
    });
  return Promise.all(Array.from({ length: n }, one));
}

/** Work done per unit of time by 2 threads at once relative to 1 thread (median of 3). */
async function parallelCapacity(): Promise<number> {
  const ratios: number[] = [];
  for (let r = 0; r < 3; r++) {
    const [alone] = await spin(1);
    const both = await spin(2);
    ratios.push((2 * alone!) / Math.max(...both));
  }
  return stat(ratios).median;
}

function backtest(candles: Candles, strategy: Strategy<any> = emaCross) {
  return runBacktest({ symbol: 'X/BTC', timeframe: '5m', candles, strategy, params: emaCross.params.parse({}), stake: 100, feeRate: 0.001 });
}

async function optimizeRuns(series: readonly OptimizeSeries[], workers: number, runs: number, cacheBytes?: number): Promise<OptimizeRun[]> {
  const input = { strategy: 'ema-cross', series, grid: parseGrid(GRID), fixed: {}, objective: 'profitFactor' as const, top: 10, walkForward: null, stake: 100, feeRate: 0.001, slippageBps: 0, trailAtr: null, maxBars: null, workers };
  const out: OptimizeRun[] = [];
  for (let r = -1; r < runs; r++) {
    const run = await optimize(cacheBytes === undefined ? input : { ...input, cacheBytes });
    if (r >= 0) out.push(run);
  }
  return out;
}

interface Rates {
  /** Candle-evaluations per second, evaluation incl. worker start-up (median run). */
  readonly withStartup: number;
  /** The same with the bundle build added. */
  readonly withBuild: number;
}

function reportOptimize(label: string, runs: readonly OptimizeRun[]): Rates {
  const t = runs[0]!.timing;
  const total = stat(runs.map((r) => r.timing.evaluateMs));
  let line = `  ${label}: ${(t.candleEvaluations / 1e6).toFixed(1)}M candle-evaluations in ${ms(total)} → ${rate(t.candleEvaluations, total)}`;
  const withBuild = stat(runs.map((r) => r.timing.evaluateMs + r.timing.buildMs));
  if (t.workers > 0) {
    const build = stat(runs.map((r) => r.timing.buildMs));
    const start = stat(runs.map((r) => r.timing.startupMs));
    const steady = stat(runs.map((r) => r.timing.evaluateMs - r.timing.startupMs));
    line += ' (start-up included)';
    line += `\n      bundle build ${ms(build)}; worker start-up (spawn → all ${t.workers} ready) ${ms(start)}`;
    line += `\n      after start-up ${rate(t.candleEvaluations, steady)}; with build + start-up ${rate(t.candleEvaluations, withBuild)}`;
  }
  console.log(line);
  return { withStartup: (t.candleEvaluations / total.median) * 1e3, withBuild: (t.candleEvaluations / withBuild.median) * 1e3 };
}

async function main(): Promise<void> {
  console.log(`# bench:backtest — Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; median (min–max) of ${RUNS} runs after warm-up`);
  const pairs = PAIRS.flatMap((p) => loadSeries(new URL(`../fixtures/ohlcv/${p}_BTC-5m.json`, import.meta.url).pathname));
  const six = pairs.reduce((n, s) => n + s.candles.close.length, 0);
  const big = buildLong(pairs.map((s) => s.candles), BIG);
  const n = big.close.length;
  const lo = big.close.reduce((a, b) => Math.min(a, b));
  const hi = big.close.reduce((a, b) => Math.max(a, b));
  console.log(`# data: ${pairs.length} real 5m pairs, ${six} candles; built series ${n} candles, close ${lo.toPrecision(3)}–${hi.toPrecision(3)}`);

  const capacity = await parallelCapacity();
  console.log(`# parallel capacity: 2 threads do ${capacity.toFixed(2)}× the work of 1 (pure-CPU loop; 2.00 = two usable cores)`);

  console.log('\n## 1. one backtest, ema-cross defaults, single thread (target >= 2M candles/s)');
  const sixRuns = stat(time(() => pairs.map((s) => backtest(s.candles))));
  const bigRuns = stat(time(() => backtest(big)));
  console.log(`  six pairs (${six} candles, one backtest per pair): ${ms(sixRuns)} → ${rate(six, sixRuns)}`);
  console.log(`  1M series (${n} candles): ${ms(bigRuns)} → ${rate(n, bigRuns)}  [${check((n / bigRuns.median) * 1e3 >= 2e6)}; ${backtest(big).trades.length} trades]`);

  console.log('\n## 2. where one backtest spends its time (1M series, phases timed separately)');
  const p = emaCross.params.parse({});
  const indicators = stat(time(() => [ema(big.close, p.fast), ema(big.close, p.slow), atr(big.high, big.low, big.close, p.atr)]));
  const cache = new IndicatorCache();
  const intents = emaCross.evaluateAll(big, p, cache);
  const scan = stat(time(() => emaCross.evaluateAll(big, p, cache)));
  const fed: Strategy<any> = { ...emaCross, evaluateAll: () => intents };
  const engine = stat(time(() => backtest(big, fed)));
  const trades = backtest(big, fed).trades;
  const summary = stat(time(() => [summarize(trades, { candles: n, firstTime: 0, lastTime: 0 }), equityCurve(trades)]));
  const positions = { median: engine.median - summary.median, min: engine.min - summary.max, max: engine.max - summary.min };
  const sum = indicators.median + scan.median + engine.median;
  const share = (s: Stat): string => `${((100 * s.median) / sum).toFixed(0)}%`;
  console.log(`  indicators (EMA ${p.fast}, EMA ${p.slow}, ATR ${p.atr}): ${ms(indicators)}  ${share(indicators)}`);
  console.log(`  signal scan (evaluateAll, indicators cached, ${intents.length} signals): ${ms(scan)}  ${share(scan)}`);
  console.log(`  position simulation (engine on precomputed signals, minus summary): ${ms(positions)}  ${share(positions)}`);
  console.log(`  summary (summarize + equity curve, ${trades.length} trades): ${ms(summary)}  ${share(summary)}`);
  console.log(`  sum of phases ${sum.toFixed(1)} ms vs whole backtest ${bigRuns.median.toFixed(1)} ms`);

  console.log(`\n## 3. optimize, grid ${GRID} (153 valid sets; targets: ${WORKERS} workers >= 1.8× one thread, >= 20M candle-evaluations/s on 2 cores)`);
  const sixSeries = pairs.map((s) => ({ symbol: s.symbol, timeframe: s.timeframe, candles: s.candles }));
  const here = reportOptimize('six pairs, 1 thread', await optimizeRuns(sixSeries, 0, RUNS));
  reportOptimize('six pairs, 1 thread, indicator cache off', await optimizeRuns(sixSeries, 0, Math.min(RUNS, 3), 0));
  const pooledSix = reportOptimize(`six pairs, ${WORKERS} workers`, await optimizeRuns(sixSeries, WORKERS, RUNS));
  const bigSeries = [{ symbol: 'LONG/BTC', timeframe: '5m' as const, candles: big }];
  const hereBig = reportOptimize('1M series, 1 thread', await optimizeRuns(bigSeries, 0, BIG_RUNS));
  const bigRunsOpt = await optimizeRuns(bigSeries, WORKERS, BIG_RUNS);
  const pooledBig = reportOptimize(`1M series, ${WORKERS} workers`, bigRunsOpt);
  const ratio = (a: Rates, b: Rates): string => `×${(a.withStartup / b.withStartup).toFixed(2)} with start-up, ×${(a.withBuild / b.withStartup).toFixed(2)} with build + start-up`;
  console.log(`\n  SUMMARY (medians; rates include worker start-up)`);
  console.log(`  six pairs: 1 thread ${(here.withStartup / 1e6).toFixed(2)}M/s, ${WORKERS} workers ${(pooledSix.withStartup / 1e6).toFixed(2)}M/s → ${ratio(pooledSix, here)}  [ratio ${check(pooledSix.withStartup / here.withStartup >= 1.8)}; 20M/s ${check(pooledSix.withStartup >= 20e6)}]`);
  console.log(`  1M series: 1 thread ${(hereBig.withStartup / 1e6).toFixed(2)}M/s, ${WORKERS} workers ${(pooledBig.withStartup / 1e6).toFixed(2)}M/s → ${ratio(pooledBig, hereBig)}  [ratio ${check(pooledBig.withStartup / hereBig.withStartup >= 1.8)}; 20M/s ${check(pooledBig.withStartup >= 20e6)}]`);
  console.log(`  this thread × measured capacity ${capacity.toFixed(2)} = ${((here.withStartup * capacity) / 1e6).toFixed(1)}M/s (what ${WORKERS} workers could reach on the six pairs if nothing else cost)`);
  const same = bigRunsOpt.every((r) => JSON.stringify(r.report) === JSON.stringify(bigRunsOpt[0]!.report));
  console.log(`  1M reports identical across runs: ${same}; best ${JSON.stringify(bigRunsOpt[0]!.report.top![0]!.params)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
