/**
 * Higher timeframes in a replay: recorded files hold one timeframe per market (e.g. 15m), while a
 * multi-timeframe strategy's scan also asks for, say, 4h. As on a real exchange, those candles are
 * the aggregate of the market's base candles (lib/core/strategies/higher.ts `resample`), built
 * here from the base rows CLOSED at the replay's `now` only — the last bucket is the forming one
 * (the scan drops it), and nothing after `now` is read.
 */
import { candlesFromRows, type OhlcvRow } from '../core/candle.js';
import { resample } from '../core/strategies/higher.js';
import { timeframeMs, type Timeframe } from '../core/timeframe.js';
import { validateCandles } from '../core/validate-candles.js';
import type { OhlcvFile } from '../backtest/ohlcv-files.js';

export interface HigherSource {
  /** The timeframe served. */
  readonly timeframe: Timeframe;
  /** The file higher timeframes of this market are built from (its finest timeframe). */
  readonly base: OhlcvFile;
  /** Its rows, validated once (the scan would refuse the same rows at the base timeframe). */
  rows(): readonly OhlcvRow[];
}

/** The finest file of `symbol` whose timeframe strictly divides `timeframe`, or undefined. */
export function higherSourceFor(files: readonly OhlcvFile[], symbol: string, timeframe: Timeframe): HigherSource | undefined {
  const target = timeframeMs(timeframe);
  const base = files
    .filter((f) => f.symbol === symbol && timeframeMs(f.timeframe) < target && target % timeframeMs(f.timeframe) === 0)
    .sort((a, b) => timeframeMs(a.timeframe) - timeframeMs(b.timeframe))[0];
  if (base === undefined) return undefined;
  let rows: readonly OhlcvRow[] | undefined;
  return {
    timeframe,
    base,
    rows() {
      if (rows === undefined) {
        const v = validateCandles(base.rows, base.timeframe);
        if (!v.ok) throw v.error;
        rows = v.rows;
      }
      return rows;
    },
  };
}

/** The last `limit` `timeframe` candles at `now` (closed ones and the forming one), aggregated from the base rows closed at `now`. */
export function higherRows(source: HigherSource, timeframe: Timeframe, limit: number, now: number): OhlcvRow[] {
  const baseTf = source.base.timeframe;
  const baseMs = timeframeMs(baseTf);
  const ratio = timeframeMs(timeframe) / baseMs;
  const rows = source.rows();
  // Base rows closed at `now` (binary search: time + baseMs <= now).
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]![0] + baseMs <= now) lo = mid + 1;
    else hi = mid;
  }
  const end = lo;
  // Enough base rows for limit buckets plus one (the first may start mid-bucket: dropped).
  const start = Math.max(0, end - (limit + 2) * ratio);
  const higher = resample(candlesFromRows(rows.slice(start, end)), baseTf, timeframe);
  const out: OhlcvRow[] = higher.time.map((t, k) => [t, higher.open[k]!, higher.high[k]!, higher.low[k]!, higher.close[k]!, higher.volume[k]!]);
  const whole = start === 0 ? out : out.slice(1);
  return whole.slice(Math.max(0, whole.length - limit));
}
