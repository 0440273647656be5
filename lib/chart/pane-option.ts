/**
 * One indicator pane of the chart (RSI, MACD) as ECharts parts: its value axis (RSI fixed to
 * 0–100), title, legend, series (lines or a histogram coloured by sign), its reference levels
 * (e.g. RSI 30/70) as dashed lines, and the signal candle as a dotted vertical line.
 */
import type { ChartSpec } from '../core/notification.js';
import { CHART_FONT_FAMILY } from './font.js';
import { CHART_THEME, formatIndicator, SIGNAL_COLOR } from './theme.js';

type Pane = NonNullable<ChartSpec['panes']>[number];
type Part = Record<string, unknown>;

export interface PaneContext {
  /** The pane's grid (and x-axis) index; the price grid is 0. */
  readonly grid: number;
  readonly gridTop: number;
  /** Space above the grid for its title and legend. */
  readonly gap: number;
  /** The index the pane's y-axis gets. */
  readonly yAxisIndex: number;
  readonly axisWidth: number;
  readonly fontSize: number;
  readonly textStyle: Part;
  readonly yAxisBase: Part;
  /** The signal candle's index, when the chart marks one. */
  readonly signalIndex: number | undefined;
}

export function paneOption(pane: Pane, ctx: PaneContext): { yAxis: Part; title: Part; legend: Part; series: Part[] } {
  const { grid, gridTop, gap, yAxisIndex, axisWidth, fontSize, textStyle, yAxisBase } = ctx;
  const isRsi = pane.levels !== undefined && pane.levels.length > 0 && pane.levels.every((l) => l > 0 && l < 100) && /^RSI\b/.test(pane.name);
  const yAxis = {
    ...yAxisBase,
    gridIndex: grid,
    scale: !isRsi,
    ...(isRsi ? { min: 0, max: 100, interval: 50 } : { splitNumber: 2 }),
    axisLabel: { ...textStyle, color: CHART_THEME.muted, fontSize: fontSize - 1, formatter: formatIndicator, showMinLabel: isRsi, showMaxLabel: isRsi },
  };
  const title = { text: pane.name, left: 40, top: gridTop - gap + 6, textStyle: { ...textStyle, color: CHART_THEME.muted, fontSize: fontSize - 1, fontWeight: 'normal' } };
  const colorOf = (j: number): string => CHART_THEME.lines[j % CHART_THEME.lines.length]!;
  const series: Part[] = pane.series.map((x, j) => {
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
      return {
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
      };
    }
    return {
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
    };
  });
  if (ctx.signalIndex !== undefined) {
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
        data: [{ xAxis: ctx.signalIndex, lineStyle: { color: SIGNAL_COLOR, width: 1, type: 'dotted' }, label: { show: false } }],
      },
    });
  }
  const legend = {
    data: pane.series.map((x) => x.name),
    right: axisWidth,
    top: gridTop - gap + 4,
    itemWidth: 18,
    itemHeight: 3,
    icon: 'rect',
    textStyle: { ...textStyle, fontSize: fontSize - 1 },
  };
  return { yAxis, title, legend, series };
}
