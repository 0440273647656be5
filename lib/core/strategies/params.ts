/**
 * Strategy parameters: zod fields with a default and an optimiser range (`param.int`,
 * `param.number`), and `paramRanges`, which reads those ranges back from a strategy's schema.
 */
import { z } from 'zod';
import { PermanentError } from '../../errors.js';

/** Largest indicator period the built-ins accept (and the optimiser searches up to). */
export const MAX_PERIOD = 1000;

export interface ParamBounds {
  readonly min: number;
  readonly max: number;
}

function checkBounds(kind: string, def: number, b: ParamBounds, int: boolean): void {
  const ok = (v: number) => Number.isFinite(v) && (!int || Number.isInteger(v));
  if (!(ok(b.min) && ok(b.max) && b.min <= b.max && ok(def) && def >= b.min && def <= b.max)) {
    throw new PermanentError(`param.${kind}(${def}, { min: ${b.min}, max: ${b.max} }): need finite${int ? ' integer' : ''} min <= default <= max`, {
      code: 'BAD_STRATEGY',
    });
  }
}

/** Parameter fields with a default and a range the optimiser searches. */
export const param = Object.freeze({
  /** `z.number().int().min(min).max(max).default(def)`. */
  int(def: number, bounds: ParamBounds) {
    checkBounds('int', def, bounds, true);
    return z.number().int().min(bounds.min).max(bounds.max).default(def);
  },
  /** `z.number().min(min).max(max).default(def)`. */
  number(def: number, bounds: ParamBounds) {
    checkBounds('number', def, bounds, false);
    return z.number().min(bounds.min).max(bounds.max).default(def);
  },
});

/** zod field for an indicator period of the built-ins: an integer in [1, MAX_PERIOD] with a default. */
export function periodField(defaultValue: number, min = 1) {
  return param.int(defaultValue, { min, max: MAX_PERIOD });
}

/** The range of one numeric parameter. Exclusive bounds (zod `gt`/`lt`, `positive`) are flagged. */
export interface ParamRange {
  readonly min: number;
  readonly max: number;
  readonly int: boolean;
  readonly minExclusive?: true;
  readonly maxExclusive?: true;
}

interface ZodInternals {
  readonly _zod: { readonly def: { readonly type: string; readonly innerType?: unknown; readonly shape?: Record<string, unknown>; readonly checks?: readonly unknown[] } };
}

function internals(schema: unknown): ZodInternals['_zod']['def'] | undefined {
  return typeof schema === 'object' && schema !== null && '_zod' in schema ? (schema as ZodInternals)._zod.def : undefined;
}

/** The ZodNumber inside defaults / optionals / readonly wrappers, or undefined. */
function numberOf(field: unknown): unknown {
  let s: unknown = field;
  for (let depth = 0; depth < 8; depth++) {
    const def = internals(s);
    if (def === undefined) return undefined;
    if (def.type === 'number') return s;
    if (def.innerType === undefined) return undefined;
    s = def.innerType;
  }
  return undefined;
}

function exclusive(schema: unknown, value: number, check: 'greater_than' | 'less_than'): boolean {
  for (const c of internals(schema)?.checks ?? []) {
    const d = internals(c) as unknown as { check?: string; value?: unknown; inclusive?: boolean } | undefined;
    if (d?.check === check && d.value === value && d.inclusive === false) return true;
  }
  return false;
}

/**
 * `Record<param, { min, max, int }>` read from a strategy's params schema (a zod object, refined
 * or not): every numeric field with both a finite lower and upper bound; others are omitted.
 */
export function paramRanges(strategy: { readonly params: unknown }): Record<string, ParamRange> {
  const shape = internals(strategy.params)?.shape;
  const out: Record<string, ParamRange> = {};
  if (shape === undefined) return out;
  for (const [name, field] of Object.entries(shape)) {
    const num = numberOf(field) as { minValue: number | null; maxValue: number | null; isInt: boolean } | undefined;
    if (num === undefined) continue;
    const { minValue: min, maxValue: max } = num;
    if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) continue;
    out[name] = {
      min,
      max,
      int: num.isInt,
      ...(exclusive(num, min, 'greater_than') ? { minExclusive: true as const } : {}),
      ...(exclusive(num, max, 'less_than') ? { maxExclusive: true as const } : {}),
    };
  }
  return out;
}
