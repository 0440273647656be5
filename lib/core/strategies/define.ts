/**
 * `defineStrategy`: turns a strategy definition (definition.ts, docs/strategies.md) into the
 * `Strategy` the rest of candlebot calls. `evaluate`, `evaluateAll`, `exitAt` and `exitsAll` run
 * the very same per-index rules on the very same indicator arrays, so each "all" result equals the
 * last-candle result on every prefix by construction (and the tests check it).
 *
 * Entry reference for a signal on candle i: open[i + 1] when that candle is in the series,
 * else the `nextOpen` argument (live: the forming candle's open), else close[i]; the bracket
 * (brackets.ts) prices stop and target from it. No signal when the bracket is degenerate: stop or
 * target not strictly on its side of the entry, or not finite (atr[i] = 0, or stopAtr·atr[i]
 * below half an ulp of the price): position sizing would divide by zero.
 *
 * Hot path (the optimiser runs evaluateAll millions of times per second): the per-candle loop
 * calls the entry rule only; nothing is allocated unless it returns a side.
 */
import type { Candles } from '../candle.js';
import type { IndicatorCache } from '../indicators/cache.js';
import { PermanentError } from '../../errors.js';
import type { AtrBracketParams, BracketLevels, PercentBracketParams } from './brackets.js';
import { indicatorContext } from './context.js';
import { MAX_EXIT_REASON, badStrategy, validateDefinition, type StrategyDefinition } from './definition.js';
import type { EvalContext, ExitIntent, HigherNeed, SignalIntent, Side, Strategy, StrategyLine, StrategyPane } from './types.js';

/**
 * True when none of the values is NaN (indicator outputs are finite or NaN). Fixed arity on
 * purpose: a rest parameter allocates an array per call, which was most of the backtest time.
 */
export function defined(a: number, b: number, c = 0, d = 0): boolean {
  return a === a && b === b && c === c && d === d;
}

function invalid(message: string): never {
  throw new PermanentError(message, { code: 'INVALID_CANDLE' });
}

/** Checks the columns have one length and every open is finite; returns that length. */
export function checkCandles(strategy: string, candles: Candles): number {
  const n = candles.close.length;
  for (const key of ['time', 'open', 'high', 'low', 'volume'] as const) {
    if (candles[key].length !== n) invalid(`${strategy}: candles.${key} has ${candles[key].length} values, expected ${n}`);
  }
  const open = candles.open;
  for (let i = 0; i < n; i++) {
    const v = open[i]!;
    if (v - v !== 0) invalid(`${strategy}: candles.open[${i}] is ${String(v)}; expected a finite number`);
  }
  return n;
}

const ATR = 0;
const PERCENT = 1;
const CUSTOM = 2;

/** Indicators of one series, with what the bracket and the snapshot need. */
interface Prepared<I> {
  readonly ind: I;
  /** The ATR series of an ATR bracket, else null. */
  readonly atr: Float64Array | null;
  /** The default snapshot's series (every 1-D series of `ind`), names and values; found once per series. */
  readonly names: readonly string[];
  readonly series: readonly ArrayLike<unknown>[];
}

export type Origin = 'built-in' | 'user';

/** `defineStrategy` with its origin (the kit's defineStrategy is 'user'; lib/core's built-ins say 'built-in'). */
export function defineWithOrigin<P extends object, I extends object>(def: StrategyDefinition<P, I>, origin: Origin): Strategy<P> {
  validateDefinition(def as unknown as StrategyDefinition<object, object>);
  const name = def.name;
  const kind = def.bracket.kind === 'atr' ? ATR : def.bracket.kind === 'percent' ? PERCENT : CUSTOM;
  const levels = def.bracket.kind === 'custom' ? def.bracket.levels : null;
  const entryRule = def.entry;
  const exitRule = def.exit;
  const snapshotOf = def.snapshot;
  const higher = def.higher ?? [];

  function prepare(candles: Candles, params: P, cache: IndicatorCache | undefined, context: EvalContext | undefined, bracket: boolean): Prepared<I> {
    const ctx = indicatorContext(name, higher as never, candles, cache, context);
    const ind = def.indicators(candles, params, ctx);
    if (typeof ind !== 'object' || ind === null) badStrategy(name, 'indicators must return an object of series');
    const atr = bracket && kind === ATR ? ctx.ta.atr((params as unknown as AtrBracketParams).atr) : null;
    const names: string[] = [];
    const series: ArrayLike<unknown>[] = [];
    if (bracket && snapshotOf === undefined) {
      for (const [k, v] of Object.entries(ind)) {
        if (v instanceof Float64Array || Array.isArray(v)) {
          names.push(k);
          series.push(v as ArrayLike<unknown>);
        }
      }
    }
    return { ind, atr, names, series };
  }

  /** Indicator values at a signal (finite ones), built only on signals. */
  function snapshot(prep: Prepared<I>, i: number): Record<string, number> {
    const out: Record<string, number> = {};
    if (snapshotOf !== undefined) {
      // The strategy's own object, used as is when it can be (the common case: a fresh object
      // literal of finite numbers); copied without the non-finite values otherwise.
      const own = snapshotOf(prep.ind, i);
      if (typeof own !== 'object' || own === null) badStrategy(name, `snapshot must return an object of numbers, got ${String(own)}`);
      let usable = Object.isExtensible(own);
      for (const k in own) {
        const v = own[k];
        if (!(typeof v === 'number' && v - v === 0)) usable = false;
      }
      if (usable) {
        if (prep.atr !== null) own.atr = prep.atr[i]!;
        return own;
      }
      for (const k in own) {
        const v = own[k];
        if (typeof v === 'number' && v - v === 0) out[k] = v;
      }
    } else {
      const { names, series } = prep;
      for (let k = 0; k < names.length; k++) {
        const v = series[k]![i];
        if (typeof v === 'number' && v - v === 0) out[names[k]!] = v;
      }
    }
    if (prep.atr !== null) out.atr = prep.atr[i]!;
    return out;
  }

  /** The signal for `side` on candle i, or null when the bracket is degenerate. */
  function signalFor(prep: Prepared<I>, candles: Candles, i: number, params: P, side: Side, nextOpen: number | undefined): SignalIntent | null {
    if (side !== 'long' && side !== 'short') badStrategy(name, `entry must return 'long', 'short' or null, got ${JSON.stringify(side)} at candle ${i}`);
    const entry = nextOpen ?? candles.close[i]!;
    const sign = side === 'long' ? 1 : -1;
    let stop: number;
    let target: number;
    if (kind === ATR) {
      const atr = prep.atr![i]!;
      if (atr !== atr) return null;
      const p = params as unknown as AtrBracketParams;
      stop = entry - sign * p.stopAtr * atr;
      target = entry + sign * p.takeAtr * atr;
    } else if (kind === PERCENT) {
      const p = params as unknown as PercentBracketParams;
      stop = entry * (1 - (sign * p.stopPct) / 100);
      target = entry * (1 + (sign * p.takePct) / 100);
      if (!(target > 0)) return null; // a short's target at takePct >= 100 %
    } else {
      const r: BracketLevels = levels!({ side, entry, i, ind: prep.ind, candles, params });
      if (typeof r !== 'object' || r === null) badStrategy(name, `customBracket must return { stop, target }, got ${String(r)}`);
      stop = r.stop;
      target = r.target;
      if (!(stop > 0 && target > 0)) return null;
    }
    // A degenerate bracket (stop or target equal to entry, wrong side, not finite, or not a price > 0 — a
    // long stop or short target beyond zero, e.g. a random search's stopAtr 100 on a volatile market) is no trade.
    if (!(sign * (entry - stop) > 0 && sign * (target - entry) > 0 && stop > 0 && target > 0 && stop - stop === 0 && target - target === 0)) return null;
    return { side, index: i, candleTime: candles.time[i]!, entry, stop, target, indicators: snapshot(prep, i) };
  }

  function exitReason(prep: Prepared<I>, candles: Candles, i: number, side: Side, params: P): string | null {
    const reason = exitRule!(prep.ind, i, side, candles, params);
    if (reason === null) return null;
    if (typeof reason !== 'string' || reason.length === 0 || reason.length > MAX_EXIT_REASON) {
      badStrategy(name, `exit must return null or a reason of 1–${MAX_EXIT_REASON} characters, got ${JSON.stringify(reason)} at candle ${i}`);
    }
    return reason;
  }

  const strategy: Strategy<P> = {
    name,
    description: def.description,
    params: def.params,
    origin,
    warmup(params: P): number {
      const w = def.warmup(params);
      if (!(Number.isSafeInteger(w) && w >= 1)) badStrategy(name, `warmup must be an integer >= 1, got ${String(w)} for ${JSON.stringify(params)}`);
      return w;
    },
    higherTimeframes: (params: P): readonly HigherNeed[] => higher.map((h) => Object.freeze({ timeframe: h.timeframe, candles: h.candles(params) })),
    evaluate(candles: Candles, params: P, nextOpen?: number, context?: EvalContext): SignalIntent | null {
      const n = checkCandles(name, candles);
      if (nextOpen !== undefined && !(Number.isFinite(nextOpen) && nextOpen > 0)) {
        invalid(`${name}: nextOpen must be a finite price > 0, got ${String(nextOpen)}`);
      }
      if (n < 2) return null;
      const prep = prepare(candles, params, undefined, context, true);
      const side = entryRule(prep.ind, n - 1, candles, params);
      return side === null ? null : signalFor(prep, candles, n - 1, params, side, nextOpen);
    },
    evaluateAll(candles: Candles, params: P, cache?: IndicatorCache, context?: EvalContext): SignalIntent[] {
      const n = checkCandles(name, candles);
      const out: SignalIntent[] = [];
      if (n < 2) return out;
      const prep = prepare(candles, params, cache, context, true);
      const ind = prep.ind;
      const open = candles.open;
      for (let i = 1; i < n; i++) {
        const side = entryRule(ind, i, candles, params);
        if (side === null) continue;
        const s = signalFor(prep, candles, i, params, side, i + 1 < n ? open[i + 1] : undefined);
        if (s !== null) out.push(s);
      }
      return out;
    },
    lines(candles: Candles, params: P, context?: EvalContext): StrategyLine[] {
      checkCandles(name, candles);
      if (def.lines === undefined) return [];
      return def.lines(prepare(candles, params, undefined, context, false).ind, candles, params);
    },
    panes(candles: Candles, params: P, context?: EvalContext): StrategyPane[] {
      checkCandles(name, candles);
      if (def.panes === undefined) return [];
      return def.panes(prepare(candles, params, undefined, context, false).ind, candles, params);
    },
  };
  if (exitRule !== undefined) {
    strategy.exitAt = (candles: Candles, params: P, side: Side, context?: EvalContext): string | null => {
      if (side !== 'long' && side !== 'short') badStrategy(name, `exitAt: side must be 'long' or 'short', got ${JSON.stringify(side)}`);
      const n = checkCandles(name, candles);
      if (n < 2) return null;
      return exitReason(prepare(candles, params, undefined, context, false), candles, n - 1, side, params);
    };
    strategy.exitsAll = (candles: Candles, params: P, cache?: IndicatorCache, context?: EvalContext): readonly ExitIntent[] => {
      const n = checkCandles(name, candles);
      const out: ExitIntent[] = [];
      if (n < 2) return out;
      const prep = prepare(candles, params, cache, context, false);
      for (let i = 1; i < n; i++) {
        const long = exitReason(prep, candles, i, 'long', params);
        if (long !== null) out.push({ index: i, candleTime: candles.time[i]!, side: 'long', reason: long });
        const short = exitReason(prep, candles, i, 'short', params);
        if (short !== null) out.push({ index: i, candleTime: candles.time[i]!, side: 'short', reason: short });
      }
      return out;
    };
  }
  return Object.freeze(strategy);
}
