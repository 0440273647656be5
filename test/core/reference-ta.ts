/**
 * Test-only INDEPENDENT reference implementations of the ctx.ta indicators (issue 16), written
 * straight from the textbook definitions with plain arrays, slices and Math.max/min over each
 * window (O(n·p), no running sums, no deques) — no code shared with lib/core/indicators nor
 * copied from technicalindicators. Where our documented convention differs from a textbook
 * variant the comment says which one is written here (docs/indicators.md has the reasons):
 * - flat windows read neutral (Stochastic/StochRSI 50, Williams %R −50, CCI 0, MFI 50);
 * - MFI: an unchanged typical price is neither positive nor negative flow;
 * - VWAP: anchored to the UTC day, the first day NaN unless the data starts at 00:00 UTC;
 * - Ichimoku: the spans at i are those computed at i − displacement (the cloud drawn under i);
 * - Parabolic SAR: starts long at candle 0 (technicalindicators' start), index 0 NaN.
 * The reference EMA/ATR/RSI come from ./reference.ts (also independent of lib/core).
 */
import type { Candles } from '../../lib/core/candle.js';
import { refAtr, refEma, refRsi } from './reference.js';

const nans = (n: number): number[] => new Array<number>(n).fill(NaN);
const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const win = (x: readonly number[], i: number, p: number): number[] => x.slice(i - p + 1, i + 1);
const hiOf = (c: Candles, i: number, p: number): number => Math.max(...win(c.high, i, p));
const loOf = (c: Candles, i: number, p: number): number => Math.min(...win(c.low, i, p));
const typical = (c: Candles): number[] => c.close.map((cl, i) => (c.high[i]! + c.low[i]! + cl) / 3);

/** Mean of the last p defined values of `x` ending at i (NaN if any of them is NaN or missing). */
function smaOfSeries(x: readonly number[], p: number): number[] {
  return x.map((_, i) => {
    if (i - p + 1 < 0) return NaN;
    const w = win(x, i, p);
    return w.some((v) => Number.isNaN(v)) ? NaN : mean(w);
  });
}

export function refSma(x: readonly number[], p: number): number[] {
  return smaOfSeries(x, p);
}

/** Weights 1 (oldest) .. p (newest), divided by p(p+1)/2. */
export function refWma(x: readonly number[], p: number): number[] {
  return x.map((_, i) => {
    if (i < p - 1) return NaN;
    let num = 0;
    for (let j = 0; j < p; j++) num += (j + 1) * x[i - p + 1 + j]!;
    return num / ((p * (p + 1)) / 2);
  });
}

/** Wilder's original ADX with running SUMS (TR14 = TR14 − TR14/14 + TR), as in "New Concepts" (1978). */
export function refAdx(c: Candles, p: number) {
  const n = c.close.length;
  const adx = nans(n);
  const pdi = nans(n);
  const mdi = nans(n);
  const dx = nans(n);
  let sTr = 0;
  let sP = 0;
  let sM = 0;
  for (let i = 1; i < n; i++) {
    const upMove = c.high[i]! - c.high[i - 1]!;
    const downMove = c.low[i - 1]! - c.low[i]!;
    const plusDm = upMove > downMove && upMove > 0 ? upMove : 0;
    const minusDm = downMove > upMove && downMove > 0 ? downMove : 0;
    const tr = Math.max(c.high[i]! - c.low[i]!, Math.abs(c.high[i]! - c.close[i - 1]!), Math.abs(c.low[i]! - c.close[i - 1]!));
    if (i <= p) {
      sTr += tr;
      sP += plusDm;
      sM += minusDm;
      if (i < p) continue;
    } else {
      sTr = sTr - sTr / p + tr;
      sP = sP - sP / p + plusDm;
      sM = sM - sM / p + minusDm;
    }
    pdi[i] = sTr === 0 ? 0 : (sP / sTr) * 100;
    mdi[i] = sTr === 0 ? 0 : (sM / sTr) * 100;
    const total = pdi[i]! + mdi[i]!;
    dx[i] = total === 0 ? 0 : (Math.abs(pdi[i]! - mdi[i]!) / total) * 100;
  }
  if (n > 2 * p - 1) {
    adx[2 * p - 1] = mean(dx.slice(p, 2 * p));
    for (let i = 2 * p; i < n; i++) adx[i] = (adx[i - 1]! * (p - 1) + dx[i]!) / p;
  }
  return { adx, pdi, mdi };
}

/** Position of v in [lo, hi] in percent; 50 when the window is flat. */
const position = (v: number, lo: number, hi: number): number => (hi === lo ? 50 : ((v - lo) / (hi - lo)) * 100);

export function refStochastic(c: Candles, kPeriod: number, kSmooth: number, dPeriod: number) {
  const raw = c.close.map((cl, i) => (i < kPeriod - 1 ? NaN : position(cl, loOf(c, i, kPeriod), hiOf(c, i, kPeriod))));
  const k = smaOfSeries(raw, kSmooth);
  return { k, d: smaOfSeries(k, dPeriod) };
}

export function refStochRsi(x: readonly number[], rsiPeriod: number, stochPeriod: number, kSmooth: number, dPeriod: number) {
  const r = refRsi(x, rsiPeriod);
  const raw = r.map((v, i) => {
    if (i < rsiPeriod + stochPeriod - 1) return NaN;
    const w = win(r, i, stochPeriod);
    return position(v, Math.min(...w), Math.max(...w));
  });
  const k = smaOfSeries(raw, kSmooth);
  return { k, d: smaOfSeries(k, dPeriod) };
}

/** %R = (HH − close)/(HH − LL)·(−100); −50 when flat. */
export function refWilliamsR(c: Candles, p: number): number[] {
  return c.close.map((cl, i) => {
    if (i < p - 1) return NaN;
    const hh = hiOf(c, i, p);
    const ll = loOf(c, i, p);
    return hh === ll ? -50 : ((hh - cl) / (hh - ll)) * -100;
  });
}

/** Lambert's CCI with the 0.015 constant and the MEAN absolute deviation; 0 when flat. */
export function refCci(c: Candles, p: number): number[] {
  const tp = typical(c);
  return tp.map((t, i) => {
    if (i < p - 1) return NaN;
    const w = win(tp, i, p);
    if (w.every((v) => v === w[0])) return 0; // flat window (documented convention; the literal formula is 0/0)
    const m = mean(w);
    const md = mean(w.map((v) => Math.abs(v - m)));
    return (t - m) / (0.015 * md);
  });
}

/** MFI = 100 − 100/(1 + positive/negative money flow) over p flows; 50 when there is no flow. */
export function refMfi(c: Candles, p: number): number[] {
  const tp = typical(c);
  const flow = tp.map((t, i) => t * c.volume[i]!);
  return tp.map((_, i) => {
    if (i < p) return NaN;
    let positive = 0;
    let negative = 0;
    for (let j = i - p + 1; j <= i; j++) {
      if (tp[j]! > tp[j - 1]!) positive += flow[j]!;
      if (tp[j]! < tp[j - 1]!) negative += flow[j]!;
    }
    if (positive + negative === 0) return 50;
    return negative === 0 ? 100 : 100 - 100 / (1 + positive / negative);
  });
}

/** Granville's OBV: running total of ±volume from candle 1 (0 before it); index 0 NaN. */
export function refObv(c: Candles): number[] {
  const out = nans(c.close.length);
  let total = 0;
  for (let i = 1; i < c.close.length; i++) {
    total += c.close[i]! > c.close[i - 1]! ? c.volume[i]! : c.close[i]! < c.close[i - 1]! ? -c.volume[i]! : 0;
    out[i] = total;
  }
  return out;
}

/** Day-anchored VWAP, grouping candles by their UTC calendar date (ISO string). */
export function refVwap(c: Candles): number[] {
  const date = (t: number): string => new Date(t).toISOString().slice(0, 10);
  const startsAtMidnight = c.time.length > 0 && new Date(c.time[0]!).toISOString().endsWith('T00:00:00.000Z');
  const skip = startsAtMidnight || c.time.length === 0 ? null : date(c.time[0]!);
  const tp = typical(c);
  const days = c.time.map(date);
  return days.map((d, i) => {
    if (d === skip) return NaN;
    const idx: number[] = [];
    for (let j = i; j >= 0 && days[j] === d; j--) idx.push(j);
    const vol = idx.reduce((s, j) => s + c.volume[j]!, 0);
    if (vol === 0) return mean(idx.map((j) => tp[j]!));
    return idx.reduce((s, j) => s + tp[j]! * c.volume[j]!, 0) / vol;
  });
}

/** Wilder's Parabolic SAR, starting long at candle 0 with SAR = low[0], EP = high[0], AF = step. */
export function refPsar(c: Candles, step: number, max: number): number[] {
  const n = c.close.length;
  const out = nans(n);
  let long = true;
  let sar = c.low[0]!;
  let ep = c.high[0]!;
  let af = step;
  for (let i = 1; i < n; i++) {
    sar += af * (ep - sar);
    const back1 = i - 1;
    const back2 = Math.max(i - 2, 0);
    if (long) {
      sar = Math.min(sar, c.low[back1]!, c.low[back2]!);
      if (c.high[i]! > ep) {
        ep = c.high[i]!;
        af = Math.min(af + step, max);
      }
      if (c.low[i]! < sar) {
        long = false;
        sar = ep;
        ep = c.low[i]!;
        af = step;
      }
    } else {
      sar = Math.max(sar, c.high[back1]!, c.high[back2]!);
      if (c.low[i]! < ep) {
        ep = c.low[i]!;
        af = Math.min(af + step, max);
      }
      if (c.high[i]! > sar) {
        long = true;
        sar = ep;
        ep = c.high[i]!;
        af = step;
      }
    }
    out[i] = sar;
  }
  return out;
}

const midpoint = (c: Candles, i: number, p: number): number => (i < p - 1 ? NaN : (hiOf(c, i, p) + loOf(c, i, p)) / 2);

export function refIchimoku(c: Candles, conversion: number, base: number, spanB: number, displacement: number) {
  const idx = c.close.map((_, i) => i);
  const conv = idx.map((i) => midpoint(c, i, conversion));
  const baseLine = idx.map((i) => midpoint(c, i, base));
  const spanA = idx.map((i) => (i < displacement ? NaN : (conv[i - displacement]! + baseLine[i - displacement]!) / 2));
  const spanBOut = idx.map((i) => (i < displacement ? NaN : midpoint(c, i - displacement, spanB)));
  return { conversion: conv, base: baseLine, spanA, spanB: spanBOut };
}

export function refDonchian(c: Candles, p: number) {
  const idx = c.close.map((_, i) => i);
  const upper = idx.map((i) => (i < p - 1 ? NaN : hiOf(c, i, p)));
  const lower = idx.map((i) => (i < p - 1 ? NaN : loOf(c, i, p)));
  return { upper, middle: upper.map((u, i) => (u + lower[i]!) / 2), lower };
}

/** Keltner: EMA(p) of close ± k·ATR(atrP) (Wilder ATR), NaN wherever either is undefined. */
export function refKeltner(c: Candles, p: number, atrPeriod: number, k: number) {
  const mid = refEma(c.close, p);
  const range = refAtr(c, atrPeriod);
  const ok = (i: number): boolean => !Number.isNaN(mid[i]!) && !Number.isNaN(range[i]!);
  return {
    upper: mid.map((m, i) => (ok(i) ? m + k * range[i]! : NaN)),
    middle: mid.map((m, i) => (ok(i) ? m : NaN)),
    lower: mid.map((m, i) => (ok(i) ? m - k * range[i]! : NaN)),
  };
}
