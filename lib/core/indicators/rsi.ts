/**
 * Relative strength index, Wilder / TA-Lib convention (unstable period 0).
 *
 * change[i] = x[i] − x[i−1] for i ≥ 1; gain = max(change, 0), loss = max(−change, 0).
 * At index p: avgGain = mean of the first p gains (changes 1..p), avgLoss likewise; then
 * avgGain[i] = (avgGain[i−1]·(p − 1) + gain[i]) / p, same for losses.
 * rsi[i] = 100 · avgGain / (avgGain + avgLoss).
 * First defined index: p (all NaN when fewer than p + 1 values).
 *
 * Deliberate deviation: when avgGain + avgLoss is exactly 0 (a perfectly flat stretch, common
 * on illiquid pairs) TA-Lib outputs 0 — an "oversold" reading that would fake a reversal
 * signal on the first tick up. We output 50 (neutral) there instead. TA-Lib also tests for
 * zero with a fixed 1e-14 tolerance, which is price-scale dependent; we test for exact 0.
 */
import { assertFinite, assertPeriod, nanArray } from './guards.js';

export function rsi(values: ArrayLike<number>, period: number): Float64Array {
  assertPeriod('RSI', 'period', period);
  assertFinite('RSI', 'values', values);
  const n = values.length;
  const out = nanArray(n);
  if (n <= period) return out;

  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const d = values[i]! - values[i - 1]!;
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= period;
  loss /= period;
  out[period] = ratio(gain, loss);
  const p1 = period - 1;
  for (let i = period + 1; i < n; i++) {
    const d = values[i]! - values[i - 1]!;
    gain = (gain * p1 + (d > 0 ? d : 0)) / period;
    loss = (loss * p1 + (d < 0 ? -d : 0)) / period;
    out[i] = ratio(gain, loss);
  }
  return out;
}

function ratio(gain: number, loss: number): number {
  const total = gain + loss;
  return total === 0 ? 50 : (100 * gain) / total;
}
