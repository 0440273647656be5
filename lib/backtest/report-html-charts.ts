/**
 * Server-side SVG charts of the HTML backtest report (report-html.ts): the equity curve and the
 * per-symbol candlestick chart with trade markers. Pure string building, no DOM, no script.
 *
 * Candles are downsampled by OHLC aggregation: a series of n candles is cut into consecutive
 * buckets of `ceil(n / MAX_CHART_CANDLES)` candles (open of the first, max high, min low, close of
 * the last), so a chart never draws more than MAX_CHART_CANDLES candles. The x axis is the
 * candle index (gaps in the data are not drawn as empty space); a trade marker sits on the
 * centre of the bucket that holds its entry/exit candle, at its fill price. A chart wider than
 * the page scrolls horizontally, its price axis stays in place beside it.
 */
import type { Candles } from '../core/candle.js';
import type { EquityPoint, Trade } from './types.js';

/** Upper bound on the candles drawn per chart (after aggregation). */
export const MAX_CHART_CANDLES = 1500;

/** Candlestick chart geometry (px). */
export const CANDLE_CHART = {
  /** Width given to a bucket when the series is long; a short series gets wider slots. */
  minSlot: 4,
  maxSlot: 16,
  /** A series is stretched to at least this plot width (when that keeps slots ≤ maxSlot). */
  minPlotWidth: 1150,
  /** Space before the first candle. */
  padLeft: 8,
  padRight: 16,
  padTop: 12,
  plotHeight: 380,
  padBottom: 28,
  axisWidth: 76,
} as const;

const EQUITY_CHART = { width: 1240, height: 320, padLeft: 76, padRight: 20, padTop: 36, padBottom: 28 } as const;

export const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));

/** A coordinate rounded to 0.1 px. */
const r = (v: number): number => Math.round(v * 10) / 10;

export interface OhlcBuckets {
  /** Source candles per bucket (the last bucket may hold fewer). */
  readonly size: number;
  /** Open time of each bucket's first candle. */
  readonly time: number[];
  readonly open: number[];
  readonly high: number[];
  readonly low: number[];
  readonly close: number[];
}

/** OHLC aggregation of consecutive candles into at most `max` buckets. */
export function downsampleOhlc(c: Candles, max: number = MAX_CHART_CANDLES): OhlcBuckets {
  const n = c.time.length;
  const size = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(max))));
  const out: OhlcBuckets = { size, time: [], open: [], high: [], low: [], close: [] };
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    let hi = -Infinity;
    let lo = Infinity;
    for (let i = start; i < end; i++) {
      if (c.high[i]! > hi) hi = c.high[i]!;
      if (c.low[i]! < lo) lo = c.low[i]!;
    }
    out.time.push(c.time[start]!);
    out.open.push(c.open[start]!);
    out.high.push(hi);
    out.low.push(lo);
    out.close.push(c.close[end - 1]!);
  }
  return out;
}

/** Index of the last candle whose open time is ≤ t (0 when t precedes every candle). */
export function candleIndexAt(time: readonly number[], t: number): number {
  let lo = 0;
  let hi = time.length - 1;
  if (hi < 0 || t < time[0]!) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (time[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** About `target` round ticks (1, 2, 5 × 10^k) covering [min, max]. */
export function niceTicks(min: number, max: number, target: number): { ticks: number[]; step: number } {
  if (!(max > min)) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.01 : 1;
    return niceTicks(min - pad, max + pad, target);
  }
  const raw = (max - min) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return { ticks, step };
}

/** A tick label with just enough decimals for the step. */
export function tickLabel(v: number, step: number): string {
  const decimals = Math.min(12, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
  const s = (v === 0 ? 0 : v).toFixed(decimals);
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const TIME_STEPS = [MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY, 91 * DAY, 364 * DAY];

/** The smallest round time step that is at least `minMs` long. */
function timeStep(minMs: number): number {
  return TIME_STEPS.find((s) => s >= minMs) ?? Math.ceil(minMs / (364 * DAY)) * 364 * DAY;
}

/** UTC `YYYY-MM-DD HH:MM`. */
export const utc = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

function timeTickLabel(t: number, step: number): string {
  const iso = new Date(t).toISOString();
  if (step >= DAY || t % DAY === 0) return step >= 28 * DAY ? iso.slice(0, 10) : iso.slice(5, 10);
  return iso.slice(11, 16);
}

// ---------------------------------------------------------------------------------------------
// Candlestick chart

export interface TradeMarker {
  /** Index of the trade in the list given. */
  readonly trade: number;
  /** Bucket (drawn candle) of the entry / exit. */
  readonly entryBucket: number;
  readonly exitBucket: number;
  /** x of the entry / exit bucket centre, y of the fill prices (px, chart coordinates). */
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export interface CandleChartLayout {
  readonly buckets: OhlcBuckets;
  readonly slot: number;
  readonly width: number;
  readonly height: number;
  readonly yMin: number;
  readonly yMax: number;
  /** Price → y (px). */
  readonly y: (price: number) => number;
  /** Bucket index → x of its centre (px). */
  readonly x: (bucket: number) => number;
  readonly markers: TradeMarker[];
}

export function candleChartLayout(candles: Candles, trades: readonly Trade[], max: number = MAX_CHART_CANDLES): CandleChartLayout {
  const G = CANDLE_CHART;
  const buckets = downsampleOhlc(candles, max);
  const count = buckets.time.length;
  const slot = Math.min(G.maxSlot, Math.max(G.minSlot, G.minPlotWidth / Math.max(1, count)));
  const width = Math.ceil(G.padLeft + count * slot + G.padRight);
  const height = G.padTop + G.plotHeight + G.padBottom;
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < count; j++) {
    if (buckets.low[j]! < lo) lo = buckets.low[j]!;
    if (buckets.high[j]! > hi) hi = buckets.high[j]!;
  }
  for (const t of trades) {
    lo = Math.min(lo, t.entryPrice, t.exitPrice);
    hi = Math.max(hi, t.entryPrice, t.exitPrice);
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  const pad = hi > lo ? (hi - lo) * 0.04 : Math.abs(hi) * 0.01 || 1;
  const yMin = lo - pad;
  const yMax = hi + pad;
  const y = (p: number): number => G.padTop + ((yMax - p) / (yMax - yMin)) * G.plotHeight;
  const x = (j: number): number => G.padLeft + j * slot + slot / 2;
  const markers = trades.map((t, k): TradeMarker => {
    const entryBucket = Math.floor(candleIndexAt(candles.time, t.entryTime) / buckets.size);
    const exitBucket = Math.floor(candleIndexAt(candles.time, t.exitTime) / buckets.size);
    return { trade: k, entryBucket, exitBucket, x1: r(x(entryBucket)), y1: r(y(t.entryPrice)), x2: r(x(exitBucket)), y2: r(y(t.exitPrice)) };
  });
  return { buckets, slot, width, height, yMin, yMax, y, x, markers };
}

export interface CandleChartSvg {
  /** The fixed price axis (left of the scrolling chart). */
  readonly axis: string;
  /** The chart itself. */
  readonly chart: string;
  readonly layout: CandleChartLayout;
}

const outcome = (pnl: number): 'win' | 'loss' | 'flat' => (pnl > 0 ? 'win' : pnl < 0 ? 'loss' : 'flat');

/**
 * The candlestick chart of one series with its trades. `fmtNum` formats prices and PnL in the
 * tooltips; `label` names the series (escaped here).
 */
export function candleChartSvg(candles: Candles, trades: readonly Trade[], label: string, fmtNum: (x: number) => string, max: number = MAX_CHART_CANDLES): CandleChartSvg {
  const G = CANDLE_CHART;
  const L = candleChartLayout(candles, trades, max);
  const { buckets: b, slot, width, height } = L;
  const count = b.time.length;
  const plotBottom = G.padTop + G.plotHeight;
  const { ticks, step } = niceTicks(L.yMin, L.yMax, 8);
  const yTicks = ticks.filter((v) => v >= L.yMin && v <= L.yMax);

  // Price grid (in the chart) and labels (in the fixed axis).
  const grid = yTicks.map((v) => `M${G.padLeft} ${r(L.y(v))}H${width - G.padRight}`).join('');
  const axisLabels = yTicks
    .map((v) => `<text x="${G.axisWidth - 8}" y="${r(L.y(v)) + 4}" text-anchor="end">${esc(tickLabel(v, step))}</text>`)
    .join('');

  // Time ticks: at round time boundaries, at least ~110 px apart.
  const span = count > 1 ? (b.time[count - 1]! - b.time[0]!) / (count - 1) : DAY;
  const tStep = timeStep((110 / slot) * span);
  const xTicks: string[] = [];
  let lastX = -Infinity;
  for (let j = 1; j < count; j++) {
    const bound = Math.floor(b.time[j]! / tStep);
    if (bound === Math.floor(b.time[j - 1]! / tStep)) continue;
    const xt = G.padLeft + j * slot;
    if (xt - lastX < 70 || xt > width - G.padRight - 30) continue;
    lastX = xt;
    xTicks.push(
      `<path class="tick" d="M${r(xt)} ${G.padTop}V${plotBottom + 4}"/>` +
        `<text x="${r(xt)}" y="${plotBottom + 18}" text-anchor="middle">${esc(timeTickLabel(bound * tStep, tStep))}</text>`,
    );
  }

  // Candles: one path for up wicks+bodies and one for down, to keep the file small.
  const body = Math.max(1, Math.round(slot * 0.7) - (Math.round(slot * 0.7) % 2 === 0 && slot > 2 ? 1 : 0));
  const up: string[] = [];
  const down: string[] = [];
  for (let j = 0; j < count; j++) {
    const o = b.open[j]!;
    const c = b.close[j]!;
    const xc = r(L.x(j));
    const top = L.y(Math.max(o, c));
    const bottom = L.y(Math.min(o, c));
    const h = Math.max(1, bottom - top);
    const d = `M${xc} ${r(L.y(b.high[j]!))}V${r(L.y(b.low[j]!))}M${r(xc - body / 2)} ${r(top)}h${body}v${r(h)}h${-body}z`;
    (c >= o ? up : down).push(d);
  }

  // Trades: link line, entry triangle (▲ long, tip at the entry price; ▼ short), exit ✕.
  const marks = L.markers.map((m) => {
    const t = trades[m.trade]!;
    const cls = outcome(t.pnl);
    const tri = t.side === 'long' ? `M${m.x1} ${m.y1}l-5 9h10z` : `M${m.x1} ${m.y1}l-5 -9h10z`;
    const tip =
      `${t.side} ${fmtNum(t.entryPrice)} → ${fmtNum(t.exitPrice)} (${t.exitReason}), pnl ${fmtNum(t.pnl)}\n` +
      `${utc(t.entryTime)} → ${utc(t.exitTime)} UTC, ${t.bars} bar(s)`;
    return (
      `<g class="trade ${cls}" data-trade="${m.trade}" data-x1="${m.x1}" data-x2="${m.x2}"><title>${esc(tip)}</title>` +
      `<path class="link" d="M${m.x1} ${m.y1}L${m.x2} ${m.y2}"/>` +
      `<path class="entry ${t.side}" d="${tri}"/>` +
      `<path class="exit" d="M${r(m.x2 - 4)} ${r(m.y2 - 4)}l8 8m0 -8l-8 8"/></g>`
    );
  });

  const chart =
    `<svg class="candles" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `role="img" aria-label="${esc(`${label} candles`)}" data-candles="${count}" data-bucket="${b.size}">` +
    `<path class="grid" d="${grid}"/>${xTicks.join('')}` +
    `<path class="axis" d="M${G.padLeft} ${plotBottom}H${width - G.padRight}"/>` +
    `<path class="up" d="${up.join('')}"/><path class="down" d="${down.join('')}"/>` +
    `<g class="trades">${marks.join('')}</g></svg>`;
  const axis =
    `<svg class="yaxis" width="${G.axisWidth}" height="${height}" viewBox="0 0 ${G.axisWidth} ${height}" aria-hidden="true">` +
    `<path class="axis" d="M${G.axisWidth - 1} ${G.padTop}V${plotBottom}"/>${axisLabels}</svg>`;
  return { axis, chart, layout: L };
}

// ---------------------------------------------------------------------------------------------
// Equity curve

export interface Drawdown {
  /** Index into [start, ...points] (0 = the starting 0 before any trade). */
  readonly peak: number;
  readonly trough: number;
  readonly amount: number;
}

/** The largest peak-to-trough fall of the curve, starting from 0 (null when it never falls). */
export function maxDrawdownOf(points: readonly EquityPoint[]): Drawdown | null {
  let peak = 0;
  let peakValue = 0;
  let best: Drawdown | null = null;
  for (let k = 0; k < points.length; k++) {
    const v = points[k]!.equity;
    if (v > peakValue) {
      peakValue = v;
      peak = k + 1;
    }
    const dd = peakValue - v;
    if (dd > 0 && (best === null || dd > best.amount)) best = { peak, trough: k + 1, amount: dd };
  }
  return best;
}

export interface EquityLine {
  readonly label: string;
  readonly points: readonly EquityPoint[];
  readonly color: string;
}

/**
 * Cumulative closed-trade PnL over [from, to] as a step line (the total, plus one thin line per
 * series when there are several), with the total's max drawdown shaded and labelled.
 */
export function equityChartSvg(total: readonly EquityPoint[], lines: readonly EquityLine[], from: number, to: number, fmtNum: (x: number) => string): string {
  const E = EQUITY_CHART;
  const all = [total, ...lines.map((l) => l.points)];
  let lo = 0;
  let hi = 0;
  let tMin = from;
  let tMax = to;
  for (const pts of all)
    for (const p of pts) {
      if (p.equity < lo) lo = p.equity;
      if (p.equity > hi) hi = p.equity;
      if (p.time < tMin) tMin = p.time;
      if (p.time > tMax) tMax = p.time;
    }
  if (!(tMax > tMin)) tMax = tMin + DAY;
  const pad = hi > lo ? (hi - lo) * 0.06 : 1;
  const yMin = lo - pad;
  const yMax = hi + pad;
  const plotW = E.width - E.padLeft - E.padRight;
  const plotH = E.height - E.padTop - E.padBottom;
  const x = (t: number): number => r(E.padLeft + ((t - tMin) / (tMax - tMin)) * plotW);
  const y = (v: number): number => r(E.padTop + ((yMax - v) / (yMax - yMin)) * plotH);
  const bottom = E.padTop + plotH;
  const right = E.padLeft + plotW;

  const { ticks, step } = niceTicks(yMin, yMax, 6);
  const yT = ticks.filter((v) => v >= yMin && v <= yMax);
  const grid = yT.map((v) => `M${E.padLeft} ${y(v)}H${right}`).join('');
  const yLabels = yT.map((v) => `<text x="${E.padLeft - 8}" y="${y(v) + 4}" text-anchor="end">${esc(tickLabel(v, step))}</text>`).join('');
  const tStep = timeStep((90 / plotW) * (tMax - tMin));
  const xLabels: string[] = [];
  for (let k = Math.ceil(tMin / tStep); k * tStep <= tMax; k++) {
    const xt = x(k * tStep);
    if (xt < E.padLeft + 20 || xt > right - 20) continue;
    xLabels.push(`<path class="tick" d="M${xt} ${E.padTop}V${bottom + 4}"/><text x="${xt}" y="${bottom + 18}" text-anchor="middle">${esc(timeTickLabel(k * tStep, tStep))}</text>`);
  }

  const step1 = (pts: readonly EquityPoint[]): string => {
    let d = `M${x(tMin)} ${y(0)}`;
    for (const p of pts) d += `H${x(p.time)}V${y(p.equity)}`;
    return `${d}H${x(tMax)}`;
  };

  let ddMark = '';
  const dd = maxDrawdownOf(total);
  if (dd !== null) {
    const at = (k: number): EquityPoint => (k === 0 ? { time: tMin, equity: 0 } : total[k - 1]!);
    const p = at(dd.peak);
    const t = at(dd.trough);
    const x1 = x(p.time);
    const x2 = Math.max(x(t.time), x1 + 2);
    // The label sits above the plot, centred over the drawdown's time span, with a bracket.
    const mid = Math.min(Math.max((x1 + x2) / 2, E.padLeft + 110), right - 110);
    const top = E.padTop - 8;
    ddMark =
      `<g class="dd"><title>${esc(`max drawdown ${fmtNum(dd.amount)}: ${utc(p.time)} → ${utc(t.time)} UTC`)}</title>` +
      `<rect x="${x1}" y="${y(p.equity)}" width="${r(x2 - x1)}" height="${r(y(t.equity) - y(p.equity))}"/>` +
      `<path d="M${x1} ${y(p.equity)}H${x2}M${x2} ${y(p.equity)}V${y(t.equity)}"/>` +
      `<path class="bracket" d="M${x1} ${top + 4}V${top}H${x2}V${top + 4}"/>` +
      `<text x="${r(mid)}" y="${top - 4}" text-anchor="middle">max drawdown −${esc(fmtNum(dd.amount))}</text></g>`;
  }

  const thin = lines.map((l) => `<path class="series" stroke="${esc(l.color)}" d="${step1(l.points)}"><title>${esc(l.label)}</title></path>`).join('');
  return (
    `<svg class="equity" width="${E.width}" height="${E.height}" viewBox="0 0 ${E.width} ${E.height}" role="img" aria-label="equity curve">` +
    `<path class="grid" d="${grid}"/>${xLabels.join('')}<path class="zero" d="M${E.padLeft} ${y(0)}H${right}"/>` +
    `<path class="axis" d="M${E.padLeft} ${E.padTop}V${bottom}H${right}"/>${yLabels}${ddMark}${thin}` +
    `<path class="total" d="${step1(total)}"><title>total</title></path></svg>`
  );
}
