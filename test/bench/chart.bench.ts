/**
 * `npm run bench:chart` — chart rendering for Telegram messages (lib/chart/render.ts): a
 * 150-candle ema-cross signal chart of real ETH/BTC 5m candles (2 EMA lines, entry/stop/target),
 * 1000×560 PNG. Prints the first (cold: module init, font load) render, then N timed renders after
 * a warm-up: median, p95, min, max ms (wall, and the process CPU time it used), split into ECharts SSR (SVG) and resvg (SVG → PNG), plus
 * building the spec (chartForSignal) and the process RSS. Target: median ≤ 150 ms.
 *
 * BENCH_RUNS (default 50), BENCH_WIDTH / BENCH_HEIGHT (default 1000 / 560).
 */
import { renderAsync } from '@resvg/resvg-js';
import { CHART_FONT_FAMILY, resolveFontPath } from '../../lib/chart/font.js';
import { renderChartPng, renderChartSvg } from '../../lib/chart/render.js';
import { chartForSignal } from '../../lib/core/chart-data.js';
import { getStrategy } from '../../lib/core/strategies/index.js';
import { lastSignal } from '../chart/fixture.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const WARMUP = 5;
const size = { width: Number(process.env.BENCH_WIDTH ?? 1000), height: Number(process.env.BENCH_HEIGHT ?? 560) };

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  const m = s.length >> 1;
  const median = s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  return `median ${median.toFixed(1)}  p95 ${q(0.95).toFixed(1)}  min ${s[0]!.toFixed(1)}  max ${s.at(-1)!.toFixed(1)} ms`;
}

const mb = (n: number): string => `${(n / 1048576).toFixed(0)} MB`;

const { candles, signal } = lastSignal('ETH_BTC-5m.json', 'ETH/BTC', 'ema-cross');
const strategy = getStrategy('ema-cross');
const build = (): ReturnType<typeof chartForSignal> => chartForSignal({ candles, signal, strategy, params: {}, count: 150 });
const spec = build()!;
console.log(`chart: ${spec.candles.length} candles, ${spec.lines.length} lines, ${Object.keys(spec.levels).length} levels, ${size.width}×${size.height}; spec JSON ${JSON.stringify(spec).length} B`);
console.log(`rss before first render ${mb(process.memoryUsage().rss)}`);

let t = performance.now();
const first = await renderChartPng(spec, size);
console.log(`first render (cold) ${(performance.now() - t).toFixed(1)} ms, PNG ${first.byteLength} B`);

for (let i = 0; i < WARMUP; i++) await renderChartPng(spec, size);

const total: number[] = [];
const cpuMs: number[] = [];
const svgMs: number[] = [];
const pngMs: number[] = [];
const specMs: number[] = [];
let peakRss = 0;
const fontPath = resolveFontPath();
for (let i = 0; i < RUNS; i++) {
  t = performance.now();
  const cpu = process.cpuUsage();
  await renderChartPng(spec, size);
  total.push(performance.now() - t);
  const d = process.cpuUsage(cpu);
  cpuMs.push((d.user + d.system) / 1000);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
for (let i = 0; i < RUNS; i++) {
  t = performance.now();
  build();
  specMs.push(performance.now() - t);
  t = performance.now();
  const svg = renderChartSvg(spec, size);
  svgMs.push(performance.now() - t);
  t = performance.now();
  (await renderAsync(svg, { font: { fontFiles: [fontPath], loadSystemFonts: false, defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY }, logLevel: 'off' })).asPng();
  pngMs.push(performance.now() - t);
}
console.log(`renderChartPng ×${RUNS}: ${stats(total)}`);
console.log(`  process CPU time:  ${stats(cpuMs)} (wall minus waiting for a core on a busy machine)`);
console.log(`  ECharts SSR (SVG): ${stats(svgMs)}`);
console.log(`  resvg (PNG):       ${stats(pngMs)}`);
console.log(`chartForSignal:      ${stats(specMs)}`);
console.log(`rss peak ${mb(peakRss)}, now ${mb(process.memoryUsage().rss)}, heap used ${mb(process.memoryUsage().heapUsed)}`);
