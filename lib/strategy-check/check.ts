/**
 * `checkStrategy`: the lookahead check (lookahead.ts) then the recursion / warm-up check
 * (warmup.ts) of one strategy with one parameter set over one series. Pure apart from the
 * progress callback. docs/strategies-check.md explains both checks and their exact definitions.
 */
import { PermanentError } from '../errors.js';
import { checkLookahead } from './lookahead.js';
import type { CheckInput, CheckReport } from './types.js';
import { checkWarmup } from './warmup.js';

/** The live scan's default history (config `scan.candles` default). */
export const DEFAULT_LIVE_HISTORY = 200;

/** The live history when none is given: the scan default, at least warmup + 1 (the config refuses less). */
export function defaultLiveHistory(warmup: number): number {
  return Math.max(DEFAULT_LIVE_HISTORY, warmup + 1);
}

/** The checked candle range: [max(warmup − 1, from), min(n − 1, to)]. Throws when it is empty. */
export function checkedRange(n: number, warmup: number, from = 0, to = n - 1): { from: number; to: number } {
  const first = Math.max(warmup - 1, from, 0);
  const last = Math.min(n - 1, to);
  if (n < warmup) {
    throw new PermanentError(`the data has ${n} candles; the strategy needs ${warmup} to warm up`, { code: 'INSUFFICIENT_HISTORY' });
  }
  if (first > last) {
    throw new PermanentError(`no candle to check: candles ${first}..${last} (warm-up ${warmup}, ${n} candles)`, { code: 'INSUFFICIENT_HISTORY' });
  }
  return { from: first, to: last };
}

export function checkStrategy(input: CheckInput): CheckReport {
  const n = input.candles.close.length;
  const warmup = input.strategy.warmup(input.params);
  if (!Number.isInteger(warmup) || warmup < 1) {
    throw new PermanentError(`${input.strategy.name}: warmup(params) must be an integer ≥ 1, got ${String(warmup)}`, { code: 'BAD_STRATEGY' });
  }
  const { from, to } = checkedRange(n, warmup, input.from, input.to);
  const total = to - from + 1;
  const phase = (offset: number) => (done: number) => input.onProgress?.(offset + done, 2 * total);
  const look = checkLookahead({ ...input, onProgress: phase(0) }, from, to);
  const liveHistory = input.liveHistory ?? defaultLiveHistory(warmup);
  const warm = checkWarmup({ ...input, onProgress: phase(total) }, from, to, warmup, liveHistory, look.prefix);
  const live = warm.steps.find((s) => s.history === liveHistory && s.label.startsWith('live'));
  const warmupOk = warm.undefinedSides.length === 0 && (live === undefined || (live.differ === 0 && live.exitsDiffer === 0));
  return {
    strategy: input.strategy.name,
    params: input.params,
    candles: n,
    warmup,
    from,
    to,
    signals: look.signals,
    exits: look.exits,
    lookahead: look.findings,
    warmupCheck: warm,
    ok: look.findings.length === 0 && warmupOk,
  };
}
