/**
 * Exact comparison helpers of the strategy check: candle windows, and what differs between two
 * signals. Exact on purpose: evaluate and evaluateAll run the same code on the same numbers, so
 * without lookahead their results are bit-identical (NaN equals NaN, nothing else is tolerated).
 */
import { sliceCandles } from '../core/candle.js';
import type { SignalIntent } from '../core/strategies/types.js';

/** Candles [from, to) as a new Candles object. */
export const window = sliceCandles;

function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** The fields that differ between two signals of one candle ('presence' when only one exists). */
export function signalChanges(a: SignalIntent | null, b: SignalIntent | null): string[] {
  if (a === null && b === null) return [];
  if (a === null || b === null) return ['presence'];
  const out: string[] = [];
  if (a.side !== b.side) out.push('side');
  if (a.index !== b.index) out.push('index');
  if (a.candleTime !== b.candleTime) out.push('candleTime');
  for (const key of ['entry', 'stop', 'target'] as const) if (!same(a[key], b[key])) out.push(key);
  const keys = new Set([...Object.keys(a.indicators), ...Object.keys(b.indicators)]);
  for (const key of [...keys].sort()) {
    const x = a.indicators[key];
    const y = b.indicators[key];
    if (x === undefined || y === undefined || !same(x, y)) out.push(`indicators.${key}`);
  }
  return out;
}

/** Presence or side differs (what the recursion check counts as a different signal). */
export function sideChanges(a: SignalIntent | null, b: SignalIntent | null): boolean {
  return (a === null) !== (b === null) || (a !== null && b !== null && a.side !== b.side);
}

/** Largest |a − b| / |b| over entry, stop and target (0 when equal). */
export function relPriceDiff(a: SignalIntent, b: SignalIntent): number {
  let max = 0;
  for (const key of ['entry', 'stop', 'target'] as const) {
    const d = Math.abs(a[key] - b[key]) / Math.abs(b[key]);
    if (d > max || d !== d) max = d !== d ? Infinity : d;
  }
  return max;
}

/** Short text of a signal: `long entry 0.051 stop 0.05 target 0.053`, or `no signal`. */
export function describeSignal(s: SignalIntent | null): string {
  if (s === null) return 'no signal';
  return `${s.side} entry ${s.entry} stop ${s.stop} target ${s.target}`;
}

/** Short text of an exit decision: `exit ("reason")` or `no exit`. */
export function describeExit(reason: string | null): string {
  return reason === null ? 'no exit' : `exit (${JSON.stringify(reason)})`;
}

export function iso(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : String(time);
}
