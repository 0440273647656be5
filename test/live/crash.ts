/**
 * Crash injection for the live-trading tests: wraps ports so that every method call is a
 * numbered step (shared counter across the wrapped ports); once step `crashAfter` has completed
 * (its effect is real: the row is written, the order is at the exchange) the wrapper throws a
 * plain Error, as if the invocation died right there. Nothing after it runs: the use cases
 * never catch an unclassified error.
 */
export class InjectedCrash extends Error {
  override readonly name = 'InjectedCrash';
}

export interface StepLog {
  /** `store.recordIntent`, `trading.placeOrder`, … in call order. */
  readonly steps: string[];
  /** Crash once this many steps have completed (Infinity: never). */
  crashAfter: number;
}

export function stepLog(crashAfter = Number.POSITIVE_INFINITY): StepLog {
  return { steps: [], crashAfter };
}

/** A copy of `target` (ports are frozen objects) with every method counted as a step of `log` (label: `store`, `trading`). */
export function crashing<T extends object>(target: T, label: string, log: StepLog): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(target)) {
    const value: unknown = (target as Record<string, unknown>)[key];
    out[key] =
      typeof value !== 'function'
        ? value
        : async (...args: unknown[]) => {
            if (log.steps.length >= log.crashAfter) throw new InjectedCrash(`already crashed (step ${log.crashAfter})`);
            const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            log.steps.push(`${label}.${key}`);
            if (log.steps.length === log.crashAfter) throw new InjectedCrash(`injected crash after step ${log.crashAfter} (${label}.${key})`);
            return result;
          };
  }
  return out as T;
}
