/**
 * Candle types shared by the whole trading core.
 *
 * `OhlcvRow` is ccxt's `fetchOHLCV` row format: [timestampMs, open, high, low, close, volume],
 * the timestamp being the candle's OPEN time. `Candles` is the column form every indicator
 * and strategy reads (index 0 = oldest).
 */
export type OhlcvRow = readonly [time: number, open: number, high: number, low: number, close: number, volume: number];

export interface Candles {
  readonly time: readonly number[];
  readonly open: readonly number[];
  readonly high: readonly number[];
  readonly low: readonly number[];
  readonly close: readonly number[];
  readonly volume: readonly number[];
}

export function candlesFromRows(rows: readonly OhlcvRow[]): Candles {
  const n = rows.length;
  const time = new Array<number>(n);
  const open = new Array<number>(n);
  const high = new Array<number>(n);
  const low = new Array<number>(n);
  const close = new Array<number>(n);
  const volume = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    time[i] = r[0];
    open[i] = r[1];
    high[i] = r[2];
    low[i] = r[3];
    close[i] = r[4];
    volume[i] = r[5];
  }
  return { time, open, high, low, close, volume };
}

/** Candles [from, to) as a new candles object (each column sliced). */
export function sliceCandles(c: Candles, from: number, to: number): Candles {
  return {
    time: c.time.slice(from, to),
    open: c.open.slice(from, to),
    high: c.high.slice(from, to),
    low: c.low.slice(from, to),
    close: c.close.slice(from, to),
    volume: c.volume.slice(from, to),
  };
}
