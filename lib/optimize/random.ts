/**
 * Random search: `--search random --budget N [--seed S]` draws parameter sets at random from
 * each parameter's range and keeps the first N distinct sets the strategy's schema accepts.
 *
 * - What is drawn: every parameter with a range (the strategy's `paramRanges`: {min, max, int})
 *   and every `--grid` axis. A `--grid` axis overrides the strategy's range for its parameter:
 *   its values (start:end:step, or one value) are drawn uniformly, so the command line can narrow
 *   a range or put it on a lattice. `--param` values are fixed; the rest take their defaults.
 * - Integers are uniform over min..max (both inclusive unless the schema's bound is exclusive);
 *   other numbers uniform over [min, max], rounded to 6 significant digits (readable reports;
 *   rounding stays inside the range; a draw on an exclusive bound is refused and drawn again).
 * - Deterministic: a seeded PRNG (mulberry32), parameters drawn in name order, so one seed gives
 *   the same sets on any machine; the default seed is 1.
 * - A draw the schema refuses (e.g. fast >= slow), or whose warm-up is longer than the shortest
 *   walk-forward fold (it could never trade there), is counted per reason and drawn again; a draw
 *   equal to an earlier set is counted as a duplicate and drawn again. At most
 *   MAX_DRAWS_PER_SET · N draws in all: a small space ends the search early with what it found.
 * - Sets are numbered 0..N−1 in the order they were drawn (the report's `#index`).
 */
import type { z } from 'zod';
import type { ParamRange } from '../core/strategies/kit.js';
import { ConfigError } from '../errors.js';
import { describeIssues } from '../core/zod-issues.js';
import type { GridAxis, InvalidReason } from './grid.js';

export const MAX_BUDGET = 100_000;
export const MAX_DRAWS_PER_SET = 20;
export const DEFAULT_SEED = 1;


/** What one parameter is drawn from: a range, or the values of a --grid axis. */
export type Draw =
  | ({ readonly key: string; readonly from: 'range' } & ParamRange)
  | { readonly key: string; readonly from: 'grid'; readonly spec: string; readonly values: readonly number[] };

export interface RandomSets<P> {
  readonly draws: readonly Draw[];
  readonly valid: { readonly index: number; readonly params: P }[];
  /** Draws in all (valid + invalid + duplicates). */
  readonly drawn: number;
  readonly invalidCount: number;
  readonly invalid: InvalidReason[];
  readonly duplicates: number;
}

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; returns uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The draws in name order: strategy ranges, overridden by --grid axes; --param keys excluded. */
export function drawsOf(ranges: Readonly<Record<string, ParamRange>>, axes: readonly GridAxis[], fixed: Readonly<Record<string, unknown>>): Draw[] {
  for (const a of axes) if (Object.hasOwn(fixed, a.key)) throw new ConfigError(`${a.key} is both in --grid and a --param`, { code: 'BAD_GRID' });
  const keys = [...new Set([...Object.keys(ranges), ...axes.map((a) => a.key)])].filter((k) => !Object.hasOwn(fixed, k)).sort();
  return keys.map((key): Draw => {
    const axis = axes.find((a) => a.key === key);
    if (axis !== undefined) return { key, from: 'grid', spec: axis.spec, values: axis.values };
    return { key, from: 'range', ...ranges[key]! };
  });
}

function drawOne(d: Draw, next: () => number): number {
  if (d.from === 'grid') return d.values[Math.min(d.values.length - 1, Math.floor(next() * d.values.length))]!;
  if (d.int) {
    const lo = d.minExclusive ? Math.floor(d.min) + 1 : Math.ceil(d.min);
    const hi = d.maxExclusive ? Math.ceil(d.max) - 1 : Math.floor(d.max);
    return lo + Math.min(hi - lo, Math.floor(next() * (hi - lo + 1)));
  }
  const x = Number((d.min + next() * (d.max - d.min)).toPrecision(6));
  return Math.min(d.max, Math.max(d.min, x));
}

/**
 * `refuse` (optional): a further check of a parsed set, returning the reason it cannot be used
 * (e.g. its warm-up is longer than a walk-forward fold) or null; such draws count as invalid.
 */
export function randomSets<P>(
  schema: z.ZodType<P>,
  draws: readonly Draw[],
  fixed: Readonly<Record<string, unknown>>,
  budget: number,
  seed: number,
  refuse: (params: P) => string | null = () => null,
): RandomSets<P> {
  if (!(Number.isInteger(budget) && budget >= 1 && budget <= MAX_BUDGET)) throw new ConfigError(`--budget must be an integer in 1..${MAX_BUDGET}, got ${budget}`, { code: 'BAD_ARGS' });
  if (draws.length === 0) throw new ConfigError('random search: no parameter to draw (the strategy declares no ranges; give some with --grid key=min:max:step)', { code: 'BAD_ARGS' });
  const next = seededRandom(seed);
  const valid: { index: number; params: P }[] = [];
  const seen = new Set<string>();
  const reasons = new Map<string, { count: number; example: InvalidReason['example'] }>();
  let drawn = 0;
  let invalidCount = 0;
  let duplicates = 0;
  while (valid.length < budget && drawn < budget * MAX_DRAWS_PER_SET) {
    const set: Record<string, unknown> = { ...fixed };
    for (const d of draws) set[d.key] = drawOne(d, next);
    drawn++;
    const parsed = schema.safeParse(set);
    const refused = parsed.success ? refuse(parsed.data) : null;
    if (!parsed.success || refused !== null) {
      invalidCount++;
      const reason = parsed.success ? refused! : describeIssues(parsed.error.issues, { root: 'params' });
      const r = reasons.get(reason);
      if (r) r.count++;
      else reasons.set(reason, { count: 1, example: { index: drawn - 1, params: set } });
      continue;
    }
    const key = JSON.stringify(parsed.data);
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    valid.push({ index: valid.length, params: parsed.data });
  }
  const invalid = [...reasons].map(([reason, r]) => ({ reason, count: r.count, example: r.example }));
  return { draws, valid, drawn, invalidCount, invalid, duplicates };
}
