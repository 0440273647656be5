/**
 * An optional memo of indicator series, so that parameter sets sharing an indicator (the
 * optimizer's grid: ema-cross fast=5:20 × slow=15:60:5 needs 24 distinct EMAs and 1 ATR per
 * series, not 153 × 3) compute it once.
 *
 * Keyed by series + indicator + its arguments: entries live in a WeakMap keyed by the
 * `Candles` object (a series, or a slice of one, is a distinct object), then by a string such as
 * `ema(close,15)` or `atr(14)`. A candles object must not be mutated while a cache holds entries
 * for it, and cached arrays are shared: callers only read them (the strategies do).
 *
 * Bounded: at most `maxBytes` of typed-array data (default 256 MiB) summed over all series; the
 * least recently used entries are dropped beyond it (recomputed if asked again, so eviction
 * changes speed, never results). An entry larger than the bound is returned uncached.
 *
 * Without a cache (`memo(undefined, …)`) the indicator is computed as before: the live path
 * passes none.
 */
import type { Candles } from '../candle.js';
import { PermanentError } from '../../errors.js';

export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

export interface IndicatorCacheStats {
  /** Times an indicator was computed (cache misses). */
  readonly computed: number;
  /** Times a cached series was returned. */
  readonly hits: number;
  /** Entries dropped to stay within `maxBytes`. */
  readonly evicted: number;
  /** Typed-array bytes currently held. */
  readonly bytes: number;
  /** Entries currently held. */
  readonly entries: number;
}

interface Entry {
  readonly series: Map<string, Entry>;
  readonly key: string;
  readonly value: unknown;
  readonly bytes: number;
}

/** Bytes of typed-array data in an indicator result: one typed array, or an object of them. */
function sizeOf(value: unknown): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  let bytes = 0;
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) if (ArrayBuffer.isView(v)) bytes += v.byteLength;
  }
  return bytes;
}

export class IndicatorCache {
  readonly maxBytes: number;
  readonly #bySeries = new WeakMap<Candles, Map<string, Entry>>();
  /** Every live entry, least recently used first (Map keeps insertion order; a hit re-inserts). */
  readonly #lru = new Map<Entry, true>();
  #bytes = 0;
  #computed = 0;
  #hits = 0;
  #evicted = 0;

  constructor(options: { maxBytes?: number } = {}) {
    const maxBytes = options.maxBytes ?? DEFAULT_CACHE_BYTES;
    if (!(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) {
      throw new PermanentError(`IndicatorCache: maxBytes must be an integer >= 0, got ${String(maxBytes)}`, { code: 'INDICATOR_INPUT' });
    }
    this.maxBytes = maxBytes;
  }

  /** The cached value of `key` for `candles`, computing (and keeping) it on a miss. */
  get<T>(candles: Candles, key: string, compute: () => T): T {
    const hit = this.#bySeries.get(candles)?.get(key);
    if (hit !== undefined) {
      this.#hits++;
      this.#lru.delete(hit);
      this.#lru.set(hit, true);
      return hit.value as T;
    }
    const value = compute();
    this.#computed++;
    const bytes = sizeOf(value);
    if (bytes > this.maxBytes) return value;
    // Looked up after compute(): a nested get (macd → macd-line) may have created the map.
    let series = this.#bySeries.get(candles);
    if (series === undefined) {
      series = new Map();
      this.#bySeries.set(candles, series);
    }
    const entry: Entry = { series, key, value, bytes };
    series.set(key, entry);
    this.#lru.set(entry, true);
    this.#bytes += bytes;
    for (const old of this.#lru.keys()) {
      if (this.#bytes <= this.maxBytes) break;
      this.#drop(old);
      this.#evicted++;
    }
    return value;
  }

  /** Drops every entry (counters are kept). */
  clear(): void {
    for (const entry of [...this.#lru.keys()]) this.#drop(entry);
  }

  stats(): IndicatorCacheStats {
    return { computed: this.#computed, hits: this.#hits, evicted: this.#evicted, bytes: this.#bytes, entries: this.#lru.size };
  }

  /** The keys held for `candles`, in insertion order (for tests and diagnostics). */
  keysFor(candles: Candles): string[] {
    return [...(this.#bySeries.get(candles)?.keys() ?? [])];
  }

  #drop(entry: Entry): void {
    this.#lru.delete(entry);
    entry.series.delete(entry.key);
    this.#bytes -= entry.bytes;
  }
}

/** `cache.get(candles, key, compute)`, or just `compute()` without a cache. */
export function memo<T>(cache: IndicatorCache | undefined, candles: Candles, key: string, compute: () => T): T {
  return cache === undefined ? compute() : cache.get(candles, key, compute);
}
