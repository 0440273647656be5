/**
 * Pure part of the chart: the price range, the label formats and the ECharts option for a
 * validated `ChartSpec`. Dark theme, UTC time labels ("Time (UTC)" axis), price axis on the
 * right, indicator lines with a legend, volume bars in the bottom quarter of the price grid,
 * indicator panes (RSI, MACD) in their own grids under the price, and levels (entry blue, stop
 * red, target green, exit grey) with labels. The y-range always contains every level (ECharts
 * would otherwise clip a level outside the candles silently).
 *
 * Levels and markers:
 * - a spec without `markers` (older messages): every level is a line across the chart;
 * - with markers: the signal candle gets an arrow ("LONG signal" / "SHORT signal"); entry and
 *   exit markers replace the entry / exit lines; the remaining levels are segments from the
 *   entry marker (else the last sixth of the window) to the last candle.
 * Every number drawn is plain decimal (never `e` notation).
 */
import type { ChartSpec } from '../core/notification.js';
import { CHART_FONT_FAMILY } from './font.js';
import { dejaVuTextWidth } from './text-width.js';
import { levelsAndMarkers } from './levels-option.js';
import { paneOption } from './pane-option.js';
import { CHART_THEME, formatIndicator } from './theme.js';

export { CHART_THEME, formatIndicator } from './theme.js';


export interface PriceRange {
  readonly min: number;
  readonly max: number;
}

/**
 * The y-axis range: every candle's low/high, every line value and every level, padded by
 * `pad` of the span on each side (a flat series gets ±0.5 % of its price, or ±1 at zero).
 */
export function priceRange(spec: ChartSpec, pad = 0.04): PriceRange {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  const take = (v: number | null | undefined): void => {
    if (v === null || v === undefined || !Number.isFinite(v)) return;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  };
  for (const c of spec.candles) {
    take(c[2]);
    take(c[3]);
  }
  for (const l of spec.lines) for (const v of l.values) take(v);
  take(spec.levels.entry);
  take(spec.levels.stop);
  take(spec.levels.target);
  take(spec.levels.exit);
  let span = hi - lo;
  if (!(span > 0)) span = Math.abs(hi) * 0.01 || 2;
  return { min: lo - span * pad, max: hi + span * pad };
}

/** Decimals for price labels: the spec's, else enough for ~5 significant digits of `ref`. */
export function priceDecimalsFor(spec: ChartSpec, ref: number): number {
  if (spec.priceDecimals !== undefined) return spec.priceDecimals;
  const mag = Math.floor(Math.log10(Math.abs(ref) || 1));
  return Math.min(12, Math.max(0, 4 - mag));
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** UTC label for a candle open time: `MM-DD HH:mm` intraday, `YYYY-MM-DD` for daily candles. */
export function formatTimeUtc(t: number, timeframeMs: number): string {
  const d = new Date(t);
  const date = `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  if (timeframeMs >= 86_400_000) return `${d.getUTCFullYear()}-${date}`;
  return `${date} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

/** Extra height per indicator pane when the caller gives no height (lib/chart/render.ts). */
export const PANE_EXTRA_HEIGHT = 150;

const X_AXIS_NAME = 'Time (UTC)';

/** The ECharts option (plain JSON-like object) for a validated spec. */
export function buildChartOption(spec: ChartSpec, size: ChartSize): Record<string, unknown> {
  const range = priceRange(spec);
  const decimals = priceDecimalsFor(spec, range.max);
  const fmt = (v: number): string => v.toFixed(decimals);
  const textStyle = { fontFamily: CHART_FONT_FAMILY, color: CHART_THEME.text };
  const fontSize = size.width >= 800 ? 13 : 11;
  const panes = spec.panes ?? [];

  // Room for the widest label on the right axes (price, and every pane's values).
  const labelFont = `${fontSize - 1}px`;
  const paneLabelSamples: string[] = [];
  for (const p of panes) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const x of p.series) for (const v of x.values) if (v !== null) ((lo = Math.min(lo, v)), (hi = Math.max(hi, v)));
    for (const v of [lo, hi, ...(p.levels ?? [])]) if (Number.isFinite(v)) paneLabelSamples.push(formatIndicator(v));
  }
  const axisWidth =
    Math.ceil(Math.max(...[fmt(range.max), fmt(range.min), ...paneLabelSamples].map((t) => dejaVuTextWidth(t, labelFont)))) + 16;

  // Layout: title/legend, price grid, then one grid per pane, then the time axis.
  const top = 44;
  const bottom = 50; // time labels + axis name
  const gap = 26; // between grids: room for a pane's legend
  const paneHeight = panes.length === 0 ? 0 : Math.max(60, Math.round((size.height - top - bottom) * (panes.length === 1 ? 0.24 : 0.2)));
  const priceBottom = bottom + panes.length * (paneHeight + gap);
  const grids: Record<string, number>[] = [{ left: 40, right: axisWidth, top, bottom: priceBottom }];
  panes.forEach((_, i) => {
    grids.push({ left: 40, right: axisWidth, top: size.height - priceBottom + gap + i * (paneHeight + gap), height: paneHeight });
  });
  const lastGrid = grids.length - 1;

  const categories = spec.candles.map((c) => formatTimeUtc(c[0], spec.timeframeMs));
  const xAxis = grids.map((_, g) => ({
    type: 'category',
    gridIndex: g,
    data: categories,
    boundaryGap: true,
    axisLine: { lineStyle: { color: CHART_THEME.grid } },
    axisTick: { show: false },
    axisLabel: { ...textStyle, show: g === lastGrid, color: CHART_THEME.muted, fontSize: fontSize - 1, hideOverlap: true },
    splitLine: { show: true, lineStyle: { color: CHART_THEME.grid } },
    ...(g === lastGrid ? { name: X_AXIS_NAME, nameLocation: 'middle', nameGap: 26, nameTextStyle: { ...textStyle, color: CHART_THEME.muted, fontSize: fontSize - 1 } } : {}),
  }));

  const { levelData, markPointData, signalIndex } = levelsAndMarkers(spec, fmt, fontSize);

  const lineSeries = spec.lines.map((l, i) => ({
    name: l.name,
    type: 'line',
    data: l.values,
    showSymbol: false,
    symbol: 'none',
    connectNulls: false,
    silent: true,
    lineStyle: { width: 1.5, color: CHART_THEME.lines[i % CHART_THEME.lines.length] },
    itemStyle: { color: CHART_THEME.lines[i % CHART_THEME.lines.length] },
    z: 3,
  }));

  const yAxisBase = {
    type: 'value',
    position: 'right',
    axisLine: { show: false },
    splitLine: { lineStyle: { color: CHART_THEME.grid } },
  };
  const yAxis: Record<string, unknown>[] = [
    {
      ...yAxisBase,
      gridIndex: 0,
      scale: true,
      min: range.min,
      max: range.max,
      splitNumber: panes.length === 0 ? 6 : 5,
      axisLabel: { ...textStyle, color: CHART_THEME.muted, fontSize: fontSize - 1, formatter: fmt, showMinLabel: false, showMaxLabel: false },
    },
  ];
  const series: Record<string, unknown>[] = [
    {
      name: 'price',
      type: 'candlestick',
      xAxisIndex: 0,
      yAxisIndex: 0,
      data: spec.candles.map((c) => [c[1], c[4], c[3], c[2]]),
      silent: true,
      barMaxWidth: 12,
      itemStyle: { color: CHART_THEME.up, color0: CHART_THEME.down, borderColor: CHART_THEME.up, borderColor0: CHART_THEME.down },
      // precision: ECharts' markLine default (2) ROUNDS the level values: on a 0.09 price the
      // entry 0.0945 became 0.09, outside the axis, and the line silently vanished.
      markLine: levelData.length === 0 ? undefined : { symbol: 'none', silent: true, animation: false, precision: 20, data: levelData },
      markPoint: markPointData.length === 0 ? undefined : { silent: true, animation: false, data: markPointData },
      z: 2,
    },
    ...lineSeries,
  ];

  // Volume: bars in the bottom quarter of the price grid, on a hidden axis of their own.
  if (spec.volume !== undefined) {
    const maxVolume = Math.max(0, ...spec.volume.map((v) => v ?? 0));
    yAxis.push({ type: 'value', gridIndex: 0, show: false, min: 0, max: maxVolume > 0 ? maxVolume * 4 : 1, splitLine: { show: false } });
    series.push({
      name: 'Volume',
      type: 'bar',
      xAxisIndex: 0,
      yAxisIndex: yAxis.length - 1,
      silent: true,
      barMaxWidth: 12,
      data: spec.volume.map((v, i) => ({
        value: v,
        itemStyle: { color: spec.candles[i]![4] >= spec.candles[i]![1] ? CHART_THEME.up : CHART_THEME.down, opacity: 0.3 },
      })),
      z: 1,
    });
  }

  const legends: Record<string, unknown>[] = [
    {
      show: lineSeries.length > 0,
      data: spec.lines.map((l) => l.name),
      right: axisWidth,
      top: 10,
      itemWidth: 18,
      itemHeight: 3,
      icon: 'rect',
      textStyle: { ...textStyle, fontSize },
    },
  ];
  const titles: Record<string, unknown>[] = [
    { text: spec.title, left: 12, top: 8, textStyle: { ...textStyle, fontSize: fontSize + 3, fontWeight: 'normal' } },
  ];

  panes.forEach((pane, i) => {
    const grid = i + 1;
    const part = paneOption(pane, { grid, gridTop: grids[grid]!['top']!, gap, yAxisIndex: yAxis.length, axisWidth, fontSize, textStyle, yAxisBase, signalIndex });
    yAxis.push(part.yAxis);
    titles.push(part.title);
    series.push(...part.series);
    legends.push(part.legend);
  });

  return {
    animation: false,
    backgroundColor: CHART_THEME.background,
    textStyle,
    title: titles,
    legend: legends,
    grid: grids,
    xAxis,
    yAxis,
    series,
  };
}
