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
import { formatPrice } from '../core/format.js';
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

/** Extra height per indicator pane when the caller gives no height (lib/chart/render.ts). */
export const PANE_EXTRA_HEIGHT = 150;

/** Index of the last candle opening at or before `t`, or -1 (the candles are oldest first). */
function candleIndexOf(spec: ChartSpec, t: number): number {
  let found = -1;
  for (let i = 0; i < spec.candles.length; i++) {
    if (spec.candles[i]![0] <= t) found = i;
    else break;
  }
  return found;
}

/** Plain-decimal label of an indicator value (4 significant digits; never `e` notation). */
export function formatIndicator(v: number): string {
  return formatPrice(v, 4);
}

const SIGNAL_COLOR = '#ffd54f';
const X_AXIS_NAME = 'Time (UTC)';

/** The ECharts option (plain JSON-like object) for a validated spec. */
export function buildChartOption(spec: ChartSpec, size: ChartSize): Record<string, unknown> {
  const range = priceRange(spec);
  const decimals = priceDecimalsFor(spec, range.max);
  const fmt = (v: number): string => v.toFixed(decimals);
  const textStyle = { fontFamily: CHART_FONT_FAMILY, color: CHART_THEME.text };
  const fontSize = size.width >= 800 ? 13 : 11;
  const panes = spec.panes ?? [];
  const n = spec.candles.length;
  const markers = spec.markers;

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

  // Markers → candle indices (a marker before the window is not drawn; after it, on the last candle).
  const markerAt = (kind: 'signal' | 'entry' | 'exit') => {
    const m = markers?.find((x) => x.kind === kind);
    if (m === undefined) return undefined;
    const index = candleIndexOf(spec, m.time);
    return index < 0 ? undefined : { ...m, index };
  };
  const signalMarker = markerAt('signal');
  const entryMarker = markerAt('entry');
  const exitMarker = markerAt('exit');
  const hasMarkers = markers !== undefined && markers.length > 0;
  // Segments start at the entry candle; at the window's start when the entry is before it.
  const entryBefore = entryMarker === undefined && markers?.some((m) => m.kind === 'entry') === true;
  const segmentStart = entryMarker?.index ?? (entryBefore ? 0 : Math.max(0, n - 1 - Math.round(n / 6)));
  const segmentEnd = exitMarker?.index ?? n - 1;

  const levelData = (Object.keys(LEVEL_LABELS) as (keyof typeof LEVEL_LABELS)[])
    .filter((k) => spec.levels[k] !== undefined)
    // With entry / exit markers, those two are drawn as markers instead of lines.
    .filter((k) => !(k === 'entry' && entryMarker !== undefined) && !(k === 'exit' && exitMarker !== undefined))
    .map((k) => {
      const v = spec.levels[k]!;
      const color = CHART_THEME.levels[k];
      const lineStyle = { color, width: 1.5, type: k === 'entry' ? 'solid' : 'dashed' };
      const label = {
        formatter: `${LEVEL_LABELS[k]} ${fmt(v)}`,
        // Exit on the right so it does not cover the entry label when the prices are close.
        position: k === 'exit' ? 'insideEndBottom' : 'insideStartTop',
        color: '#ffffff',
        backgroundColor: color,
        padding: [2, 4],
        borderRadius: 2,
        fontSize: fontSize - 1,
        fontFamily: CHART_FONT_FAMILY,
      };
      if (!hasMarkers) return { name: LEVEL_LABELS[k], yAxis: v, lineStyle, label };
      // A segment, not a line across the chart (the level applies from the entry on). The label
      // goes left of a short segment (it would otherwise run over the price axis).
      const short = segmentEnd - segmentStart < n / 4;
      return [
        { name: LEVEL_LABELS[k], coord: [segmentStart, v], lineStyle, label: short ? { ...label, position: 'start', distance: 4 } : label },
        { coord: [segmentEnd, v] },
      ];
    });

  const markerLabel = (text: string, color: string, position: string, textColor = '#ffffff') => ({
    show: true,
    formatter: text,
    position,
    distance: 6,
    color: textColor,
    backgroundColor: color,
    padding: [2, 4],
    borderRadius: 2,
    fontSize: fontSize - 1,
    fontFamily: CHART_FONT_FAMILY,
  });
  const markPointData: Record<string, unknown>[] = [];
  if (signalMarker !== undefined) {
    const long = signalMarker.side !== 'short';
    markPointData.push({
      name: 'signal',
      coord: [signalMarker.index, signalMarker.price],
      symbol: 'triangle',
      symbolSize: 12,
      symbolRotate: long ? 0 : 180,
      symbolOffset: [0, long ? 10 : -10],
      itemStyle: { color: SIGNAL_COLOR },
      // Left of the arrow on the right half (the signal candle is usually the last one).
      label: markerLabel(`${signalMarker.side === undefined ? '' : `${signalMarker.side.toUpperCase()} `}signal`, SIGNAL_COLOR, signalMarker.index < n / 2 ? 'right' : 'left', '#131722'),
    });
  }
  for (const [m, kind] of [
    [entryMarker, 'entry'],
    [exitMarker, 'exit'],
  ] as const) {
    if (m === undefined) continue;
    const color = CHART_THEME.levels[kind];
    markPointData.push({
      name: kind,
      coord: [m.index, m.price],
      symbol: 'circle',
      symbolSize: 10,
      itemStyle: { color, borderColor: '#ffffff', borderWidth: 1.5 },
      // Labels point into the chart: to the right of a marker in the left half, else to the left.
      label: markerLabel(`${LEVEL_LABELS[kind]} ${fmt(m.price)}`, color, m.index < n / 2 ? 'right' : 'left'),
    });
  }

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
    const gridTop = grids[grid]!['top']!;
    const isRsi = pane.levels !== undefined && pane.levels.length > 0 && pane.levels.every((l) => l > 0 && l < 100) && /^RSI\b/.test(pane.name);
    yAxis.push({
      ...yAxisBase,
      gridIndex: grid,
      scale: !isRsi,
      ...(isRsi ? { min: 0, max: 100, interval: 50 } : { splitNumber: 2 }),
      axisLabel: { ...textStyle, color: CHART_THEME.muted, fontSize: fontSize - 1, formatter: formatIndicator, showMinLabel: isRsi, showMaxLabel: isRsi },
    });
    const yAxisIndex = yAxis.length - 1;
    titles.push({ text: pane.name, left: 40, top: gridTop - gap + 6, textStyle: { ...textStyle, color: CHART_THEME.muted, fontSize: fontSize - 1, fontWeight: 'normal' } });
    const colorOf = (j: number): string => CHART_THEME.lines[j % CHART_THEME.lines.length]!;
    const names: string[] = [];
    pane.series.forEach((x, j) => {
      const levelLines =
        j === 0 && pane.levels !== undefined && pane.levels.length > 0
          ? {
              symbol: 'none',
              silent: true,
              animation: false,
              precision: 20,
              data: pane.levels.map((level) => ({
                yAxis: level,
                lineStyle: { color: CHART_THEME.muted, width: 1, type: 'dashed' },
                label: { formatter: formatIndicator(level), position: 'insideStartTop', color: CHART_THEME.text, fontSize: fontSize - 2, fontFamily: CHART_FONT_FAMILY },
              })),
            }
          : undefined;
      if (x.kind === 'histogram') {
        series.push({
          name: x.name,
          type: 'bar',
          xAxisIndex: grid,
          yAxisIndex,
          silent: true,
          barMaxWidth: 8,
          data: x.values.map((v) => ({ value: v, itemStyle: { color: (v ?? 0) >= 0 ? CHART_THEME.up : CHART_THEME.down, opacity: 0.7 } })),
          itemStyle: { color: CHART_THEME.muted },
          markLine: levelLines,
          z: 1,
        });
      } else {
        series.push({
          name: x.name,
          type: 'line',
          xAxisIndex: grid,
          yAxisIndex,
          data: x.values,
          showSymbol: false,
          symbol: 'none',
          connectNulls: false,
          silent: true,
          lineStyle: { width: 1.5, color: colorOf(j) },
          itemStyle: { color: colorOf(j) },
          markLine: levelLines,
          z: 3,
        });
      }
      names.push(x.name);
    });
    if (signalMarker !== undefined) {
      // The signal candle through the pane: where the indicator crossed.
      series.push({
        name: `${pane.name} signal`,
        type: 'line',
        xAxisIndex: grid,
        yAxisIndex,
        data: [],
        silent: true,
        markLine: {
          symbol: 'none',
          silent: true,
          animation: false,
          data: [{ xAxis: signalMarker.index, lineStyle: { color: SIGNAL_COLOR, width: 1, type: 'dotted' }, label: { show: false } }],
        },
      });
    }
    legends.push({
      data: names,
      right: axisWidth,
      top: gridTop - gap + 4,
      itemWidth: 18,
      itemHeight: 3,
      icon: 'rect',
      textStyle: { ...textStyle, fontSize: fontSize - 1 },
    });
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
