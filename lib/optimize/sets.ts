/**
 * The parameter sets of a run: every valid combination of the grid (`--search grid`, the
 * default: grid.ts) or a budget of distinct random draws (`--search random`: random.ts), and the
 * order they are evaluated in.
 *
 * Evaluation order (scheduling only: results are reported by set index, so the order never
 * changes a report): sets sorted by their integer parameters first, then the others, each group
 * in the grid's axis order (random: name order). Integer parameters are what indicator periods
 * are made of, so neighbouring sets share indicator series, and a worker, which evaluates a
 * contiguous run of them (pool.ts), finds them in its IndicatorCache. For a grid this is its own
 * enumeration order whenever the integer axes come first.
 */
import type { Strategy } from '../core/strategies/types.js';
import { expandGrid, gridSize, validateSets, type GridAxis, type InvalidReason } from './grid.js';
import { DEFAULT_SEED, drawsOf, randomSets, type Draw } from './random.js';
import { strategyRanges } from './ranges.js';
import type { SetJob } from './types.js';

export type SearchSpec = { readonly mode: 'grid' } | { readonly mode: 'random'; readonly budget: number; readonly seed?: number };

export interface RandomInfo {
  readonly budget: number;
  readonly seed: number;
  /** What each parameter was drawn from (a --grid axis is summarised by its spec and size). */
  readonly draws: readonly ({ key: string; from: 'range'; min: number; max: number; int: boolean } | { key: string; from: 'grid'; spec: string; values: number })[];
  readonly drawn: number;
  readonly duplicates: number;
}

export interface RunSets {
  readonly jobs: SetJob[];
  /** Grid: combinations; random: draws. */
  readonly total: number;
  readonly invalidCount: number;
  readonly invalid: InvalidReason[];
  /** The parameter names that vary, in report order. */
  readonly keys: readonly string[];
  readonly random?: RandomInfo;
}

function summarise(d: Draw): RandomInfo['draws'][number] {
  return d.from === 'grid' ? { key: d.key, from: 'grid', spec: d.spec, values: d.values.length } : { key: d.key, from: 'range', min: d.min, max: d.max, int: d.int };
}

/** `shortestFold`: with walk-forward, random draws whose warm-up exceeds it are refused (and drawn again). */
export function buildSets(strategy: Strategy<any>, search: SearchSpec, grid: readonly GridAxis[], fixed: Readonly<Record<string, unknown>>, shortestFold = Infinity): RunSets {
  if (search.mode === 'grid') {
    const sets = expandGrid(grid, fixed);
    const checked = validateSets(strategy.params, sets);
    const jobs = checked.valid.map((v) => ({ index: v.index, params: v.params as Record<string, unknown> }));
    return { jobs, total: gridSize(grid), invalidCount: checked.invalidCount, invalid: checked.invalid, keys: grid.map((a) => a.key) };
  }
  const seed = search.seed ?? DEFAULT_SEED;
  const draws = drawsOf(strategyRanges(strategy), grid, fixed);
  const tooLong = `warm-up longer than the shortest walk-forward fold (${shortestFold} candles)`;
  const r = randomSets(strategy.params, draws, fixed, search.budget, seed, (p) => (strategy.warmup(p) > shortestFold ? tooLong : null));
  return {
    jobs: r.valid.map((v) => ({ index: v.index, params: v.params as Record<string, unknown> })),
    total: r.drawn,
    invalidCount: r.invalidCount,
    invalid: r.invalid,
    keys: draws.map((d) => d.key),
    random: { budget: search.budget, seed, draws: draws.map(summarise), drawn: r.drawn, duplicates: r.duplicates },
  };
}

/** `jobs` in evaluation order (see the header): integer params first, then the rest, by `keys`, then index. */
export function evaluationOrder(jobs: readonly SetJob[], keys: readonly string[]): SetJob[] {
  const first = jobs[0]?.params ?? {};
  const isInt = (k: string): boolean => jobs.every((j) => Number.isInteger(j.params[k]));
  const ordered = [...keys.filter((k) => typeof first[k] === 'number' && isInt(k)), ...keys.filter((k) => !(typeof first[k] === 'number' && isInt(k)))];
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  return [...jobs].sort((a, b) => {
    for (const k of ordered) {
      const d = num(a.params[k]) - num(b.params[k]);
      if (d !== 0) return d;
    }
    return a.index - b.index;
  });
}
