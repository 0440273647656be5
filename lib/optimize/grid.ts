/**
 * The parameter grid: `--grid fast=5:20:1,slow=15:60:5` → axes → every combination → the sets
 * the strategy's zod schema accepts (the others are counted and skipped with their reasons).
 *
 * An axis is `key=start:end:step` (start, start + step, … while <= end: end inclusive when on
 * the grid; values rounded to 12 significant digits so 0.1:0.3:0.1 gives 0.1, 0.2, 0.3) or
 * `key=value`. Sets are enumerated with the first axis outermost and the last varying fastest;
 * a set's index is its position in that order. Fixed `--param` values are added to every set.
 */
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { describeIssues } from '../core/zod-issues.js';

/** Bound on the number of parameter sets in one grid. */
export const MAX_GRID_SETS = 100_000;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

export interface GridAxis {
  readonly key: string;
  /** The text given, e.g. `5:20:1`. */
  readonly spec: string;
  readonly values: readonly number[];
}

function bad(message: string): never {
  throw new ConfigError(message, { code: 'BAD_GRID' });
}

function num(key: string, what: string, text: string): number {
  const t = text.trim();
  if (!NUMBER.test(t)) bad(`--grid ${key}: ${what} must be a number, got "${text}"`);
  const x = Number(t);
  if (!Number.isFinite(x)) bad(`--grid ${key}: ${what} must be finite, got "${text}"`);
  return x;
}

function axisValues(key: string, spec: string): number[] {
  const parts = spec.split(':');
  if (parts.length === 1) return [num(key, 'value', parts[0]!)];
  if (parts.length !== 3) bad(`--grid ${key}: expected start:end:step (end inclusive) or one value, got "${spec}"`);
  const start = num(key, 'start', parts[0]!);
  const end = num(key, 'end', parts[1]!);
  const step = num(key, 'step', parts[2]!);
  if (!(step > 0)) bad(`--grid ${key}: step must be > 0, got ${step}`);
  if (end < start) bad(`--grid ${key}: end (${end}) is below start (${start})`);
  const count = Math.floor((end - start) / step + 1e-9) + 1;
  if (count > MAX_GRID_SETS) bad(`--grid ${key}: ${count} values; at most ${MAX_GRID_SETS}`);
  return Array.from({ length: count }, (_, i) => Number((start + i * step).toPrecision(12)));
}

/** Parses `key=start:end:step,key=value,…`; throws ConfigError `BAD_GRID` naming the bad part. */
export function parseGrid(text: string): GridAxis[] {
  if (text.trim() === '') bad('--grid is empty; expected e.g. fast=5:20:1,slow=15:60:5');
  const axes: GridAxis[] = [];
  for (const [i, raw] of text.split(',').entries()) {
    const entry = raw.trim();
    if (entry === '') bad(`--grid: empty entry #${i + 1} in "${text}"`);
    const eq = entry.indexOf('=');
    if (eq <= 0) bad(`--grid: expected key=start:end:step or key=value, got "${entry}"`);
    const key = entry.slice(0, eq).trim();
    const spec = entry.slice(eq + 1).trim();
    if (!KEY.test(key)) bad(`--grid: "${key}" is not a parameter name`);
    if (axes.some((a) => a.key === key)) bad(`--grid: ${key} given twice`);
    if (spec === '') bad(`--grid ${key}: no value`);
    axes.push({ key, spec, values: axisValues(key, spec) });
  }
  return axes;
}

/** Number of combinations of the axes. */
export function gridSize(axes: readonly GridAxis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/** Every combination (first axis outermost), each merged with `fixed`. Bounded by MAX_GRID_SETS. */
export function expandGrid(axes: readonly GridAxis[], fixed: Readonly<Record<string, unknown>> = {}): Record<string, unknown>[] {
  for (const a of axes) if (Object.hasOwn(fixed, a.key)) bad(`${a.key} is both in --grid and a --param`);
  const total = gridSize(axes);
  if (total > MAX_GRID_SETS) bad(`the grid has ${total} parameter sets; at most ${MAX_GRID_SETS}`);
  const out: Record<string, unknown>[] = [];
  const at = axes.map(() => 0);
  for (let n = 0; n < total; n++) {
    const set: Record<string, unknown> = { ...fixed };
    for (let a = 0; a < axes.length; a++) set[axes[a]!.key] = axes[a]!.values[at[a]!];
    out.push(set);
    for (let a = axes.length - 1; a >= 0; a--) {
      if (++at[a]! < axes[a]!.values.length) break;
      at[a] = 0;
    }
  }
  return out;
}

export interface InvalidReason {
  /** The schema's issues, e.g. `fast: fast period must be smaller than slow period`. */
  readonly reason: string;
  readonly count: number;
  /** The first set (grid index and values) refused for it. */
  readonly example: { readonly index: number; readonly params: Readonly<Record<string, unknown>> };
}

export interface ValidatedSets<P> {
  readonly valid: { readonly index: number; readonly params: P }[];
  readonly invalidCount: number;
  /** Distinct reasons, in order of first occurrence. */
  readonly invalid: InvalidReason[];
}

/** Parses every set with the strategy's schema; refused sets are counted per reason, not thrown. */
export function validateSets<P>(schema: z.ZodType<P>, sets: readonly Record<string, unknown>[]): ValidatedSets<P> {
  const valid: { index: number; params: P }[] = [];
  const reasons = new Map<string, { count: number; example: InvalidReason['example'] }>();
  sets.forEach((set, index) => {
    const parsed = schema.safeParse(set);
    if (parsed.success) {
      valid.push({ index, params: parsed.data });
      return;
    }
    const reason = describeIssues(parsed.error.issues, { root: 'params' });
    const seen = reasons.get(reason);
    if (seen) seen.count++;
    else reasons.set(reason, { count: 1, example: { index, params: set } });
  });
  const invalid = [...reasons].map(([reason, r]) => ({ reason, count: r.count, example: r.example }));
  return { valid, invalidCount: sets.length - valid.length, invalid };
}
