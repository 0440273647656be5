/** Real candles and specs for the chart tests (test/fixtures/ohlcv, public exchange data). */
import { readFileSync } from 'node:fs';
import { candlesFromRows, type Candles, type OhlcvRow } from '../../lib/core/candle.js';
import { chartForClose, chartForSignal } from '../../lib/core/chart-data.js';
import { toSignal, type Signal } from '../../lib/core/signal.js';
import { getStrategy } from '../../lib/core/strategies/index.js';
import type { ChartSpec } from '../../lib/core/notification.js';

export function loadCandles(file: string, count: number): Candles {
  const rows = JSON.parse(readFileSync(new URL(`../fixtures/ohlcv/${file}`, import.meta.url), 'utf8')) as OhlcvRow[];
  return candlesFromRows(rows.slice(0, count));
}

/** The last signal `strategy` (default params) gives on the first `count` candles of `file`. */
export function lastSignal(file: string, symbol: string, strategy: string, count = 1000): { candles: Candles; signal: Signal } {
  const candles = loadCandles(file, count);
  const s = getStrategy(strategy);
  const intents = s.evaluateAll(candles, s.params.parse({}));
  const intent = intents.at(-1);
  if (intent === undefined) throw new Error(`no ${strategy} signal in ${file}`);
  const signal = toSignal({ strategy, exchange: 'binance', symbol, timeframe: '5m' }, intent);
  return { candles, signal };
}

/** A 150-candle signal chart (ema-cross on ETH/BTC 5m: 2 lines, 3 levels). */
export function signalSpec(): ChartSpec {
  const { candles, signal } = lastSignal('ETH_BTC-5m.json', 'ETH/BTC', 'ema-cross');
  const spec = chartForSignal({ candles, signal, strategy: getStrategy('ema-cross'), params: {}, count: 150 });
  if (spec === undefined) throw new Error('no chart');
  return spec;
}

/** A close chart (bollinger-breakout on ADA/BTC 5m, prices ~5e-5: 3 lines, 4 levels). */
export function closeSpec(): ChartSpec {
  const { candles, signal } = lastSignal('ADA_BTC-5m.json', 'ADA/BTC', 'bollinger-breakout', 2000);
  const i = candles.time.indexOf(signal.candleTime);
  const exitIndex = Math.min(candles.time.length - 1, i + 12);
  const spec = chartForClose({
    candles,
    strategy: getStrategy('bollinger-breakout'),
    params: {},
    count: 150,
    title: `ADA/BTC · 5m · bollinger-breakout · ${signal.side.toUpperCase()} closed`,
    entry: signal.entry,
    stop: signal.stop,
    target: signal.target,
    exit: candles.close[exitIndex]!,
    exitTime: candles.time[exitIndex]!,
    timeframeMs: 300_000,
  });
  if (spec === undefined) throw new Error('no chart');
  return spec;
}
