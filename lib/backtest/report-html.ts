/**
 * The HTML backtest report: ONE self-contained file (inline CSS and server-side SVG; no script,
 * no font, no URL of any kind), pure: `renderBacktestHtml(input) → string`; the CLI writes it.
 *
 * Content: a title with the strategy, its params, fee, stake and the data span; the summary
 * table (one row per series and a TOTAL); the equity curve (cumulative closed-trade PnL over
 * time, the total's max drawdown shaded); per series a candlestick chart with the trades
 * (▲ long / ▼ short entry at the entry price, ✕ exit green for a win and red for a loss, a
 * dashed line from entry to exit; hovering a marker shows the trade) and the list of its trades.
 * Long series are aggregated to at most MAX_CHART_CANDLES candles (report-html-charts.ts).
 * Every string that comes from data, flags or file names is HTML-escaped.
 */
import type { Candles } from '../core/candle.js';
import { fmt } from './format.js';
import { candleChartSvg, equityChartSvg, esc, MAX_CHART_CANDLES, utc, type EquityLine } from './report-html-charts.js';
import { combineResults } from './summary.js';
import type { BacktestResult, CombinedResult, Summary, Trade } from './types.js';

export { MAX_CHART_CANDLES } from './report-html-charts.js';

export interface HtmlSeries {
  readonly result: BacktestResult;
  /** The candles the result was computed on. */
  readonly candles: Candles;
  /** Where they came from (shown, escaped). */
  readonly path?: string;
  /** Gaps found in the data (rows were used as given). */
  readonly gaps?: number;
}

export interface HtmlReportInput {
  readonly strategy: string;
  /** The parsed strategy params. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly stake: number;
  readonly feeRate: number;
  readonly slippageBps?: number;
  readonly trailAtr?: number;
  readonly maxBars?: number;
  /** The --data argument (shown, escaped). */
  readonly data?: string;
  /** Shown as "generated …" when given (left out by default so the output is deterministic). */
  readonly generatedAt?: number;
  readonly series: readonly HtmlSeries[];
  /** combineResults of the series' results; computed when not given. */
  readonly combined?: CombinedResult;
  /** Bound on drawn candles per chart (default MAX_CHART_CANDLES). */
  readonly maxChartCandles?: number;
}

const SERIES_COLORS = ['#1f77b4', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const day = (t: number | null): string => (t === null ? '–' : utc(t));
const signed = (x: number): string => (x > 0 ? 'pos' : x < 0 ? 'neg' : '');
/** fmt with a real minus sign. */
const num = (x: number | null): string => {
  const s = fmt(x);
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
};

function paramText(params: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k} ${typeof v === 'number' ? num(v) : typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? parts.join(' · ') : 'defaults';
}

const SUMMARY_HEADERS = ['series', 'from (UTC)', 'to (UTC)', 'candles', 'trades', 'wins', 'losses', 'win rate', 'net profit', 'profit factor', 'max drawdown', 'fees'];

function summaryRow(label: string, s: Summary, cls: string): string {
  const cells = [
    `<th scope="row">${esc(label)}</th>`,
    `<td>${esc(day(s.firstTime))}</td>`,
    `<td>${esc(day(s.lastTime))}</td>`,
    `<td>${s.candles}</td>`,
    `<td>${s.trades}</td>`,
    `<td>${s.wins}</td>`,
    `<td>${s.losses}</td>`,
    `<td>${esc(pct(s.winRate))}</td>`,
    `<td class="${signed(s.netProfit)}">${esc(num(s.netProfit))}</td>`,
    `<td>${esc(num(s.profitFactor))}</td>`,
    `<td>${s.maxDrawdown > 0 ? `−${esc(num(s.maxDrawdown))}` : '0'}</td>`,
    `<td>${esc(num(s.fees))}</td>`,
  ];
  return `<tr${cls ? ` class="${cls}"` : ''}>${cells.join('')}</tr>`;
}

function tradeTable(trades: readonly Trade[]): string {
  if (trades.length === 0) return '<p class="muted">No trades.</p>';
  const head = ['#', 'side', 'entry time (UTC)', 'entry', 'exit time (UTC)', 'exit', 'reason', 'bars', 'fees', 'pnl'];
  const rows = trades.map(
    (t, k) =>
      `<tr><td>${k + 1}</td><td class="${t.side}">${t.side === 'long' ? '▲ long' : '▼ short'}</td>` +
      `<td>${esc(utc(t.entryTime))}</td><td>${esc(num(t.entryPrice))}</td>` +
      `<td>${esc(utc(t.exitTime))}</td><td>${esc(num(t.exitPrice))}</td>` +
      `<td>${esc(t.exitReason)}</td><td>${t.bars}</td><td>${esc(num(t.fees))}</td>` +
      `<td class="${signed(t.pnl)}">${esc(num(t.pnl))}</td></tr>`,
  );
  return (
    `<div class="tradelist"><table class="trades"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

function exitCounts(trades: readonly Trade[]): string {
  const counts = new Map<string, number>();
  for (const t of trades) counts.set(t.exitReason, (counts.get(t.exitReason) ?? 0) + 1);
  return [...counts].map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;padding:24px 28px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d2330;background:#f6f7f9}
main{max-width:1296px;margin:0 auto}
h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;margin:32px 0 10px}h3{font-size:15px;margin:18px 0 8px}
.meta{margin:0;color:#4a5263}.meta b{color:#1d2330;font-weight:600}
.muted{color:#6b7385}
section.card{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:16px 18px;margin:16px 0}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
table.summary{width:100%}
th,td{padding:4px 10px;border-bottom:1px solid #e6e9ef;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
thead th{font-weight:600;color:#4a5263;border-bottom:2px solid #cfd5df;position:sticky;top:0;background:#fff}
tr.total th,tr.total td{font-weight:700;border-top:2px solid #cfd5df;border-bottom:none}
.pos{color:#1b7f3b}.neg{color:#c0392b}
td.long{color:#1e5bd8}td.short{color:#d35400}
.tradelist{max-height:420px;overflow:auto;border:1px solid #e6e9ef;border-radius:6px}
table.trades{width:100%}
.chart{display:flex;align-items:flex-start;margin:8px 0}
.chart .scroll{overflow-x:auto;overflow-y:hidden;flex:1;min-width:0}
svg{display:block;font-size:11px;fill:#4a5263}
svg text{font-family:inherit}
svg.equity{max-width:100%;height:auto}
.grid{stroke:#eceff4;stroke-width:1;fill:none}
.tick{stroke:#f1f3f7;fill:none}
.axis{stroke:#9aa3b2;fill:none}
.zero{stroke:#9aa3b2;stroke-dasharray:4 3;fill:none}
svg.candles .up{fill:#7fcfbf;stroke:#4fa897;stroke-width:1}
svg.candles .down{fill:#f2a4a0;stroke:#d9716b;stroke-width:1}
.trade .link{stroke-width:1.3;stroke-dasharray:3 2;fill:none}
.trade.win .link{stroke:#1b7f3b}.trade.loss .link{stroke:#c0392b}.trade.flat .link{stroke:#6b7385}
.trade .entry{stroke:#fff;stroke-width:1}
.trade .entry.long{fill:#1e5bd8}.trade .entry.short{fill:#e67e22}
.trade .exit{stroke-width:2.2;fill:none;stroke-linecap:round}
.trade.win .exit{stroke:#1b7f3b}.trade.loss .exit{stroke:#c0392b}.trade.flat .exit{stroke:#6b7385}
.trade:hover .link{stroke-width:2.5;stroke-dasharray:none}
.equity .total{stroke:#1d2330;stroke-width:2;fill:none}
.equity .series{stroke-width:1.2;fill:none;opacity:.8}
.equity .dd rect{fill:#c0392b;opacity:.12}
.equity .dd path{stroke:#c0392b;stroke-width:1.5;stroke-dasharray:4 3;fill:none}
.equity .dd path.bracket{stroke-dasharray:none;stroke-width:1}
.equity .dd text{fill:#c0392b;font-weight:600;font-size:12px}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:4px 0 0;color:#4a5263;font-size:13px}
.legend i{font-style:normal;font-weight:700}
.sw{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:5px}
`;

function legendCandles(): string {
  return (
    '<div class="legend">' +
    '<span><i style="color:#1e5bd8">▲</i> long entry</span><span><i style="color:#e67e22">▼</i> short entry</span>' +
    '<span><i style="color:#1b7f3b">✕</i> exit, win</span><span><i style="color:#c0392b">✕</i> exit, loss</span>' +
    '<span>dashed line: entry → exit</span><span class="muted">hover a marker for the trade</span></div>'
  );
}

export function renderBacktestHtml(input: HtmlReportInput): string {
  const results = input.series.map((s) => s.result);
  const combined = input.combined ?? combineResults(results);
  const max = input.maxChartCandles ?? MAX_CHART_CANDLES;
  const s = combined.summary;
  const names = results.map((r) => `${r.symbol} ${r.timeframe}`);
  const title = `${input.strategy} backtest: ${names.length <= 3 ? names.join(', ') : `${names.length} series`}`;

  const setup = [
    `<b>strategy</b> ${esc(input.strategy)} (${esc(paramText(input.params))})`,
    `<b>stake</b> ${esc(num(input.stake))} per trade`,
    `<b>fee</b> ${esc(num(input.feeRate))} per side (${esc(num(input.feeRate * 100))}%)`,
    ...(input.slippageBps ? [`<b>slippage</b> ${esc(num(input.slippageBps))} bps`] : []),
    ...(input.trailAtr ? [`<b>trailing stop</b> ${esc(num(input.trailAtr))} ATR`] : []),
    ...(input.maxBars ? [`<b>max</b> ${esc(num(input.maxBars))} bars`] : []),
  ].join(' · ');
  const span =
    `<b>data</b> ${input.data !== undefined ? `${esc(input.data)}: ` : ''}${s.candles} candles, ` +
    `${esc(day(s.firstTime))} → ${esc(day(s.lastTime))} UTC` +
    (input.generatedAt !== undefined ? ` · <span class="muted">generated ${esc(utc(input.generatedAt))} UTC</span>` : '');

  const summary =
    `<table class="summary"><thead><tr>${SUMMARY_HEADERS.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>` +
    results.map((r, k) => summaryRow(names[k]!, r.summary, '')).join('') +
    summaryRow('TOTAL', s, 'total') +
    '</tbody></table><p class="muted">PnL in quote currency, fees included; profit factor – = no losing trade; ' +
    'max drawdown = largest fall of cumulative closed-trade PnL from a previous peak (starting at 0).</p>';

  const several = results.length > 1;
  const lines: EquityLine[] = several ? results.map((r, k) => ({ label: names[k]!, points: r.equity, color: SERIES_COLORS[k % SERIES_COLORS.length]! })) : [];
  const from = s.firstTime ?? combined.equity[0]?.time ?? 0;
  const to = s.lastTime ?? combined.equity[combined.equity.length - 1]?.time ?? from;
  const equityLegend =
    '<div class="legend"><span><span class="sw" style="background:#1d2330"></span>total</span>' +
    lines.map((l) => `<span><span class="sw" style="background:${esc(l.color)}"></span>${esc(l.label)}</span>`).join('') +
    '<span><span class="sw" style="background:#f3d3cf;height:10px"></span>max drawdown</span></div>';
  const equity =
    `<section class="card"><h2 style="margin-top:0">Equity: cumulative closed-trade PnL</h2>` +
    `<p class="meta">net profit <b class="${signed(s.netProfit)}">${esc(num(s.netProfit))}</b> over ${s.trades} trade(s); ` +
    `max drawdown <b>${s.maxDrawdown > 0 ? '−' : ''}${esc(num(s.maxDrawdown))}</b></p>` +
    `${equityChartSvg(combined.equity, lines, from, to, num)}${equityLegend}</section>`;

  const perSeries = input.series.map((ser, k) => {
    const r = ser.result;
    const label = names[k]!;
    const chart = candleChartSvg(ser.candles, r.trades, label, num, max);
    const size = chart.layout.buckets.size;
    const notes = [
      `${r.summary.candles} candles`,
      size > 1 ? `drawn as ${chart.layout.buckets.time.length} candles of ${size} × ${r.timeframe} each (OHLC aggregated)` : '',
      chart.layout.width > 1180 ? 'scroll the chart sideways' : '',
      ser.gaps ? `${ser.gaps} gap(s) in the data, rows used as given (not drawn as space)` : '',
      ser.path !== undefined ? `file ${ser.path}` : '',
    ].filter(Boolean);
    return (
      `<section class="card series" data-symbol="${esc(r.symbol)}"><h2 style="margin-top:0">${esc(label)}</h2>` +
      `<p class="meta">${r.summary.trades} trade(s), net <b class="${signed(r.summary.netProfit)}">${esc(num(r.summary.netProfit))}</b>; ` +
      `exits: ${esc(exitCounts(r.trades))}</p><p class="meta muted">${esc(notes.join(' · '))}</p>` +
      `<div class="chart">${chart.axis}<div class="scroll">${chart.chart}</div></div>${legendCandles()}` +
      `<h3>Trades</h3>${tradeTable(r.trades)}</section>`
    );
  });

  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${esc(title)}</title><style>${STYLE}</style></head><body><main>` +
    `<h1>${esc(title)}</h1><p class="meta">${setup}</p><p class="meta">${span}</p>` +
    `<section class="card"><h2 style="margin-top:0">Summary</h2>${summary}</section>` +
    equity +
    perSeries.join('') +
    '</main></body></html>\n'
  );
}
