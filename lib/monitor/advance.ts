/**
 * Pure: moves a stored open position over the closed candles it has not been checked against
 * yet (open time > lastChecked), one `stepOpenPosition` per candle, stopping at the first exit.
 * The first candle ever checked is the entry candle (lastChecked starts at the signal candle).
 */
import type { OhlcvRow } from '../core/candle.js';
import { stepOpenPosition, type ClosingPosition, type OpenPosition, type PositionRules } from '../core/positions/index.js';
import type { StoredOpenPosition } from '../ports/positions.js';

export type Advance =
  | { readonly kind: 'none' }
  | { readonly kind: 'progress'; readonly next: OpenPosition; readonly lastChecked: number; readonly lastClose: number; readonly gap: boolean; readonly candles: number }
  | { readonly kind: 'exit'; readonly closing: ClosingPosition; readonly lastChecked: number; readonly gap: boolean; readonly candles: number };

/** `closed` must be validated, time-ordered closed candles of the position's timeframe. */
export function advance(stored: StoredOpenPosition, closed: readonly OhlcvRow[], tfMs: number, rules: PositionRules): Advance {
  let first = closed.length;
  while (first > 0 && closed[first - 1]![0] > stored.lastChecked) first--;
  if (first === closed.length) return { kind: 'none' };
  // Candles between the last check and the first one we have were not seen (an exchange gap, or more than the fetch window).
  const gap = closed[first]![0] !== stored.lastChecked + tfMs;
  let p: OpenPosition = stored.position;
  for (let i = first; i < closed.length; i++) {
    const [time, open, high, low, close] = closed[i]!;
    const next = stepOpenPosition(p, { time, open, high, low, close }, rules);
    if (next.status === 'closing') return { kind: 'exit', closing: next, lastChecked: time, gap, candles: i - first + 1 };
    p = next;
  }
  const last = closed[closed.length - 1]!;
  return { kind: 'progress', next: p, lastChecked: last[0], lastClose: last[4], gap, candles: closed.length - first };
}
