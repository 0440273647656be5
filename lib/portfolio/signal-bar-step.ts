/**
 * Pure: the open position as the backtester would hold it when it looks at a signal on the
 * close of candle i — i.e. after candle i's own stop/target/time/trailing checks
 * (`stepOpenPosition`). Live, the monitor may not have checked candle i yet when the signal is
 * acted on; the signal carries candle i (`signal.bar`), so the check is applied here when
 * exactly that one candle is missing:
 *
 * - `lastChecked >= candleTime`: the monitor already applied candle i (or later): as saved.
 * - `lastChecked + tfMs === candleTime`: only candle i is unchecked: step it with the signal's
 *   bar → `exit` (the caller closes through the normal close transaction) or the stepped
 *   position (best/stop/bars updated).
 * - otherwise (no bar on an old signal row, or the monitor lags by two candles or more): as
 *   saved, with `fallback` saying why — the candles in between are not known here, so an exit
 *   the backtester would take in them is missed and the position exits with reason `signal`.
 */
import { stepOpenPosition, positionRules, type ClosingPosition, type OpenPosition } from '../core/positions/index.js';
import type { Signal } from '../core/signal.js';
import { PermanentError } from '../errors.js';
import type { StoredOpenPosition } from '../ports/positions.js';

export type SignalBarStep =
  | { readonly kind: 'open'; readonly position: OpenPosition; readonly fallback?: string }
  | { readonly kind: 'exit'; readonly closing: ClosingPosition };

export function stepSignalBar(stored: StoredOpenPosition, signal: Signal, tfMs: number): SignalBarStep {
  const { lastChecked, position } = stored;
  if (lastChecked >= signal.candleTime) return { kind: 'open', position };
  const bar = signal.bar;
  if (bar === undefined) return { kind: 'open', position, fallback: 'the signal carries no candle (recorded before signal bars were stored)' };
  if (lastChecked + tfMs !== signal.candleTime) {
    const missing = Math.round((signal.candleTime - lastChecked) / tfMs);
    return { kind: 'open', position, fallback: `the monitor lags: ${missing} candles up to the signal candle are unchecked` };
  }
  if (bar.time !== signal.candleTime) {
    throw new PermanentError(`${signal.id}: the signal bar opens at ${bar.time}, not at the signal candle`, { code: 'BAD_SIGNAL' });
  }
  const next = stepOpenPosition(position, bar, positionRules(stored.costs));
  return next.status === 'open' ? { kind: 'open', position: next } : { kind: 'exit', closing: next };
}
