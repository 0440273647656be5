/**
 * Candle timeframes and the clock arithmetic around them.
 *
 * Candles of timeframe `tf` are aligned to UTC multiples of `timeframeMs(tf)` counted from
 * the Unix epoch (Unix time has no leap seconds, so `1d` candles open at 00:00 UTC). A candle
 * opening at `t` covers `[t, t + tfMs)` and has closed once `now >= t + tfMs`.
 */
import { z } from 'zod';
import { PermanentError } from '../errors.js';

export const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d'] as const;

export const timeframeSchema = z.enum(TIMEFRAMES);

export type Timeframe = z.infer<typeof timeframeSchema>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = Object.freeze({
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '6h': 6 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': 24 * HOUR,
});

/** Length of one candle in milliseconds. Throws on an unsupported timeframe. */
export function timeframeMs(tf: Timeframe): number {
  const ms = Object.hasOwn(TIMEFRAME_MS, tf) ? TIMEFRAME_MS[tf] : undefined;
  if (ms === undefined) {
    throw new PermanentError(`Unsupported timeframe "${String(tf)}"; allowed: ${TIMEFRAMES.join(', ')}`, {
      code: 'INVALID_TIMEFRAME',
    });
  }
  return ms;
}

function assertTime(nowMs: number): void {
  if (!Number.isFinite(nowMs)) {
    throw new PermanentError(`Time must be a finite number of ms, got ${String(nowMs)}`, { code: 'INVALID_TIME' });
  }
}

/** Open time of the candle containing `nowMs` (the forming candle). */
function currentOpenTime(nowMs: number, tfMs: number): number {
  return Math.floor(nowMs / tfMs) * tfMs;
}

/**
 * Open time of the most recent candle that has fully closed at `nowMs`
 * (i.e. the largest aligned `t` with `t + tfMs <= nowMs`).
 * At exactly 01:00:00.000 the 00:00 1h candle counts as closed.
 */
export function lastClosedOpenTime(nowMs: number, tf: Timeframe): number {
  assertTime(nowMs);
  const tfMs = timeframeMs(tf);
  return currentOpenTime(nowMs, tfMs) - tfMs;
}

/**
 * The next close instant strictly after `nowMs` (for a local scheduler). When `nowMs` is
 * exactly a close, the answer is the following one (`nowMs + tfMs`).
 */
export function nextCloseAfter(nowMs: number, tf: Timeframe): number {
  assertTime(nowMs);
  const tfMs = timeframeMs(tf);
  return currentOpenTime(nowMs, tfMs) + tfMs;
}

/**
 * AWS EventBridge cron expression (UTC) firing at every close of `tf`:
 * `cron(minutes hours day-of-month month day-of-week year)`. Every supported minute
 * timeframe divides 60 and every hour timeframe divides 24, so the step form is exact.
 */
export function scheduleExpression(tf: Timeframe): string {
  const tfMs = timeframeMs(tf);
  if (tfMs === MINUTE) return 'cron(* * * * ? *)';
  if (tfMs < HOUR) return `cron(0/${tfMs / MINUTE} * * * ? *)`;
  if (tfMs === HOUR) return 'cron(0 * * * ? *)';
  if (tfMs < 24 * HOUR) return `cron(0 0/${tfMs / HOUR} * * ? *)`;
  return 'cron(0 0 * * ? *)';
}
