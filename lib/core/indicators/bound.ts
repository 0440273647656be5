/**
 * `ctx.ta`: every indicator a strategy can use, bound to one Candles object and an optional
 * IndicatorCache. Each call returns Float64Arrays of the candles' length, NaN during warm-up;
 * non-finite input or a bad argument is a PermanentError `INDICATOR_INPUT`. Results are memoised
 * through the cache under keys naming the input column and every argument (`ema(close,20)`,
 * `atr(14)`, … — the same keys as of-candles.ts, so built-ins and user strategies share them).
 * Returned arrays may be shared with other callers: read them, never write them.
 * Conventions (first defined index, smoothing, formula): docs/indicators.md.
 */
import { PermanentError } from '../../errors.js';
import type { Candles } from '../candle.js';
import { atr } from './atr.js';
import { bollinger } from './bollinger.js';
import { memo, type IndicatorCache } from './cache.js';
import { ema } from './ema.js';
import { macd, macdFromLine, macdLine, type MacdResult } from './macd.js';
import { rsi } from './rsi.js';
import { sma } from './sma.js';
import { adx } from './adx.js';
import { donchian, ichimoku, keltnerFrom } from './channels.js';
import { cci, mfi, stochastic, stochRsi, williamsR } from './oscillators.js';
import { obv, psar } from './ta/adapter.js';
import { vwap } from './vwap.js';
import { wma } from './wma.js';

export type Source = 'open' | 'high' | 'low' | 'close' | 'volume' | 'hl2' | 'hlc3' | 'ohlc4';
export const SOURCES: readonly Source[] = ['open', 'high', 'low', 'close', 'volume', 'hl2', 'hlc3', 'ohlc4'];

export interface Bands {
  readonly upper: Float64Array;
  readonly middle: Float64Array;
  readonly lower: Float64Array;
}
export interface MacdSeries {
  readonly line: Float64Array;
  readonly signal: Float64Array;
  readonly histogram: Float64Array;
}
export interface AdxSeries {
  readonly adx: Float64Array;
  readonly pdi: Float64Array;
  readonly mdi: Float64Array;
}
export interface StochSeries {
  readonly k: Float64Array;
  readonly d: Float64Array;
}
export interface IchimokuSeries {
  readonly conversion: Float64Array;
  readonly base: Float64Array;
  readonly spanA: Float64Array;
  readonly spanB: Float64Array;
}

export interface BoundIndicators {
  sma(period: number, source?: Source): Float64Array;
  ema(period: number, source?: Source): Float64Array;
  wma(period: number, source?: Source): Float64Array;
  rsi(period: number, source?: Source): Float64Array;
  atr(period: number): Float64Array;
  bollinger(period: number, k: number, source?: Source): Bands;
  macd(fast: number, slow: number, signal: number, source?: Source): MacdSeries;
  adx(period: number): AdxSeries;
  stochastic(k: number, kSmooth: number, d: number): StochSeries;
  stochRsi(rsiPeriod: number, stochPeriod: number, k: number, d: number): StochSeries;
  cci(period: number): Float64Array;
  mfi(period: number): Float64Array;
  obv(): Float64Array;
  vwap(): Float64Array;
  psar(step: number, max: number): Float64Array;
  williamsR(period: number): Float64Array;
  /** Spans NOT shifted forward: the value at i uses data <= i only (no lookahead). */
  ichimoku(conversion: number, base: number, spanB: number, displacement: number): IchimokuSeries;
  keltner(period: number, atrPeriod: number, k: number): Bands;
  donchian(period: number): Bands;
}

/** The input column named by `source` (derived ones computed per call; cheap, O(n)). */
export function sourceOf(c: Candles, source: Source): ArrayLike<number> {
  switch (source) {
    case 'open':
    case 'high':
    case 'low':
    case 'close':
    case 'volume':
      return c[source];
    case 'hl2':
      return derive(c, (i) => (c.high[i]! + c.low[i]!) / 2);
    case 'hlc3':
      return derive(c, (i) => (c.high[i]! + c.low[i]! + c.close[i]!) / 3);
    case 'ohlc4':
      return derive(c, (i) => (c.open[i]! + c.high[i]! + c.low[i]! + c.close[i]!) / 4);
    default:
      throw new PermanentError(`indicator source must be one of ${SOURCES.join(', ')}, got ${String(source)}`, {
        code: 'INDICATOR_INPUT',
      });
  }
}

function derive(c: Candles, f: (i: number) => number): Float64Array {
  const out = new Float64Array(c.close.length);
  for (let i = 0; i < out.length; i++) out[i] = f(i);
  return out;
}

export function boundIndicators(candles: Candles, cache?: IndicatorCache): BoundIndicators {
  const c = candles;
  const m = <T>(key: string, compute: () => T): T => memo(cache, c, key, compute);
  const src = (s: Source | undefined): Source => {
    const source = s ?? 'close';
    if (!SOURCES.includes(source)) sourceOf(c, source); // throws the clear message
    return source;
  };
  const macdOf = (s: Source, fast: number, slow: number, signal: number): MacdResult =>
    cache === undefined
      ? macd(sourceOf(c, s), fast, slow, signal)
      : m(`macd(${s},${fast},${slow},${signal})`, () =>
          macdFromLine(m(`macd-line(${s},${fast},${slow})`, () => macdLine(sourceOf(c, s), fast, slow)), slow, signal),
        );
  return {
    sma: (p, s) => { const k = src(s); return m(`sma(${k},${p})`, () => sma(sourceOf(c, k), p)); },
    ema: (p, s) => { const k = src(s); return m(`ema(${k},${p})`, () => ema(sourceOf(c, k), p)); },
    wma: (p, s) => { const k = src(s); return m(`wma(${k},${p})`, () => wma(sourceOf(c, k), p)); },
    rsi: (p, s) => { const k = src(s); return m(`rsi(${k},${p})`, () => rsi(sourceOf(c, k), p)); },
    atr: (p) => m(`atr(${p})`, () => atr(c.high, c.low, c.close, p)),
    bollinger: (p, k, s) => {
      const key = src(s);
      return m(`bollinger(${key},${p},${k})`, () => bollinger(sourceOf(c, key), p, k));
    },
    macd: (fast, slow, signal, s) => {
      const r = macdOf(src(s), fast, slow, signal);
      return { line: r.macd, signal: r.signal, histogram: r.histogram };
    },
    adx: (p) => m(`adx(${p})`, () => adx(c.high, c.low, c.close, p)),
    stochastic: (k, ks, d) => m(`stochastic(${k},${ks},${d})`, () => stochastic(c.high, c.low, c.close, k, ks, d)),
    stochRsi: (r, st, k, d) => m(`stochRsi(close,${r},${st},${k},${d})`, () => stochRsi(c.close, r, st, k, d)),
    cci: (p) => m(`cci(${p})`, () => cci(c.high, c.low, c.close, p)),
    mfi: (p) => m(`mfi(${p})`, () => mfi(c.high, c.low, c.close, c.volume, p)),
    obv: () => m('obv()', () => obv(c.close, c.volume)),
    vwap: () => m('vwap()', () => vwap(c)),
    psar: (step, max) => m(`psar(${step},${max})`, () => psar(c.high, c.low, step, max)),
    williamsR: (p) => m(`williamsR(${p})`, () => williamsR(c.high, c.low, c.close, p)),
    ichimoku: (a, b, sb, d) => m(`ichimoku(${a},${b},${sb},${d})`, () => ichimoku(c.high, c.low, a, b, sb, d)),
    keltner: (p, ap, k) =>
      m(`keltner(${p},${ap},${k})`, () =>
        keltnerFrom(
          m(`ema(close,${p})`, () => ema(c.close, p)),
          m(`atr(${ap})`, () => atr(c.high, c.low, c.close, ap)),
          k,
        ),
      ),
    donchian: (p) => m(`donchian(${p})`, () => donchian(c.high, c.low, p)),
  };
}
