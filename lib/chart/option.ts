/**
 * Pure part of the chart: the price range, the label formats and the ECharts option for a
 * validated `ChartSpec`. Dark theme, UTC time labels, price axis on the right, indicator
 * lines with a legend, and horizontal level lines (entry blue, stop red, target green,
 * exit grey) with labels. The y-range always contains every level (ECharts would otherwise
 * clip a level outside the candles silently).
 */
import type { ChartSpec } from '../notify/notification.js';
import { CHART_FONT_FAMILY } from './font.js';
import { dejaVuTextWidth } from './text-width.js';

export const CHART_THEME = Object.freeze({
  background: '#131722',
  text: '#d1d4dc',
  muted: '#787b86',
  grid: '#2a2e39',
  up: '#26a69a',
  down: '#ef5350',
  lines: ['#ff9800', '#ab47bc', '#29b6f6', '#ffeb3b', '#ec407a', '#8d6e63'],
  levels: { entry: '#2962ff', stop: '#f23645', target: '#00c853', exit: '#9598a1' },
});

const LEVEL_LABELS = { entry: 'Entry', stop: 'Stop', target: 'Target', exit: 'Exit' } as const;

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

/** The ECharts option (plain JSON-like object) for a validated spec. */
export function buildChartOption(spec: ChartSpec, size: ChartSize): Record<string, unknown> {
  const range = priceRange(spec);
  const decimals = priceDecimalsFor(spec, range.max);
  const fmt = (v: number): string => v.toFixed(decimals);
  const textStyle = { fontFamily: CHART_FONT_FAMILY, color: CHART_THEME.text };
  const fontSize = size.width >= 800 ? 13 : 11;
  // Room for the widest price label on the right axis.
  const axisWidth = Math.ceil(Math.max(dejaVuTextWidth(fmt(range.max), `${fontSize - 1}px`), dejaVuTextWidth(fmt(range.min), `${fontSize - 1}px`))) + 16;

  const levelData = (Object.keys(LEVEL_LABELS) as (keyof typeof LEVEL_LABELS)[])
    .filter((k) => spec.levels[k] !== undefined)
    .map((k) => {
      const v = spec.levels[k]!;
      const color = CHART_THEME.levels[k];
      return {
        name: LEVEL_LABELS[k],
        yAxis: v,
        lineStyle: { color, width: 1.5, type: k === 'entry' ? 'solid' : 'dashed' },
        label: {
          formatter: `${LEVEL_LABELS[k]} ${fmt(v)}`,
          // Exit on the right so it does not cover the entry label when the prices are close.
          position: k === 'exit' ? 'insideEndBottom' : 'insideStartTop',
          color: '#ffffff',
          backgroundColor: color,
          padding: [2, 4],
          borderRadius: 2,
          fontSize: fontSize - 1,
          fontFamily: CHART_FONT_FAMILY,
        },
      };
    });

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

  return {
    animation: false,
    backgroundColor: CHART_THEME.background,
    textStyle,
    title: {
      text: spec.title,
      left: 12,
      top: 8,
      textStyle: { ...textStyle, fontSize: fontSize + 3, fontWeight: 'normal' },
    },
    legend: {
      show: lineSeries.length > 0,
      data: spec.lines.map((l) => l.name),
      right: axisWidth,
      top: 10,
      itemWidth: 18,
      itemHeight: 3,
      icon: 'rect',
      textStyle: { ...textStyle, fontSize },
    },
    grid: { left: 40, right: axisWidth, top: 44, bottom: 34 },
    xAxis: {
      type: 'category',
      data: spec.candles.map((c) => formatTimeUtc(c[0], spec.timeframeMs)),
      boundaryGap: true,
      axisLine: { lineStyle: { color: CHART_THEME.grid } },
      axisTick: { show: false },
      axisLabel: { ...textStyle, color: CHART_THEME.muted, fontSize: fontSize - 1, hideOverlap: true },
      splitLine: { show: true, lineStyle: { color: CHART_THEME.grid } },
    },
    yAxis: {
      type: 'value',
      position: 'right',
      scale: true,
      min: range.min,
      max: range.max,
      splitNumber: 6,
      axisLine: { show: false },
      axisLabel: { ...textStyle, color: CHART_THEME.muted, fontSize: fontSize - 1, formatter: fmt, showMinLabel: false, showMaxLabel: false },
      splitLine: { lineStyle: { color: CHART_THEME.grid } },
    },
    series: [
      {
        name: 'price',
        type: 'candlestick',
        data: spec.candles.map((c) => [c[1], c[4], c[3], c[2]]),
        silent: true,
        barMaxWidth: 12,
        itemStyle: { color: CHART_THEME.up, color0: CHART_THEME.down, borderColor: CHART_THEME.up, borderColor0: CHART_THEME.down },
        // precision: ECharts' markLine default (2) ROUNDS the level values: on a 0.09 price the
        // entry 0.0945 became 0.09, outside the axis, and the line silently vanished.
        markLine: levelData.length === 0 ? undefined : { symbol: 'none', silent: true, animation: false, precision: 20, data: levelData },
        z: 2,
      },
      ...lineSeries,
    ],
  };
}
