/**
 * Klines query semantics of the simulator (Binance spot): most recent `limit` candles up to
 * `endTime`/now, or `limit` candles from `startTime`; the candle containing `nowMs` is the
 * forming one. Candle faults (NaN, negative or extreme price, gap, a forming candle from the
 * future) are applied to the selection.
 */
import type { SimFault } from './faults.js';
import { klineRow, type KlineRow } from './binance-payloads.js';
import type { KlineSource } from './aggregate.js';
import { formingCandle, type SimCandle } from './random-walk.js';

export interface KlinesQuery {
  readonly limit: number;
  readonly startTime?: number;
  readonly endTime?: number;
}

export function selectKlines(series: KlineSource, nowMs: number, query: KlinesQuery, fault: SimFault | undefined): KlineRow[] {
  const tf = series.timeframeMs;
  const current = Math.floor(nowMs / tf);
  const last = query.endTime === undefined ? current : Math.min(current, Math.floor(query.endTime / tf));
  const lastClosed = current - 1;
  const skip = new Set<number>();
  if (fault?.kind === 'gap') for (let k = lastClosed - fault.missing; k < lastClosed; k++) skip.add(k);

  const indices: number[] = [];
  if (query.startTime !== undefined) {
    for (let k = Math.max(series.firstIndex, Math.ceil(query.startTime / tf)); k <= last && indices.length < query.limit; k++) {
      if (!skip.has(k)) indices.push(k);
    }
  } else {
    for (let k = last; k >= series.firstIndex && indices.length < query.limit; k--) {
      if (!skip.has(k)) indices.push(k);
    }
    indices.reverse();
  }

  return indices.map((k) => {
    const full = series.candle(k);
    const candle: SimCandle = k !== current ? full : series.forming ? series.forming(k, nowMs) : formingCandle(full, tf, nowMs);
    const row = klineRow(candle, tf);
    if (k === lastClosed && fault?.kind === 'nanPrice') row[4] = 'NaN';
    if (k === lastClosed && fault?.kind === 'negativePrice') {
      row[3] = `-${row[3]}`;
      row[4] = `-${row[4]}`;
    }
    if (fault?.kind === 'extremePrice' && k === (fault.candle === 'forming' ? current : lastClosed)) {
      row[1] = row[2] = row[3] = row[4] = fault.price;
    }
    if (fault?.kind === 'futureForming' && k === current) {
      const f = (x: string): string => (Number(x) * fault.priceFactor).toFixed(8);
      row[0] += fault.aheadMs;
      row[6] += fault.aheadMs;
      row[1] = f(row[1]);
      row[2] = f(row[2]);
      row[3] = f(row[3]);
      row[4] = f(row[4]);
    }
    return row;
  });
}
