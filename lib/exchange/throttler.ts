/**
 * ccxt's REST rate limiter (leaky bucket) without its 1 ms polling.
 *
 * ccxt's `Throttler` (ccxt/js/src/base/functions/throttle.js) lets a request through while
 * the bucket holds tokens ≥ 0 and takes the request's cost; when the bucket is negative it
 * sleeps `delay` (1 ms), refills `refillRate × elapsed` (capped at `capacity`) and checks
 * again. A request that must wait 20 ms therefore wakes the process ~20 times; on this kind
 * of VM each wake-up costs ~0.1 ms of CPU, i.e. ~1.5 ms of CPU per candle request during a
 * scan whose requests queue up behind the limiter.
 *
 * `LeakyBucketThrottler` keeps ccxt's bucket, state and order exactly (same `tokenBucket`
 * config, FIFO queue, refill only while its loop runs, tokens shared in `config`), but sleeps
 * until the bucket is due to reach 0 — never less than `delay` — instead of polling. If a
 * timer fires early the bucket is still negative and it simply waits again: requests never
 * start sooner than under ccxt's own throttler.
 */
import type { ExchangeClass } from './load.js';

export interface LeakyBucketConfig {
  /** Tokens per ms (ccxt: 1 / rateLimit). */
  refillRate: number;
  /** Minimum sleep, seconds (ccxt: 0.001). */
  delay: number;
  capacity: number;
  /** Current level; may go negative (the debt of requests already let through). */
  tokens: number;
  /** Cost of a request when `throttle()` gets none. */
  cost: number;
}

export interface ThrottlerTimers {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

const REAL_TIMERS: ThrottlerTimers = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && !Number.isNaN(value) ? value : fallback;
}

export class LeakyBucketThrottler {
  readonly config: LeakyBucketConfig;
  readonly #timers: ThrottlerTimers;
  #queue: { resolve: () => void; cost: number }[] = [];
  #head = 0;
  #running = false;

  /** `bucket`: ccxt's `exchange.tokenBucket` (defaults are ccxt's Throttler defaults). */
  constructor(bucket: Readonly<Record<string, unknown>> = {}, timers: ThrottlerTimers = REAL_TIMERS) {
    this.config = {
      refillRate: finiteOr(bucket['refillRate'], 1),
      delay: finiteOr(bucket['delay'], 0.001),
      capacity: finiteOr(bucket['capacity'], 1),
      tokens: finiteOr(bucket['tokens'], 0),
      cost: finiteOr(bucket['cost'], 1),
    };
    this.#timers = timers;
  }

  /** Resolves when a request of `cost` may start (FIFO), as ccxt's `Throttler.throttle`. */
  throttle(cost?: number | null): Promise<void> {
    const entry = { resolve: () => {}, cost: cost === undefined || cost === null ? this.config.cost : cost };
    const promise = new Promise<void>((resolve) => {
      entry.resolve = resolve;
    });
    this.#queue.push(entry);
    if (!this.#running) {
      this.#running = true;
      void this.#loop();
    }
    return promise;
  }

  /** Requests waiting for the bucket. */
  get pending(): number {
    return this.#queue.length - this.#head;
  }

  /** How long until the bucket is back at 0 (ms, at least `delay`). */
  #waitMs(): number {
    const minimum = this.config.delay * 1000;
    const { refillRate, tokens } = this.config;
    if (!(refillRate > 0)) return minimum;
    const due = Math.ceil(-tokens / refillRate - 1e-9);
    return Number.isFinite(due) ? Math.max(minimum, due) : minimum;
  }

  async #loop(): Promise<void> {
    let last = this.#timers.now();
    while (this.#running) {
      const entry = this.#queue[this.#head]!;
      if (this.config.tokens >= 0) {
        this.config.tokens -= entry.cost;
        entry.resolve();
        this.#dequeue();
        await Promise.resolve(); // let the released request start before the next check (as ccxt)
        if (this.pending === 0) this.#running = false;
      } else {
        await this.#timers.sleep(this.#waitMs());
        const current = this.#timers.now();
        const elapsed = current - last;
        last = current;
        this.config.tokens = Math.min(this.config.tokens + this.config.refillRate * elapsed, this.config.capacity);
      }
    }
  }

  #dequeue(): void {
    this.#queue[this.#head] = undefined as never; // release the resolver now
    this.#head += 1;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head >= this.#queue.length / 2) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}

/**
 * A subclass of the ccxt exchange class whose REST throttler is `LeakyBucketThrottler`
 * (for the leaky-bucket algorithm, ccxt's default; a rolling-window configuration keeps
 * ccxt's own throttler, which already sleeps exactly).
 */
export function withExactThrottler(Base: ExchangeClass): ExchangeClass {
  const Parent = Base as unknown as new (...args: unknown[]) => { tokenBucket?: Record<string, unknown>; throttler: unknown; initThrottler(): void };
  class WithExactThrottler extends Parent {
    override initThrottler(): void {
      const bucket = this.tokenBucket ?? {};
      if (bucket['algorithm'] === undefined || bucket['algorithm'] === 'leakyBucket') this.throttler = new LeakyBucketThrottler(bucket);
      else super.initThrottler();
    }
  }
  return WithExactThrottler as unknown as ExchangeClass;
}
