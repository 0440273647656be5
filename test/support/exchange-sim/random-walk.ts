/**
 * Deterministic OHLCV series for the exchange simulator: a seeded random walk, one candle per
 * timeframe slot (candle index k opens at k × timeframeMs), generated forward on demand.
 */

/** mulberry32: small, fast, deterministic PRNG in [0, 1) — the optimiser's random search's own. */
import { seededRandom as mulberry32 } from '../../../lib/optimize/random.js';

export { mulberry32 };

/** FNV-1a 32-bit hash, to derive per-series seeds from names. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export interface SimCandle {
  readonly openTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly trades: number;
}

export class CandleSeries {
  readonly #random: () => number;
  readonly #candles: SimCandle[] = [];
  readonly timeframeMs: number;
  /** Index of the first candle (openTime = firstIndex × timeframeMs). */
  readonly firstIndex: number;
  #lastClose: number;

  constructor(options: { seed: number; timeframeMs: number; firstIndex: number; startPrice: number }) {
    this.#random = mulberry32(options.seed);
    this.timeframeMs = options.timeframeMs;
    this.firstIndex = options.firstIndex;
    this.#lastClose = options.startPrice;
  }

  /** The complete candle at `index` (≥ firstIndex). */
  candle(index: number): SimCandle {
    if (index < this.firstIndex) throw new RangeError(`candle ${index} precedes the series start ${this.firstIndex}`);
    while (this.#candles.length <= index - this.firstIndex) this.#next();
    return this.#candles[index - this.firstIndex]!;
  }

  #next(): void {
    const r = this.#random;
    const index = this.firstIndex + this.#candles.length;
    const open = this.#lastClose;
    const close = Math.max(open * (1 + (r() - 0.5) * 0.02), 1e-6);
    const high = Math.max(open, close) * (1 + r() * 0.005);
    const low = Math.min(open, close) * (1 - r() * 0.005);
    const volume = 10 + r() * 990;
    this.#candles.push({ openTime: index * this.timeframeMs, open, high, low, close, volume, trades: 1 + Math.floor(r() * 500) });
    this.#lastClose = close;
  }
}

/** The part of `candle` formed by `nowMs` (its slot not yet over): close moves part of the way. */
export function formingCandle(candle: SimCandle, timeframeMs: number, nowMs: number): SimCandle {
  const fraction = Math.min(1, Math.max(0, (nowMs - candle.openTime) / timeframeMs));
  const close = candle.open + (candle.close - candle.open) * fraction;
  return {
    ...candle,
    close,
    high: Math.max(candle.open, close),
    low: Math.min(candle.open, close),
    volume: candle.volume * fraction,
    trades: Math.floor(candle.trades * fraction),
  };
}
