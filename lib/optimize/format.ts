/** Printing an optimize report as readable tables (`--json` prints the report object itself). */
import { fmt } from '../backtest/format.js';
import { commonQuote, formatAmount } from '../core/format.js';
import type { OptimizeReport, OptimizeRun } from './run.js';
import type { Metrics } from './types.js';

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const day = (t: number | null): string => (t === null ? '–' : new Date(t).toISOString().slice(0, 16).replace('T', ' '));

/** Columns before `left` are left-aligned (labels), the rest right-aligned (numbers). */
function table(rows: readonly (readonly string[])[], left: number): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]): string => r.map((cell, c) => (c < left ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** `fast=5 slow=15`: the varying parameters of a set. */
function gridValues(report: OptimizeReport, params: Readonly<Record<string, unknown>>): string {
  return report.keys.map((k) => `${k}=${String(params[k])}`).join(' ');
}

const objectiveName = (report: OptimizeReport): string => (report.ddPenalty === undefined ? report.objective : `${report.objective} (λ ${report.ddPenalty})`);

const metricHeaders = (q: string): string[] => ['trades', 'win rate', `net profit${q ? ` (${q})` : ''}`, 'profit factor', 'sharpe', `max drawdown${q ? ` (${q})` : ''}`];
const quoteOf = (report: OptimizeReport): string => commonQuote(report.series.map((s) => s.symbol));
const metricCells = (m: Metrics): string[] => [String(m.trades), pct(m.winRate), fmt(m.netProfit), fmt(m.profitFactor), fmt(m.sharpe), fmt(m.maxDrawdown)];

function header(report: OptimizeReport): string[] {
  const candles = report.series.reduce((n, s) => n + s.candles, 0);
  const s = report.sets;
  const lines = [
    `${report.strategy} over ${report.series.length} series (${candles} candles); objective ${objectiveName(report)}; stake ${formatAmount(report.stake, quoteOf(report))} per trade, fee ${report.feeRate} per side` +
      (Object.keys(report.fixed).length ? `; fixed ${JSON.stringify(report.fixed)}` : ''),
  ];
  const r = report.random;
  if (r === undefined) {
    lines.push(`grid ${report.grid.map((a) => `${a.key}=${a.spec} (${a.values})`).join(' × ')} = ${s.total} sets: ${s.valid} valid, ${s.invalid} invalid (skipped)`);
  } else {
    const from = r.draws.map((d) => (d.from === 'grid' ? `${d.key}∈${d.spec} (${d.values})` : `${d.key}∈[${d.min}, ${d.max}]${d.int ? ' int' : ''}`));
    lines.push(
      `random search, seed ${r.seed}, budget ${r.budget}: ${from.join(' ')}`,
      `${s.total} draws: ${s.valid} distinct valid sets, ${s.invalid} invalid (drawn again), ${r.duplicates} duplicates (drawn again)` +
        (s.valid < r.budget ? `; stopped after ${s.total} draws, the space holds fewer valid sets than the budget` : ''),
    );
  }
  const first = r === undefined ? '#' : 'draw #';
  for (const x of s.invalidReasons) lines.push(`  ${x.count} × ${x.reason} (first: ${first}${x.example.index} ${gridValues(report, x.example.params)})`);
  return lines;
}

function topTable(report: OptimizeReport): string {
  const rows = [['rank', 'set', 'params', objectiveName(report), ...metricHeaders(quoteOf(report))]];
  for (const r of report.top ?? []) rows.push([String(r.rank), `#${r.index}`, gridValues(report, r.params), fmt(r.score), ...metricCells(r.metrics)]);
  return table(rows, 3);
}

function walkForwardTables(report: OptimizeReport): string[] {
  const wf = report.walkForward!;
  const out = [
    `walk-forward, rolling: each series cut into ${wf.folds} folds; step j optimises on fold j−1 (in-sample) and scores the chosen set on fold j (out-of-sample)`,
  ];
  for (const s of report.series) out.push(`  ${s.symbol} ${s.timeframe}: ${(s.folds ?? []).map((f) => `[${f.from}, ${f.to}) ${day(f.firstTime)}`).join(' | ')}`);
  const rows = [['step', 'chosen (in-sample best)', `IS ${report.objective}`, `OOS ${report.objective}`, 'OOS rank', 'IS trades', 'OOS trades', `IS net${quoteOf(report) ? ` (${quoteOf(report)})` : ''}`, `OOS net${quoteOf(report) ? ` (${quoteOf(report)})` : ''}`, `best OOS ${report.objective}`]];
  for (const s of wf.steps) {
    const c = s.chosen;
    rows.push(
      c === null
        ? [String(s.step), 'no set scored in-sample', '–', '–', '–', '–', '–', '–', '–', fmt(s.bestOutOfSampleScore)]
        : [
            String(s.step),
            `#${c.index} ${gridValues(report, c.params)}`,
            fmt(c.inSampleScore),
            fmt(c.outOfSampleScore),
            `${c.outOfSampleRank}/${report.sets.valid}`,
            String(c.inSample.trades),
            String(c.outOfSample.trades),
            fmt(c.inSample.netProfit),
            fmt(c.outOfSample.netProfit),
            fmt(s.bestOutOfSampleScore),
          ],
    );
  }
  const t = wf.totals;
  out.push('', table(rows, 2), '');
  const best = [['step', 'IS rank', 'set', 'params', `IS ${report.objective}`, `OOS ${report.objective}`, 'OOS rank']];
  for (const s of wf.steps) {
    for (const r of s.ranked) best.push([String(s.step), String(r.inSampleRank), `#${r.index}`, gridValues(report, r.params), fmt(r.inSampleScore), fmt(r.outOfSampleScore), `${r.outOfSampleRank}/${report.sets.valid}`]);
  }
  out.push(`the best sets in-sample at each step, with their out-of-sample scores:`, '', table(best, 4), '');
  out.push(
    `mean ${report.objective} of the chosen sets: in-sample ${fmt(t.meanInSampleScore)}, out-of-sample ${fmt(t.meanOutOfSampleScore)}; ` +
      `net profit in-sample ${formatAmount(t.inSampleNetProfit, quoteOf(report))}, out-of-sample ${formatAmount(t.outOfSampleNetProfit, quoteOf(report))} (${t.outOfSampleTrades} trades)`,
  );
  return out;
}

/** The readable report (deterministic) followed by one timing line. */
export function formatRun(run: OptimizeRun): string {
  const { report, timing } = run;
  const body = report.walkForward ? walkForwardTables(report) : [topTable(report)];
  const rate = timing.evaluateMs > 0 ? (timing.candleEvaluations / timing.evaluateMs) * 1000 : 0;
  return [
    ...header(report),
    '',
    ...body,
    '',
    `evaluated ${timing.candleEvaluations} candle-evaluations (candles × valid sets) in ${(timing.evaluateMs / 1000).toFixed(2)} s on ` +
      `${timing.workers === 0 ? 'the main thread' : `${timing.workers} worker thread(s) (start-up ${(timing.startupMs / 1000).toFixed(2)} s; bundle built in ${(timing.buildMs / 1000).toFixed(2)} s)`}: ${(rate / 1e6).toPrecision(3)}M/s`,
  ].join('\n');
}

/** The one-line timing summary written to stderr with --json. */
export function timingLine(run: OptimizeRun): string {
  const { timing } = run;
  const rate = timing.evaluateMs > 0 ? (timing.candleEvaluations / timing.evaluateMs) * 1000 : 0;
  return `optimize: ${timing.candleEvaluations} candle-evaluations in ${(timing.evaluateMs / 1000).toFixed(2)} s, ${timing.workers} worker(s) (start-up ${(timing.startupMs / 1000).toFixed(2)} s, bundle ${(timing.buildMs / 1000).toFixed(2)} s), ${(rate / 1e6).toPrecision(3)}M/s`;
}
