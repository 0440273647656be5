/** The text report of `npm run strategy:check` (one series), for a trader. */
import { iso } from './compare.js';
import type { CheckReport, HistoryFinding, HistoryStep } from './types.js';

/** Findings printed per list; the rest are counted. */
export const SHOWN = 10;

function pct(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  return `${(100 * x).toPrecision(2)} %`;
}

function candle(index: number, time: number): string {
  return `candle #${index} ${iso(time)}`;
}

function historyLine(f: HistoryFinding): string {
  const stable = f.stableFrom === f.index + 1 ? `only with the full history (${f.stableFrom} candles)` : `from ${f.stableFrom} candles of history`;
  return `    ${candle(f.index, f.time)}: with ${f.history} candles ${f.short}; with the full history ${f.full}; stable ${stable}`;
}

function stepLine(s: HistoryStep): string {
  const exits = s.exitsDiffer > 0 ? `, ${s.exitsDiffer} exit decisions differ` : '';
  const price = s.maxRelPriceAt === null ? 'prices equal' : `largest price difference ${pct(s.maxRelPriceDiff)} (candle #${s.maxRelPriceAt})`;
  return `  ${String(s.history).padStart(6)} candles (${s.label}): ${s.differ} of ${s.compared} candles differ in presence or side${exits}; ${price}`;
}

export function formatReport(r: CheckReport, series: string): string {
  const out: string[] = [];
  out.push(`${r.strategy} ${JSON.stringify(r.params)} on ${series}: ${r.candles} candles, warm-up ${r.warmup}, checked candles #${r.from}..#${r.to}`);
  out.push('');
  out.push(`Lookahead (each candle evaluated on the candles up to it, compared with the whole series): ${r.signals} signals${r.exits > 0 ? `, ${r.exits} exit decisions` : ''} compared`);
  if (r.lookahead.length === 0) {
    out.push('  OK: no signal changes when later candles are added');
  } else {
    out.push(`  LOOKAHEAD at ${new Set(r.lookahead.map((f) => f.index)).size} candle(s): the whole-series result uses candles after the signal candle`);
    for (const f of r.lookahead.slice(0, SHOWN)) {
      out.push(`    ${candle(f.index, f.time)} ${f.what}: whole series ${f.whole}; candles up to it ${f.prefix} (changed: ${f.changed.join(', ')})`);
    }
    if (r.lookahead.length > SHOWN) out.push(`    … ${r.lookahead.length - SHOWN} more`);
  }
  out.push('');
  const w = r.warmupCheck;
  out.push('Warm-up (each candle evaluated with only the last N candles, compared with the full history):');
  for (const s of w.steps) out.push(stepLine(s));
  for (const u of w.undefinedSides) {
    out.push(`  WARM-UP TOO SHORT: with exactly ${w.warmup} candles no ${u.side} signal at any candle, the full history has ${u.fullCount}: indicators are not all defined after ${w.warmup} candles; first:`);
    out.push(historyLine(u.firstFull));
  }
  const live = w.steps.find((s) => s.label.startsWith('live'));
  if (live !== undefined && (live.differ > 0 || live.exitsDiffer > 0)) {
    out.push(`  HISTORY-DEPENDENT with the live history (${w.liveHistory} candles, config scan.candles): the live scan would not say what the backtest says at ${live.differ} candle(s)${live.exitsDiffer > 0 ? ` and ${live.exitsDiffer} exit decision(s)` : ''}:`);
    for (const f of w.liveFindings.slice(0, SHOWN)) out.push(historyLine(f));
    if (live.differ > SHOWN) out.push(`    … ${live.differ - SHOWN} more`);
    out.push('    → raise the strategy\'s warm-up and the config\'s scan.candles (and --history here) to the "stable from" history');
  } else if (w.undefinedSides.length === 0) {
    out.push(`  OK: with the live history (${w.liveHistory} candles) every signal equals the full-history one in presence and side`);
  }
  const first = w.warmupFindings.slice(0, Math.min(3, SHOWN));
  if (first.length > 0 && w.undefinedSides.length === 0 && live !== undefined && live.differ === 0) {
    out.push(`  note: with exactly the warm-up (${w.warmup} candles) some signals differ, e.g.:`);
    for (const f of first) out.push(historyLine(f));
  }
  out.push('  note: recursive indicators (EMA, Wilder ATR/RSI, MACD, …) depend on every earlier candle: a short history never');
  out.push('        reproduces their values exactly; the price differences above are information, shrinking as history grows.');
  out.push('');
  out.push(r.ok ? 'RESULT: clean' : `RESULT: PROBLEMS FOUND (${problems(r).join('; ')})`);
  return out.join('\n');
}

/** The one-line list of problems (empty when clean). */
export function problems(r: CheckReport): string[] {
  const out: string[] = [];
  if (r.lookahead.length > 0) out.push(`lookahead at ${new Set(r.lookahead.map((f) => f.index)).size} candle(s), first ${candle(r.lookahead[0]!.index, r.lookahead[0]!.time)}`);
  for (const u of r.warmupCheck.undefinedSides) out.push(`warm-up ${r.warmup} too short for ${u.side} signals`);
  const live = r.warmupCheck.steps.find((s) => s.label.startsWith('live'));
  if (live !== undefined && live.differ + live.exitsDiffer > 0) out.push(`${live.differ + live.exitsDiffer} result(s) change with more than ${r.warmupCheck.liveHistory} candles of history`);
  return out;
}
