/**
 * Test-only helpers: fixture loading, a seeded PRNG, and INDEPENDENT reference
 * implementations of the indicators and of ema-cross, written straight from the textbook /
 * TA-Lib definitions with plain arrays (no code shared with lib/core).
 */
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { candlesFromRows, type Candles, type OhlcvRow } from '../../lib/core/candle.js';

export function loadRows(file: string): OhlcvRow[] {
  return JSON.parse(readFileSync(new URL(`../fixtures/ohlcv/${file}`, import.meta.url), 'utf8')) as OhlcvRow[];
}

export function loadCandles(file: string): Candles {
  return candlesFromRows(loadRows(file));
}

/** Column-wise prefix candles[0..end). */
export function prefix(c: Candles, end: number): Candles {
  return {
    time: c.time.slice(0, end),
    open: c.open.slice(0, end),
    high: c.high.slice(0, end),
    low: c.low.slice(0, end),
    close: c.close.slice(0, end),
    volume: c.volume.slice(0, end),
  };
}

/** open = previous close (or `opens[i]`), high/low one unit outside the body → TR = |Δ| + 2. */
export function handCandles(closes: readonly number[], opens: Readonly<Record<number, number>> = {}): Candles {
  const rows: OhlcvRow[] = closes.map((c, i) => {
    const o = opens[i] ?? (i === 0 ? c : closes[i - 1]!);
    return [1_700_000_000_000 + i * 300_000, o, Math.max(o, c) + 1, Math.min(o, c) - 1, c, 1];
  });
  return candlesFromRows(rows);
}

/** Deterministic PRNG in [0, 1): the simulator's, shared. */
export { mulberry32 } from '../support/exchange-sim/random-walk.js';

/** A random-walk candle series; open = previous close, wicks around the body. */
export function randomWalk(n: number, rnd: () => number, start = 100, vol = 0.02): Candles {
  const rows: OhlcvRow[] = [];
  let prev = start;
  for (let i = 0; i < n; i++) {
    const open = prev;
    const close = open * (1 + (rnd() - 0.5) * 2 * vol);
    const high = Math.max(open, close) * (1 + rnd() * vol);
    const low = Math.min(open, close) * (1 - rnd() * vol);
    rows.push([i * 60_000, open, high, low, close, rnd() * 10]);
    prev = close;
  }
  return candlesFromRows(rows);
}

/** Asserts equal NaN positions and |a − e| <= rel·max(|a|, |e|, floor) elsewhere. */
export function assertSeriesClose(
  actual: ArrayLike<number>,
  expected: readonly number[],
  label: string,
  rel = 1e-9,
  floor = 0,
): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      assert.ok(Number.isNaN(a) && Number.isNaN(e), `${label}[${i}]: got ${a}, expected ${e}`);
      continue;
    }
    const tol = rel * Math.max(Math.abs(a), Math.abs(e), floor);
    assert.ok(Math.abs(a - e) <= tol, `${label}[${i}]: got ${a}, expected ${e}`);
  }
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * Textbook EMA whose seed is the mean of the p values ending at `seedEnd` (TA-Lib: seedEnd =
 * p − 1): seed = Σx / p, then ema[i] = x[i]·k + ema[i−1]·(1 − k), literally.
 */
function refEmaSeeded(x: readonly number[], p: number, seedEnd: number): number[] {
  const out = x.map(() => NaN);
  if (seedEnd >= x.length || seedEnd - p + 1 < 0) return out;
  const k = 2 / (p + 1);
  out[seedEnd] = mean(x.slice(seedEnd - p + 1, seedEnd + 1));
  for (let i = seedEnd + 1; i < x.length; i++) out[i] = x[i]! * k + out[i - 1]! * (1 - k);
  return out;
}

/** Textbook EMA (for value comparisons at 1e-9). */
export function refEma(x: readonly number[], p: number): number[] {
  return refEmaSeeded(x, p, p - 1);
}

/**
 * The same EMA in the floating-point recipe lib/core/indicators/ema.ts documents (TA-Lib's
 * update ema + (x − ema)·k, seed x0 + Σ(x − x0)/p), so that exact TIES between two EMAs
 * (flat stretches, integer prices) resolve bit for bit as in the implementation. Used by the
 * ema-cross reference, whose job is the crossing rule, not the last ulp.
 */
export function refEmaExactTies(x: readonly number[], p: number): number[] {
  const out = x.map(() => NaN);
  if (x.length < p) return out;
  const k = 2 / (p + 1);
  const x0 = x[0]!;
  out[p - 1] = x0 + x.slice(0, p).reduce((s, v) => s + (v - x0), 0) / p;
  for (let i = p; i < x.length; i++) out[i] = out[i - 1]! + (x[i]! - out[i - 1]!) * k;
  return out;
}

export function refTrueRange(c: Candles): number[] {
  return c.close.map((_, i) =>
    i === 0
      ? NaN
      : Math.max(c.high[i]! - c.low[i]!, Math.abs(c.high[i]! - c.close[i - 1]!), Math.abs(c.low[i]! - c.close[i - 1]!)),
  );
}

export function refAtr(c: Candles, p: number): number[] {
  const tr = refTrueRange(c);
  const out = tr.map(() => NaN);
  if (tr.length <= p) return out;
  out[p] = mean(tr.slice(1, p + 1));
  for (let i = p + 1; i < tr.length; i++) out[i] = (out[i - 1]! * (p - 1) + tr[i]!) / p;
  return out;
}

/** TA-Lib RSI, except 50 (not 0) when average gain and loss are both 0 (documented choice). */
export function refRsi(x: readonly number[], p: number): number[] {
  const out = x.map(() => NaN);
  if (x.length <= p) return out;
  const change = x.map((v, i) => (i === 0 ? 0 : v - x[i - 1]!));
  let g = mean(change.slice(1, p + 1).map((d) => Math.max(d, 0)));
  let l = mean(change.slice(1, p + 1).map((d) => Math.max(-d, 0)));
  const value = () => (g + l === 0 ? 50 : (100 * g) / (g + l));
  out[p] = value();
  for (let i = p + 1; i < x.length; i++) {
    g = (g * (p - 1) + Math.max(change[i]!, 0)) / p;
    l = (l * (p - 1) + Math.max(-change[i]!, 0)) / p;
    out[i] = value();
  }
  return out;
}

export function refBollinger(x: readonly number[], p: number, k: number) {
  const middle = x.map(() => NaN);
  const upper = x.map(() => NaN);
  const lower = x.map(() => NaN);
  for (let i = p - 1; i < x.length; i++) {
    const w = x.slice(i - p + 1, i + 1);
    const m = mean(w);
    const sd = Math.sqrt(mean(w.map((v) => (v - m) ** 2)));
    middle[i] = m;
    upper[i] = m + k * sd;
    lower[i] = m - k * sd;
  }
  return { middle, upper, lower };
}

/** TA-Lib TA_MACD over the whole series: both EMAs seeded at index slow − 1. */
export function refMacd(x: readonly number[], fast: number, slow: number, signal: number) {
  const f = refEmaSeeded(x, fast, slow - 1);
  const s = refEmaSeeded(x, slow, slow - 1);
  const macd = x.map((_, i) => f[i]! - s[i]!);
  const sigFromStart = refEmaSeeded(macd.slice(slow - 1), signal, signal - 1);
  const sig = x.map((_, i) => (i < slow - 1 ? NaN : sigFromStart[i - slow + 1]!));
  const histogram = x.map((_, i) => macd[i]! - sig[i]!);
  return { macd, signal: sig, histogram };
}

export interface RefSignal {
  side: 'long' | 'short';
  index: number;
  entry: number;
  stop: number;
  target: number;
}

/** ema-cross written from its specification text. */
export function refEmaCross(
  c: Candles,
  p: { fast: number; slow: number; atr: number; stopAtr: number; takeAtr: number },
  nextOpen?: number,
  emaFn: (x: readonly number[], p: number) => number[] = refEmaExactTies,
): RefSignal[] {
  const fast = emaFn(c.close, p.fast);
  const slow = emaFn(c.close, p.slow);
  const atr = refAtr(c, p.atr);
  const n = c.close.length;
  const out: RefSignal[] = [];
  for (let i = 1; i < n; i++) {
    const vals = [fast[i - 1]!, slow[i - 1]!, fast[i]!, slow[i]!, atr[i]!];
    if (vals.some((v) => Number.isNaN(v))) continue;
    let side: 'long' | 'short' | null = null;
    if (fast[i - 1]! <= slow[i - 1]! && fast[i]! > slow[i]!) side = 'long';
    else if (fast[i - 1]! >= slow[i - 1]! && fast[i]! < slow[i]!) side = 'short';
    if (side === null) continue;
    const entry = i + 1 < n ? c.open[i + 1]! : (nextOpen ?? c.close[i]!);
    const a = atr[i]!;
    const s: RefSignal =
      side === 'long'
        ? { side, index: i, entry, stop: entry - p.stopAtr * a, target: entry + p.takeAtr * a }
        : { side, index: i, entry, stop: entry + p.stopAtr * a, target: entry - p.takeAtr * a };
    if (s.stop === entry || s.target === entry) continue; // degenerate bracket: no trade
    if (!(s.stop > 0 && s.target > 0)) continue; // a stop or target at or below zero is no price: no trade
    out.push(s);
  }
  return out;
}
