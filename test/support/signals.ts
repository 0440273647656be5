import { toSignal, type Signal } from '../../lib/core/signal.js';

/** A well-formed signal for store/outbox tests. */
export function sampleSignal(candleTime: number, symbol = 'BTC/USDT', strategy = 'ema-cross'): Signal {
  return toSignal(
    { strategy, exchange: 'binance', symbol, timeframe: '1h' },
    { side: 'long', index: 99, candleTime, entry: 100, stop: 97, target: 106, indicators: { fast: 101.5, slow: 100.25, atr: 2 } },
  );
}
