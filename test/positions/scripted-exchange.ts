/** An exchange port serving scripted 1h candles per symbol (the rows a test sets; the last may be the forming one). */
import type { OhlcvRow } from '../../lib/core/candle.js';
import type { ExchangePort } from '../../lib/ports/exchange.js';

export interface ScriptedExchange extends ExchangePort {
  set(symbol: string, rows: readonly OhlcvRow[]): void;
  readonly fetches: () => number;
}

/** One candle row: [open time, open, high, low, close, volume]. */
export const bar = (time: number, open: number, high: number, low: number, close: number): OhlcvRow => [time, open, high, low, close, 1];

export function scriptedExchange(id = 'binance'): ScriptedExchange {
  const series = new Map<string, readonly OhlcvRow[]>();
  let fetches = 0;
  return {
    id,
    async prepare(symbols) {
      return { known: [...symbols], unknown: [], fromCache: true };
    },
    async fetchCandles(symbol, _tf, limit) {
      fetches++;
      return (series.get(symbol) ?? []).slice(-limit);
    },
    set(symbol, rows) {
      series.set(symbol, rows);
    },
    fetches: () => fetches,
  };
}
