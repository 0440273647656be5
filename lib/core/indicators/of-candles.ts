/**
 * The indicators the strategies read, taken from a candles object through an optional
 * `IndicatorCache` (see cache.ts). Without a cache each call computes exactly as the plain
 * indicator function does (the live path); with one, a series shared by several parameter
 * sets is computed once per candles object. Cache keys name the input column and every
 * argument, e.g. `ema(close,15)`, `atr(14)`, `bollinger(close,20,2)`.
 */
import type { Candles } from '../candle.js';
import { atr } from './atr.js';
import { bollinger, type BollingerBands } from './bollinger.js';
import { memo, type IndicatorCache } from './cache.js';
import { ema } from './ema.js';
import { macd, macdFromLine, macdLine, type MacdResult } from './macd.js';
import { rsi } from './rsi.js';

export function emaOfClose(c: Candles, period: number, cache?: IndicatorCache): Float64Array {
  return memo(cache, c, `ema(close,${period})`, () => ema(c.close, period));
}

export function atrOf(c: Candles, period: number, cache?: IndicatorCache): Float64Array {
  return memo(cache, c, `atr(${period})`, () => atr(c.high, c.low, c.close, period));
}

export function rsiOfClose(c: Candles, period: number, cache?: IndicatorCache): Float64Array {
  return memo(cache, c, `rsi(close,${period})`, () => rsi(c.close, period));
}

export function bollingerOfClose(c: Candles, period: number, k: number, cache?: IndicatorCache): BollingerBands {
  return memo(cache, c, `bollinger(close,${period},${k})`, () => bollinger(c.close, period, k));
}

/** With a cache, the MACD line is shared by every `signal` period of the same fast/slow pair. */
export function macdOfClose(c: Candles, fast: number, slow: number, signal: number, cache?: IndicatorCache): MacdResult {
  if (cache === undefined) return macd(c.close, fast, slow, signal);
  return cache.get(c, `macd(close,${fast},${slow},${signal})`, () =>
    macdFromLine(
      cache.get(c, `macd-line(close,${fast},${slow})`, () => macdLine(c.close, fast, slow)),
      slow,
      signal,
    ),
  );
}
