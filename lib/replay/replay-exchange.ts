import { PermanentError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ExchangePort } from '../ports/exchange.js';
import type { OhlcvFile } from '../backtest/ohlcv-files.js';
import { timeframeSchema } from '../core/timeframe.js';
import { higherRows, higherSourceFor, type HigherSource } from './higher-rows.js';

/**
 * An exchange that serves recorded candles as they would have looked at `clock.now()`:
 * closed candles plus the forming one, newest last, never the future. Lets the replay
 * drive the live scan pipeline unchanged. A timeframe no file holds, which a market's file
 * divides, is served as the aggregate of that file's closed candles (higher-rows.ts), as an
 * exchange serves 4h candles beside 15m ones: multi-timeframe strategies replay too.
 */
export function createReplayExchange(id: string, files: readonly OhlcvFile[], clock: Clock): ExchangePort {
  const byKey = new Map(files.map((f) => [`${f.symbol}|${f.timeframe}`, f]));
  const symbols = new Set(files.map((f) => f.symbol));
  const recordedTimeframes = new Set<string>(files.map((f) => f.timeframe));
  const higher = new Map<string, HigherSource | undefined>();
  /** A timeframe no file records (only asked as a strategy's higher timeframe): built from the market's base file. */
  const higherSource = (symbol: string, timeframe: string): HigherSource | undefined => {
    const tf = timeframeSchema.safeParse(timeframe);
    if (!tf.success || recordedTimeframes.has(timeframe)) return undefined;
    const key = `${symbol}|${timeframe}`;
    if (!higher.has(key)) higher.set(key, higherSourceFor(files, symbol, tf.data));
    return higher.get(key);
  };
  return {
    id,
    async prepare(requested) {
      return { known: requested.filter((s) => symbols.has(s)), unknown: requested.filter((s) => !symbols.has(s)), fromCache: true };
    },
    async fetchCandles(symbol, timeframe, limit) {
      const file = byKey.get(`${symbol}|${timeframe}`);
      const source = file ? undefined : higherSource(symbol, timeframe);
      if (source) return higherRows(source, source.timeframe, limit, clock.now());
      if (!file) throw new PermanentError(`no recorded ${timeframe} candles for ${symbol}`, { code: 'BAD_SYMBOL' });
      const now = clock.now();
      // Rows whose open time has passed: the closed ones and the one forming now (binary search).
      let lo = 0;
      let hi = file.rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (Number(file.rows[mid]![0]) <= now) lo = mid + 1;
        else hi = mid;
      }
      const end = lo;
      return file.rows.slice(Math.max(0, end - limit), end);
    },
  };
}
