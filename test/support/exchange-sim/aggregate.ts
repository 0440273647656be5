/**
 * Higher intervals aggregated from a base series (BinanceSimOptions.baseInterval): as on a real
 * exchange, the 4h candle of a symbol is then exactly its sixteen 15m candles — first open, max
 * high, min low, last close, summed volume and trades — and the forming 4h candle is the
 * aggregate of the closed 15m candles of its slot and the forming 15m one.
 */
import { formingCandle, type CandleSeries, type SimCandle } from './random-walk.js';

/** What klines.ts reads from a series: candle k (openTime = k × timeframeMs) and, optionally, its forming state at `nowMs`. */
export interface KlineSource {
  readonly timeframeMs: number;
  readonly firstIndex: number;
  candle(index: number): SimCandle;
  forming?(index: number, nowMs: number): SimCandle;
}

export class AggregateSeries implements KlineSource {
  readonly timeframeMs: number;
  readonly firstIndex: number;
  readonly #base: CandleSeries;
  readonly #ratio: number;

  constructor(base: CandleSeries, timeframeMs: number) {
    if (timeframeMs <= base.timeframeMs || timeframeMs % base.timeframeMs !== 0) {
      throw new RangeError(`${timeframeMs} ms is not a strict multiple of the base ${base.timeframeMs} ms`);
    }
    this.#base = base;
    this.timeframeMs = timeframeMs;
    this.#ratio = timeframeMs / base.timeframeMs;
    this.firstIndex = Math.floor(base.firstIndex / this.#ratio);
  }

  candle(index: number): SimCandle {
    return this.#aggregate(index, (this.#ratio * (index + 1)) - 1, undefined);
  }

  forming(index: number, nowMs: number): SimCandle {
    const current = Math.floor(nowMs / this.#base.timeframeMs);
    return this.#aggregate(index, Math.min(current, this.#ratio * (index + 1) - 1), nowMs);
  }

  /** Base candles of slot `index` up to base index `last` (the forming base candle at `nowMs` when given). */
  #aggregate(index: number, last: number, nowMs: number | undefined): SimCandle {
    if (index < this.firstIndex) throw new RangeError(`candle ${index} precedes the series start ${this.firstIndex}`);
    const first = Math.max(this.#base.firstIndex, index * this.#ratio);
    let out: SimCandle | undefined;
    for (let k = first; k <= last; k++) {
      const full = this.#base.candle(k);
      const c = nowMs !== undefined && k === last && (k + 1) * this.#base.timeframeMs > nowMs ? formingCandle(full, this.#base.timeframeMs, nowMs) : full;
      out = out === undefined
        ? { ...c, openTime: index * this.timeframeMs }
        : { ...out, high: Math.max(out.high, c.high), low: Math.min(out.low, c.low), close: c.close, volume: out.volume + c.volume, trades: out.trades + c.trades };
    }
    if (out === undefined) throw new RangeError(`candle ${index} has no base candle`);
    return out;
  }
}
