/**
 * Indicators: pure functions over `readonly number[]`, returning Float64Arrays aligned to the
 * input (NaN before the first defined index). Every one throws PermanentError
 * `INDICATOR_INPUT` on a non-finite input value or a period that is not an integer >= 1, and
 * returns all-NaN (no throw) when the series is too short.
 *
 * | indicator      | first defined index                  | convention                        |
 * |----------------|--------------------------------------|-----------------------------------|
 * | ema(p)         | p − 1                                | TA-Lib: SMA seed, k = 2/(p+1)     |
 * | atr(p)         | p                                    | Wilder, TR from index 1           |
 * | rsi(p)         | p                                    | Wilder/TA-Lib; flat → 50 (not 0)  |
 * | bollinger(p,k) | p − 1                                | SMA ± k·population σ              |
 * | macd(f,s,g)    | line s − 1; signal, histogram s+g−2  | TA-Lib TA_MACD seeding            |
 *
 * The strategy kit's `ctx.ta` (bound.ts, issue 16) adds SMA, WMA, ADX/DMI, Stochastic, StochRSI,
 * CCI, MFI, OBV, VWAP (UTC-day anchored), Parabolic SAR, Williams %R, Ichimoku (no lookahead),
 * Keltner and Donchian: the convention of each (formula, smoothing, first defined index), how
 * each is checked against an independent reference, and why only OBV and PSAR come from
 * technicalindicators (ta/adapter.ts) with the measurements: docs/indicators.md.
 *
 * WHY THESE ARE OUR OWN LOOPS (the design said `technicalindicators`, or `trading-signals`
 * where that one is wrong or slow). Measured on Node 20.20.2 on the build machine, 100k candles
 * made of the six real *_BTC-5m pairs concatenated, median of 10–30 runs, ms per 100k
 * (the machine is noisy: ranges are over separate runs):
 *
 * | indicator | ours      | technicalindicators 3.1.0 | trading-signals 8.3.0 (STACK.md) |
 * |-----------|-----------|---------------------------|----------------------------------|
 * | EMA20     | 0.9–1.5   | 12–20                     | 13, seeds with the first price   |
 * | ATR14     | 1.6–3.0   | 17–41                     | 20                               |
 * | RSI14     | 1.2–2.7   | 49–71, rounded to 0.01    | 42                               |
 * | BB20      | 8–11      | 264–327                   | 86                               |
 * | MACD      | 2.5–3.9   | 49–67, repeats after NaN  | 29, first-price EMA seeding      |
 *
 * - technicalindicators' EMA and ATR ARE exact: max relative difference from the textbook
 *   definitions on ETH_BTC-5m 7.3e-16 (EMA9), 8.0e-16 (EMA21), 8.5e-16 (ATR14) (asserted in
 *   test/core/indicators.test.ts). They are rejected on speed alone: the backtester needs
 *   >= 2M candles/s for ema-cross, i.e. <= 50 ms per 100k for everything; their EMA×2 + ATR
 *   take 40–80 ms. Ours take ~3–5 ms; ema-cross evaluateAll runs at 5.6–6.5M candles/s
 *   (~15–20M/s when it is the only strategy in the process).
 *   technicalindicators also reads a process-global `precision` setting (setConfig) that
 *   would silently round results, and mutates inputs when `reversedInput` is set.
 * - RSI: technicalindicators rounds to 2 decimals (max relative error 2.5e-4 on ETH RSI14).
 * - trading-signals (not installed): its EMA seeds with the first price, not an SMA (STACK.md),
 *   so EMA/MACD do not match TA-Lib; and every one of its timings above is 5–20× ours.
 * - Floating point (found by the property tests): the literal EMA step x·k + ema·(1 − k) with
 *   a Σx/p seed drifts by 1 ulp on a constant series, so two EMAs of a flat series "cross"
 *   (a fake ema-cross signal). We use TA-Lib's own step ema + (x − ema)·k and a seed
 *   x0 + Σ(x − x0)/p (Bollinger's mean likewise): exact on flat stretches, and within ~1e-15 of
 *   the textbook values elsewhere. On all seven real data sets both give identical ema-cross signals.
 */
export { ema, emaFrom } from './ema.js';
export { sma, smaFrom } from './sma.js';
export { wma } from './wma.js';
export { adx, type AdxResult } from './adx.js';
export { cci, mfi, stochastic, stochRsi, williamsR, type StochResult } from './oscillators.js';
export { donchian, ichimoku, keltner, keltnerFrom, type ChannelBands, type IchimokuResult } from './channels.js';
export { vwap } from './vwap.js';
export { obv, psar } from './ta/adapter.js';
export { windowMax, windowMin } from './window.js';
export { atr } from './atr.js';
export { rsi } from './rsi.js';
export { bollinger, type BollingerBands } from './bollinger.js';
export { macd, macdFromLine, macdLine, type MacdResult } from './macd.js';
export { DEFAULT_CACHE_BYTES, IndicatorCache, memo, type IndicatorCacheStats } from './cache.js';
export { atrOf, bollingerOfClose, emaOfClose, macdOfClose, rsiOfClose } from './of-candles.js';
export {
  boundIndicators,
  sourceOf,
  SOURCES,
  type AdxSeries,
  type Bands,
  type BoundIndicators,
  type IchimokuSeries,
  type MacdSeries,
  type Source,
  type StochSeries,
} from './bound.js';
