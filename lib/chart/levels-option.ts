/**
 * The price grid's levels and markers: entry / stop / target / exit as lines across the chart
 * (a spec without markers, from older messages) or, with markers, the signal arrow, entry and
 * exit points and the remaining levels as segments from the entry on.
 */
import type { ChartSpec } from '../core/notification.js';
import { CHART_FONT_FAMILY } from './font.js';
import { CHART_THEME, SIGNAL_COLOR } from './theme.js';

const LEVEL_LABELS = { entry: 'Entry', stop: 'Stop', target: 'Target', exit: 'Exit' } as const;

/** Index of the last candle opening at or before `t`, or -1 (the candles are oldest first). */
function candleIndexOf(spec: ChartSpec, t: number): number {
  let found = -1;
  for (let i = 0; i < spec.candles.length; i++) {
    if (spec.candles[i]![0] <= t) found = i;
    else break;
  }
  return found;
}

export function levelsAndMarkers(spec: ChartSpec, fmt: (v: number) => string, fontSize: number): { levelData: unknown[]; markPointData: Record<string, unknown>[]; signalIndex: number | undefined } {
  const n = spec.candles.length;
  const markers = spec.markers;
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
  return { levelData, markPointData, signalIndex: signalMarker?.index };
}
