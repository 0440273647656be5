/**
 * Server-side SVG charts of the HTML backtest report (report-html.ts): the
 * per-symbol candlestick chart with trade markers (the equity curve lives in report-html-equity.ts,
 * shared SVG helpers in report-html-svg.ts). Pure string building, no DOM, no script.
 *
 * Candles are downsampled by OHLC aggregation: a series of n candles is cut into consecutive
 * buckets of `ceil(n / MAX_CHART_CANDLES)` candles (open of the first, max high, min low, close of
 * the last), so a chart never draws more than MAX_CHART_CANDLES candles. The x axis is the
 * candle index (gaps in the data are not drawn as empty space); a trade marker sits on the
 * centre of the bucket that holds its entry/exit candle, at its fill price. A chart wider than
 * the page scrolls horizontally, its price axis stays in place beside it.
 */
import type { Candles } from '../core/candle.js';
import { DAY, esc, niceTicks, r, tickLabel, timeStep, timeTickLabel, utc } from './report-html-svg.js';
import type { Trade } from './types.js';
import { candleIndexAt, downsampleOhlc, MAX_CHART_CANDLES, type OhlcBuckets } from './report-html-ohlc.js';

export { esc, niceTicks, tickLabel, utc } from './report-html-svg.js';
export { candleIndexAt, downsampleOhlc, MAX_CHART_CANDLES, type OhlcBuckets } from './report-html-ohlc.js';
export { equityChartSvg, maxDrawdownOf, type Drawdown, type EquityLine } from './report-html-equity.js';


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

/** An indicator line on the price scale, aligned to the candles (NaN = no value). */
export interface PriceLine {
  readonly name: string;
  readonly values: ArrayLike<number>;
}

/** Line colours of the strategy's indicator lines, in order. */
export const LINE_COLORS = ['#2563eb', '#f59e0b', '#7c3aed', '#0d9488', '#db2777', '#65a30d'];

/** Marker clustering: trades whose entries fall in the same column of this many px share one drawn marker (with a count). */
export const CLUSTER_PX = 8;

export function candleChartLayout(candles: Candles, trades: readonly Trade[], max: number = MAX_CHART_CANDLES, lines: readonly PriceLine[] = []): CandleChartLayout {
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
    for (const level of [t.stop, t.target]) {
      if (level !== undefined && Number.isFinite(level)) {
        lo = Math.min(lo, level);
        hi = Math.max(hi, level);
      }
    }
  }
  for (const l of lines)
    for (let i = 0; i < l.values.length; i++) {
      const v = l.values[i]!;
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
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
export interface CandleChartOptions {
  /** The strategy's indicator lines (aligned to `candles`): drawn at each bucket's last candle. */
  readonly lines?: readonly PriceLine[];
  /** Class of the <svg> (default "candles"; zoom windows use "candles zoom"). */
  readonly svgClass?: string;
  /** Class prefix of each trade group (default "trade"). */
  readonly tradeClass?: string;
  /** Number added to each trade's index in data-trade (zoom windows: the first trade's index in the series). */
  readonly tradeOffset?: number;
}

export function candleChartSvg(
  candles: Candles,
  trades: readonly Trade[],
  label: string,
  fmtNum: (x: number) => string,
  max: number = MAX_CHART_CANDLES,
  opts: CandleChartOptions = {},
): CandleChartSvg {
  const G = CANDLE_CHART;
  const priceLines = opts.lines ?? [];
  const L = candleChartLayout(candles, trades, max, priceLines);
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

  // Indicator lines: the value at each bucket's last candle; a NaN breaks the line.
  const lineSvg = priceLines
    .map((l, k) => {
      let d = '';
      let pen = false;
      for (let j = 0; j < count; j++) {
        const i = Math.min(candles.time.length, (j + 1) * b.size) - 1;
        const v = l.values[i]!;
        if (!Number.isFinite(v)) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${r(L.x(j))} ${r(L.y(v))}`;
        pen = true;
      }
      return d ? `<path class="ind" data-line="${esc(l.name)}" stroke="${LINE_COLORS[k % LINE_COLORS.length]}" d="${d}"><title>${esc(l.name)}</title></path>` : '';
    })
    .join('');

  // Trades: stop (red) and target (green) segments from entry to exit, link line, entry
  // triangle (▲ long, tip at the entry price; ▼ short), exit ✕. Entries in the same
  // CLUSTER_PX column are thinned: only the first draws its triangle, with the count.
  const columns = new Map<number, number>();
  for (const m of L.markers) {
    const c = Math.floor(m.x1 / CLUSTER_PX);
    columns.set(c, (columns.get(c) ?? 0) + 1);
  }
  const drawn = new Set<number>();
  const cls0 = opts.tradeClass ?? 'trade';
  const offset = opts.tradeOffset ?? 0;
  const marks = L.markers.map((m) => {
    const t = trades[m.trade]!;
    const cls = outcome(t.pnl);
    const col = Math.floor(m.x1 / CLUSTER_PX);
    const n = columns.get(col)!;
    const first = !drawn.has(col);
    drawn.add(col);
    const tri = t.side === 'long' ? `M${m.x1} ${m.y1}l-5 9h10z` : `M${m.x1} ${m.y1}l-5 -9h10z`;
    const levels =
      (t.stop !== undefined && Number.isFinite(t.stop) ? `<path class="stop" d="M${m.x1} ${r(L.y(t.stop))}H${Math.max(m.x2, m.x1 + 4)}"/>` : '') +
      (t.target !== undefined && Number.isFinite(t.target) ? `<path class="target" d="M${m.x1} ${r(L.y(t.target))}H${Math.max(m.x2, m.x1 + 4)}"/>` : '');
    const tip =
      `${t.side} ${fmtNum(t.entryPrice)} → ${fmtNum(t.exitPrice)} (${t.exitNote === undefined ? t.exitReason : `${t.exitReason}: ${t.exitNote}`}), pnl ${fmtNum(t.pnl)}` +
      (t.stop !== undefined ? `, stop ${fmtNum(t.stop)}` : '') +
      (t.target !== undefined ? `, target ${fmtNum(t.target)}` : '') +
      `\n${utc(t.entryTime)} → ${utc(t.exitTime)} UTC, ${t.bars} bar(s)` +
      (n > 1 ? `\n${n} trades enter in this column (one marker drawn)` : '');
    const entry = first
      ? `<path class="entry ${t.side}" d="${tri}"/>` + (n > 1 ? `<text class="count" x="${r(m.x1 + 6)}" y="${r(t.side === 'long' ? m.y1 + 14 : m.y1 - 8)}">${n}</text>` : '')
      : '';
    return (
      `<g class="${cls0} ${cls}" data-trade="${m.trade + offset}" data-x1="${m.x1}" data-x2="${m.x2}"><title>${esc(tip)}</title>` +
      levels +
      `<path class="link" d="M${m.x1} ${m.y1}L${m.x2} ${m.y2}"/>` +
      entry +
      `<path class="exit" d="M${r(m.x2 - 4)} ${r(m.y2 - 4)}l8 8m0 -8l-8 8"/></g>`
    );
  });

  const chart =
    `<svg class="${opts.svgClass ?? 'candles'}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `role="img" aria-label="${esc(`${label} candles`)}" data-candles="${count}" data-bucket="${b.size}">` +
    `<path class="grid" d="${grid}"/>${xTicks.join('')}` +
    `<path class="axis" d="M${G.padLeft} ${plotBottom}H${width - G.padRight}"/>` +
    `<path class="up" d="${up.join('')}"/><path class="down" d="${down.join('')}"/>${lineSvg}` +
    `<g class="trades">${marks.join('')}</g></svg>`;
  const axis =
    `<svg class="yaxis${opts.svgClass && opts.svgClass !== 'candles' ? ' zoom' : ''}" width="${G.axisWidth}" height="${height}" viewBox="0 0 ${G.axisWidth} ${height}" aria-hidden="true">` +
    `<path class="axis" d="M${G.axisWidth - 1} ${G.padTop}V${plotBottom}"/>${axisLabels}</svg>`;
  return { axis, chart, layout: L };
}
