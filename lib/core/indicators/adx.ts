/**
 * ADX / DMI, Wilder (as TA-Lib TA_ADX, TA_PLUS_DI, TA_MINUS_DI).
 *
 * For i ≥ 1: up = high[i] − high[i−1], down = low[i−1] − low[i];
 * +DM = up if up > down and up > 0, else 0; −DM = down if down > up and down > 0, else 0;
 * TR as in atr.ts. Each is Wilder-smoothed from index p: the mean of values 1..p, then
 * s[i] = (s[i−1]·(p − 1) + x[i]) / p (Wilder's running SUMS give the same ratios).
 * +DI = 100·s(+DM)/s(TR), −DI = 100·s(−DM)/s(TR) (0 when s(TR) = 0), defined from index p.
 * DX = 100·|+DI − −DI| / (+DI + −DI) (0 when both are 0); ADX = mean of DX[p..2p−1] at index
 * 2p − 1, then Wilder-smoothed. First defined index: pdi/mdi p, adx 2p − 1.
 */
import { assertFinite, assertPeriod, assertSameLength, nanArray } from './guards.js';

export interface AdxResult {
  readonly adx: Float64Array;
  readonly pdi: Float64Array;
  readonly mdi: Float64Array;
}

export function adx(high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, period: number): AdxResult {
  assertPeriod('ADX', 'period', period);
  const n = assertSameLength('ADX', { high, low, close });
  assertFinite('ADX', 'high', high);
  assertFinite('ADX', 'low', low);
  assertFinite('ADX', 'close', close);
  const out = { adx: nanArray(n), pdi: nanArray(n), mdi: nanArray(n) };
  if (n <= period) return out;
  let tr = 0;
  let pdm = 0;
  let mdm = 0;
  let dxSum = 0;
  let adxPrev = 0;
  const p1 = period - 1;
  for (let i = 1; i < n; i++) {
    const up = high[i]! - high[i - 1]!;
    const down = low[i - 1]! - low[i]!;
    const prevClose = close[i - 1]!;
    const t = Math.max(high[i]! - low[i]!, Math.abs(high[i]! - prevClose), Math.abs(low[i]! - prevClose));
    const p = up > down && up > 0 ? up : 0;
    const m = down > up && down > 0 ? down : 0;
    if (i <= period) {
      tr += t;
      pdm += p;
      mdm += m;
      if (i < period) continue;
      tr /= period;
      pdm /= period;
      mdm /= period;
    } else {
      tr = (tr * p1 + t) / period;
      pdm = (pdm * p1 + p) / period;
      mdm = (mdm * p1 + m) / period;
    }
    const pdi = tr === 0 ? 0 : (100 * pdm) / tr;
    const mdi = tr === 0 ? 0 : (100 * mdm) / tr;
    out.pdi[i] = pdi;
    out.mdi[i] = mdi;
    const sum = pdi + mdi;
    const dx = sum === 0 ? 0 : (100 * Math.abs(pdi - mdi)) / sum;
    if (i < 2 * period - 1) {
      dxSum += dx;
    } else if (i === 2 * period - 1) {
      adxPrev = (dxSum + dx) / period;
      out.adx[i] = adxPrev;
    } else {
      adxPrev = (adxPrev * p1 + dx) / period;
      out.adx[i] = adxPrev;
    }
  }
  return out;
}
