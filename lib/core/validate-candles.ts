/**
 * Candle validation at the exchange boundary, and the closed / forming split.
 *
 * ccxt does not validate what an exchange returns (a 200 with malformed JSON yields rows of
 * nulls), so every row is checked here before any indicator sees it. The first bad row makes
 * the whole batch invalid (a PermanentError with code `INVALID_CANDLE` naming the index, the
 * candle time and the reason). Missing candles (gaps) are normal on illiquid pairs: they are
 * reported, not fatal.
 */
import type { OhlcvRow } from './candle.js';
import { priceRangeProblem, TIME_MAX } from './store-bounds.js';
import { timeframeMs, type Timeframe } from './timeframe.js';
import { PermanentError } from '../errors.js';

/** A hole in the series: `from` and `to` are the open times of the candles on each side. */
export interface Gap {
  readonly from: number;
  readonly to: number;
  /** Number of absent candles between them (≥ 1). */
  readonly missing: number;
}

export type CandleValidation =
  | { readonly ok: true; readonly rows: OhlcvRow[]; readonly gaps: Gap[] }
  | { readonly ok: false; readonly error: PermanentError };

export interface ClosedSplit {
  readonly closed: OhlcvRow[];
  readonly forming?: OhlcvRow;
}

/**
 * Splits time-ordered rows at `nowMs`: a row is closed when `time + tfMs <= nowMs`. The first
 * row that is not closed is the forming candle; any rows after it are dropped.
 */
export function splitClosed(rows: readonly OhlcvRow[], nowMs: number, tf: Timeframe): ClosedSplit {
  const tfMs = timeframeMs(tf);
  let k = 0;
  while (k < rows.length && rows[k]![0] + tfMs <= nowMs) k++;
  const closed = rows.slice(0, k);
  const forming = rows[k];
  return forming === undefined ? { closed } : { closed, forming };
}

/**
 * How far ahead of our clock an exchange's clock may be: a row opening at most this long after
 * `now` is the exchange having rolled over to the next candle a moment before us (dropped, as
 * before); a row opening later than that is from the future (INVALID_CANDLE).
 */
export const CLOCK_SKEW_MS = 30_000;

/**
 * The live split at the real current time `nowMs` (scan, monitor, prices): as `splitClosed`,
 * and the forming candle, when present, must be the candle open at `nowMs` — the one right
 * after the candle that just closed — never one from the future. A row opening more than
 * CLOCK_SKEW_MS after `nowMs` is refused (PermanentError INVALID_CANDLE naming it): an
 * exchange (or a proxy) answering with a candle from the future would otherwise make its open
 * the entry price of every signal and the mark of every position. Rows must already be
 * validated (`validateCandles`: aligned, strictly increasing, prices finite and in range).
 *
 * Not required: that the forming candle follows the newest closed one directly. Gaps are
 * normal on illiquid pairs (reported, not fatal); the scan separately requires the newest
 * closed candle to be the one that just closed (else STALE_CANDLES), so in a scan the forming
 * candle is exactly the next one after the newest closed. A closed series whose newest candle
 * is far in the past is real (halted or delisted market): the scan reports it STALE_CANDLES,
 * the monitor still applies those closed candles to its positions but does not mark to market
 * at their old close (lib/monitor/mark.ts).
 *
 * `splitClosed` stays the plain cut at a time that may lie in the past (backtest/download cut-offs).
 */
export function splitLive(rows: readonly OhlcvRow[], nowMs: number, tf: Timeframe): ClosedSplit {
  for (let i = rows.length - 1; i >= 0 && rows[i]![0] > nowMs; i--) {
    const time = rows[i]![0];
    if (time - nowMs > CLOCK_SKEW_MS) {
      throw new PermanentError(
        `Invalid candle at index ${i} (${isoOrRaw(time)}): opens in the future (now is ${isoOrRaw(nowMs)}); the forming candle must be the one open now`,
        { code: 'INVALID_CANDLE' },
      );
    }
  }
  return splitClosed(rows, nowMs, tf);
}

const FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

function isoOrRaw(time: unknown): string {
  if (typeof time === 'number' && Number.isFinite(time) && Math.abs(time) <= 8.64e15) {
    return new Date(time).toISOString();
  }
  return `time ${describeValue(time)}`;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(v.slice(0, 40))}`;
  return `a ${typeof v}`;
}

/** The reason row `raw` is invalid on its own (shape, values, prices), or null. */
function rowProblem(raw: readonly unknown[] | unknown): string | null {
  if (!Array.isArray(raw)) return `row is not an array of 6 values (got ${describeValue(raw)})`;
  if (raw.length !== 6) return `row is not an array of 6 values (got ${raw.length})`;
  for (let f = 0; f < 6; f++) {
    const v: unknown = raw[f];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      return `${FIELDS[f]} is not a finite number (got ${describeValue(v)})`;
    }
  }
  const [time, open, high, low, close, volume] = raw as [number, number, number, number, number, number];
  // Whole, aligned ms are checked with the series (not aligned); here the range a date (and the store) holds.
  if (time < 0 || time > TIME_MAX) return `time ${time} is not a date (ms in [0, ${TIME_MAX}])`;
  for (const [name, price] of [['open', open], ['high', high], ['low', low], ['close', close]] as const) {
    const problem = priceRangeProblem(name, price);
    if (problem !== null) return problem;
  }
  if (volume < 0) return `volume must be >= 0 (got ${volume})`;
  if (high < Math.max(open, close)) return `high ${high} is below max(open, close) ${Math.max(open, close)}`;
  if (low > Math.min(open, close)) return `low ${low} is above min(open, close) ${Math.min(open, close)}`;
  return null;
}

function invalid(index: number, time: unknown, reason: string): CandleValidation {
  return {
    ok: false,
    error: new PermanentError(`Invalid candle at index ${index} (${isoOrRaw(time)}): ${reason}`, {
      code: 'INVALID_CANDLE',
    }),
  };
}

/**
 * Checks raw ccxt rows `[timeMs, open, high, low, close, volume]` for timeframe `tf`.
 * Reasons, in the order checked: not an array of 6; a value that is not a finite number
 * (NaN, ±Infinity, null, strings…); a time outside [0, TIME_MAX]; a price <= 0 or outside
 * [PRICE_MIN, PRICE_MAX] (lib/core/store-bounds.ts: every value derived from the candle must be
 * storable); volume < 0; high < max(open, close);
 * low > min(open, close); time not aligned to the timeframe; time not strictly increasing.
 * An empty input is valid. Returned rows are fresh tuples (the input is not aliased).
 */
export function validateCandles(rawRows: readonly (readonly unknown[])[], tf: Timeframe): CandleValidation {
  const tfMs = timeframeMs(tf);
  const rows: OhlcvRow[] = new Array<OhlcvRow>(rawRows.length);
  const gaps: Gap[] = [];
  let prevTime = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < rawRows.length; i++) {
    const raw: unknown = rawRows[i];
    const time: unknown = Array.isArray(raw) ? raw[0] : undefined;
    const problem = rowProblem(raw);
    if (problem !== null) return invalid(i, time, problem);
    const [t, o, h, l, c, v] = raw as [number, number, number, number, number, number];
    if (t % tfMs !== 0) return invalid(i, t, `time ${t} is not aligned to the ${tf} timeframe`);
    if (t <= prevTime) {
      return invalid(i, t, `time is not after the previous candle's (${isoOrRaw(prevTime)})`);
    }
    if (i > 0 && t - prevTime > tfMs) {
      gaps.push({ from: prevTime, to: t, missing: (t - prevTime) / tfMs - 1 });
    }
    rows[i] = [t, o, h, l, c, v];
    prevTime = t;
  }
  return { ok: true, rows, gaps };
}
