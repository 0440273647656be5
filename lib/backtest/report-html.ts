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
import { commonQuote, formatAmount, formatPercent } from '../core/format.js';
import { fmt } from './format.js';
import { CANDLE_CHART, candleChartSvg, candleIndexAt, equityChartSvg, esc, LINE_COLORS, MAX_CHART_CANDLES, utc, type EquityLine, type PriceLine } from './report-html-charts.js';
import { combineResults, meanBuyAndHold, strategyReturn } from './summary.js';
import type { BacktestResult, CombinedResult, Summary, Trade } from './types.js';
import { STYLE } from './report-html-style.js';

export { MAX_CHART_CANDLES } from './report-html-charts.js';

export interface HtmlSeries {
  readonly result: BacktestResult;
  /** The candles the result was computed on. */
  readonly candles: Candles;
  /** Where they came from (shown, escaped). */
  readonly path?: string;
  /** Gaps found in the data (rows were used as given). */
  readonly gaps?: number;
  /** The strategy's indicator lines on the price scale (`Strategy.lines(candles, params)`, as the Telegram charts: lib/core/chart-data.ts). */
  readonly lines?: readonly PriceLine[];
}

/** Drawn candles of the overview chart: it fits the page width (no horizontal scrolling). */
export const OVERVIEW_CANDLES = Math.floor(CANDLE_CHART.minPlotWidth / CANDLE_CHART.minSlot);
/** Zoom windows per series (full resolution, each ≤ OVERVIEW_CANDLES candles around a run of trades). */
export const MAX_ZOOM_WINDOWS = 12;

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
const signed = (x: number | null): string => (x === null ? '' : x > 0 ? 'pos' : x < 0 ? 'neg' : '');
/** A signed percentage with a real minus sign; `–` for null. */
const pctS = (x: number | null): string => (x === null ? '–' : formatPercent(x).replace('-', '−'));
/** fmt with a real minus sign. */
const num = (x: number | null): string => {
  const s = fmt(x);
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
};

function paramText(params: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k} ${typeof v === 'number' ? num(v) : typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? parts.join(' · ') : 'defaults';
}

function summaryHeaders(quote: string): string[] {
  const q = quote ? ` (${quote})` : '';
  return ['series', 'from (UTC)', 'to (UTC)', 'candles', 'trades', 'wins', 'losses', 'win rate', `net profit${q}`, 'return', 'buy &amp; hold', 'profit factor', `max drawdown${q}`, `fees${q}`];
}

function summaryRow(label: string, s: Summary, cls: string, ret: number | null, hold: number | null): string {
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
    `<td class="${signed(ret)}">${esc(pctS(ret))}</td>`,
    `<td class="${signed(hold)}">${esc(pctS(hold))}</td>`,
    `<td>${esc(num(s.profitFactor))}</td>`,
    `<td>${esc(num(s.maxDrawdown))}</td>`,
    `<td>${esc(num(s.fees))}</td>`,
  ];
  return `<tr${cls ? ` class="${cls}"` : ''}>${cells.join('')}</tr>`;
}

function tradeTable(trades: readonly Trade[], stake: number, quote: string): string {
  if (trades.length === 0) return '<p class="muted">No trades.</p>';
  const q = quote ? ` (${esc(quote)})` : '';
  const head = ['#', 'side', 'entry time (UTC)', 'entry', 'exit time (UTC)', 'exit', 'reason', 'bars', `fees${q}`, `pnl${q}`, 'stop', 'target', 'return'];
  const rows = trades.map(
    (t, k) =>
      `<tr><td>${k + 1}</td><td class="${t.side}">${t.side === 'long' ? '▲ long' : '▼ short'}</td>` +
      `<td>${esc(utc(t.entryTime))}</td><td>${esc(num(t.entryPrice))}</td>` +
      `<td>${esc(utc(t.exitTime))}</td><td>${esc(num(t.exitPrice))}</td>` +
      `<td>${esc(t.exitNote === undefined ? t.exitReason : `${t.exitReason}: ${t.exitNote}`)}</td><td>${t.bars}</td><td>${esc(num(t.fees))}</td>` +
      `<td class="${signed(t.pnl)}">${esc(num(t.pnl))}</td>` +
      `<td>${t.stop === undefined ? '–' : esc(num(t.stop))}</td><td>${t.target === undefined ? '–' : esc(num(t.target))}</td>` +
      `<td class="${signed(t.pnl)}">${esc(pctS(stake > 0 ? t.pnl / stake : null))}</td></tr>`,
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

function legendCandles(lines: readonly PriceLine[]): string {
  return (
    '<div class="legend">' +
    lines.map((l, k) => `<span><span class="sw" style="background:${LINE_COLORS[k % LINE_COLORS.length]}"></span>${esc(l.name)}</span>`).join('') +
    '<span><span class="sw" style="background:#c0392b"></span>stop</span><span><span class="sw" style="background:#1b7f3b"></span>target</span>' +
    '<span><i style="color:#1e5bd8">▲</i> long entry</span><span><i style="color:#e67e22">▼</i> short entry</span>' +
    '<span><i style="color:#1b7f3b">✕</i> exit, win</span><span><i style="color:#c0392b">✕</i> exit, loss</span>' +
    '<span>dashed line: entry → exit</span><span class="muted">a number by a marker: trades entering in that column; hover a marker for the trade</span></div>'
  );
}

export function renderBacktestHtml(input: HtmlReportInput): string {
  const results = input.series.map((s) => s.result);
  const combined = input.combined ?? combineResults(results);
  const max = input.maxChartCandles ?? MAX_CHART_CANDLES;
  const s = combined.summary;
  const names = results.map((r) => `${r.symbol} ${r.timeframe}`);
  const title = `${input.strategy} backtest: ${names.length <= 3 ? names.join(', ') : `${names.length} series`}`;
  const quote = commonQuote(results.map((r) => r.symbol));
  const holds = input.series.map((x) => x.result.buyAndHold ?? buyAndHoldOf(x.candles));
  const totalReturn = strategyReturn(s.netProfit, input.stake, results.length);
  const totalHold = meanBuyAndHold(holds);

  const setup = [
    `<b>strategy</b> ${esc(input.strategy)} (${esc(paramText(input.params))})`,
    `<b>stake</b> ${esc(formatAmount(input.stake, quote))} per trade`,
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
    `<table class="summary"><thead><tr>${summaryHeaders(esc(quote)).map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>` +
    results.map((r, k) => summaryRow(names[k]!, r.summary, '', strategyReturn(r.summary.netProfit, input.stake, 1), holds[k]!)).join('') +
    summaryRow('TOTAL', s, 'total', totalReturn, totalHold) +
    `</tbody></table><p class="muted">PnL in quote currency${quote ? ` (${esc(quote)})` : ''}, fees included; ` +
    'return = net PnL / capital, capital = stake × series (one position at a time per series); ' +
    'buy &amp; hold = the same period held: first open → last close (TOTAL: the mean over the series); profit factor – = no losing trade; ' +
    'max drawdown = largest fall of cumulative closed-trade PnL from a previous peak (starting at 0), a positive amount.</p>';

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
    `<p class="meta">net profit <b class="${signed(s.netProfit)}">${esc(formatAmount(s.netProfit, quote, { sign: true }).replace('-', '−'))}</b> ` +
    `(return <b class="${signed(totalReturn)}">${esc(pctS(totalReturn))}</b>; buy &amp; hold <b class="${signed(totalHold)}">${esc(pctS(totalHold))}</b>) over ${s.trades} trade(s); ` +
    `max drawdown <b>${esc(formatAmount(s.maxDrawdown, quote))}</b></p>` +
    `${equityChartSvg(combined.equity, lines, from, to, num)}${equityLegend}</section>`;

  const perSeries = input.series.map((ser, k) => {
    const r = ser.result;
    const label = names[k]!;
    const lines = ser.lines ?? [];
    const chart = candleChartSvg(ser.candles, r.trades, label, num, Math.min(max, OVERVIEW_CANDLES), { lines });
    const size = chart.layout.buckets.size;
    const ret = strategyReturn(r.summary.netProfit, input.stake, 1);
    const notes = [
      `${r.summary.candles} candles`,
      size > 1 ? `drawn as ${chart.layout.buckets.time.length} candles of ${size} × ${r.timeframe} each (OHLC aggregated; zoom below for full resolution)` : '',
      ser.gaps ? `${ser.gaps} gap(s) in the data, rows used as given (not drawn as space)` : '',
      ser.path !== undefined ? `file ${ser.path}` : '',
    ].filter(Boolean);
    const sq = commonQuote([r.symbol]);
    return (
      `<section class="card series" data-symbol="${esc(r.symbol)}"><h2 style="margin-top:0">${esc(label)}</h2>` +
      `<p class="meta">${r.summary.trades} trade(s), net <b class="${signed(r.summary.netProfit)}">${esc(formatAmount(r.summary.netProfit, sq, { sign: true }).replace('-', '−'))}</b>, ` +
      `return <b class="${signed(ret)}">${esc(pctS(ret))}</b> vs buy &amp; hold <b class="${signed(holds[k]!)}" data-buy-hold="">${esc(pctS(holds[k]!))}</b>; ` +
      `exits: ${esc(exitCounts(r.trades))}</p><p class="meta muted">${esc(notes.join(' · '))}</p>` +
      `<div class="chart">${chart.axis}<div class="scroll">${chart.chart}</div></div>${legendCandles(lines)}` +
      zoomWindows(ser, label, num, lines) +
      `<h3>Trades</h3>${tradeTable(r.trades, input.stake, sq)}</section>`
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

/** Buy-and-hold return of the candles (first open → last close), for results built without it. */
function buyAndHoldOf(c: Candles): number | null {
  const n = c.close.length;
  return n > 0 && c.open[0]! > 0 ? c.close[n - 1]! / c.open[0]! - 1 : null;
}

/**
 * Zoom instead of horizontal scrolling: full-resolution windows (≤ OVERVIEW_CANDLES candles)
 * around consecutive runs of trades, each in a closed <details> (no script). At most
 * MAX_ZOOM_WINDOWS per series; every trade of a window is drawn with its markers, stop and target.
 */
function zoomWindows(ser: HtmlSeries, label: string, fmtNum: (x: number) => string, lines: readonly PriceLine[]): string {
  const c = ser.candles;
  const n = c.time.length;
  const trades = ser.result.trades;
  if (n === 0 || trades.length === 0) return '';
  const PAD = 10;
  const windows: { from: number; to: number; first: number; last: number }[] = [];
  for (let k = 0; k < trades.length; ) {
    const from = Math.max(0, candleIndexAt(c.time, trades[k]!.entryTime) - PAD);
    let to = Math.min(n - 1, candleIndexAt(c.time, trades[k]!.exitTime) + PAD);
    let last = k;
    while (last + 1 < trades.length) {
      const end = Math.min(n - 1, candleIndexAt(c.time, trades[last + 1]!.exitTime) + PAD);
      if (end - from + 1 > OVERVIEW_CANDLES) break;
      last++;
      to = Math.max(to, end);
    }
    windows.push({ from, to, first: k, last });
    k = last + 1;
  }
  const shown = windows.slice(0, MAX_ZOOM_WINDOWS);
  const slice = <T extends ArrayLike<number>>(a: T, w: { from: number; to: number }): number[] => Array.prototype.slice.call(a, w.from, w.to + 1) as number[];
  const parts = shown.map((w) => {
    const sub: Candles = { time: slice(c.time, w), open: slice(c.open, w), high: slice(c.high, w), low: slice(c.low, w), close: slice(c.close, w), volume: slice(c.volume, w) };
    const subLines = lines.map((l) => ({ name: l.name, values: slice(l.values, w) }));
    const z = candleChartSvg(sub, trades.slice(w.first, w.last + 1), `${label} zoom`, fmtNum, MAX_CHART_CANDLES, {
      lines: subLines,
      svgClass: 'candles zoom',
      tradeClass: 'ztrade',
      tradeOffset: w.first,
    });
    const summary = `zoom: ${utc(c.time[w.from]!)} → ${utc(c.time[w.to]!)} UTC, trades ${w.first + 1}–${w.last + 1} (${w.to - w.from + 1} candles)`;
    return `<details class="zoom"><summary>${esc(summary)}</summary><div class="chart">${z.axis}<div class="scroll">${z.chart}</div></div></details>`;
  });
  const more = windows.length > shown.length ? `<p class="muted">${windows.length - shown.length} more zoom window(s) not drawn (first ${shown.length} shown).</p>` : '';
  return parts.join('') + more;
}
