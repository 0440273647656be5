/**
 * Sending the series to workers. Every candle column of every series is written once into ONE
 * SharedArrayBuffer (Float64, in COLUMNS order per series); the workers all get that same
 * memory with `workerData` — nothing is copied per worker (a structured clone of 1M candles ×
 * 6 columns is 48 MB per worker). Each worker then reads its columns into plain arrays
 * (doubles, exact: the same values and types as everywhere else, so the strategies see the
 * `Candles` they see in a backtest). Nobody writes the buffer after packing.
 */
import type { Candles } from '../core/candle.js';
import type { EvaluatorInit, PackedInit } from './types.js';

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

export function packInit(init: EvaluatorInit): PackedInit {
  const total = init.series.reduce((n, s) => n + s.candles.close.length, 0);
  const buffer = new SharedArrayBuffer(total * COLUMNS.length * Float64Array.BYTES_PER_ELEMENT);
  const all = new Float64Array(buffer);
  let offset = 0;
  const series = init.series.map((s) => {
    const length = s.candles.close.length;
    const start = offset;
    for (const k of COLUMNS) {
      all.set(s.candles[k], offset);
      offset += length;
    }
    return { symbol: s.symbol, timeframe: s.timeframe, offset: start, length };
  });
  return { ...init, buffer, series };
}

export function unpackInit(packed: PackedInit): EvaluatorInit {
  const { buffer, series, ...rest } = packed;
  const all = new Float64Array(buffer);
  return {
    ...rest,
    series: series.map((s) => {
      const column = (c: number): number[] => Array.from(all.subarray(s.offset + c * s.length, s.offset + (c + 1) * s.length));
      const candles: Candles = { time: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5) };
      return { symbol: s.symbol, timeframe: s.timeframe, candles };
    }),
  };
}
