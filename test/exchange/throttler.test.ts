import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Throttler } from '../../node_modules/ccxt/js/src/base/functions/throttle.js';
import { LeakyBucketThrottler, type ThrottlerTimers } from '../../lib/exchange/throttler.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';

/** Virtual time: `sleep(ms)` advances the clock by `ms × drift` and resolves. */
function fakeTimers(drift = 1): ThrottlerTimers & { t: number; sleeps: number[] } {
  const timers = {
    t: 1_000,
    sleeps: [] as number[],
    now: () => timers.t,
    // Time passes after everything already due has run (a macrotask later), as with real timers.
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        timers.sleeps.push(ms);
        setImmediate(() => {
          timers.t += ms * drift;
          resolve();
        });
      }),
  };
  return timers;
}

/** Start times (virtual) of `costs.length` requests queued at once. */
async function startTimes(throttler: LeakyBucketThrottler, timers: { now: () => number }, costs: readonly (number | undefined)[]): Promise<number[]> {
  const starts: number[] = [];
  await Promise.all(costs.map((cost) => throttler.throttle(cost).then(() => starts.push(timers.now()))));
  return starts;
}

// Binance spot: rateLimit 50 ms → refillRate 1/50 per ms; klines cost 0.4 → 20 ms apart.
const BINANCE_BUCKET = { delay: 0.001, capacity: 1, cost: 1, refillRate: 1 / 50, algorithm: 'leakyBucket', rateLimit: 50 };

describe('LeakyBucketThrottler (ccxt leaky bucket without polling)', () => {
  it('spaces requests by cost / refillRate with ONE sleep per waiting request (ccxt polls every 1 ms)', async () => {
    const timers = fakeTimers();
    const throttler = new LeakyBucketThrottler(BINANCE_BUCKET, timers);
    const starts = await startTimes(throttler, timers, Array(6).fill(0.4));
    assert.deepEqual(starts.map((s) => s - starts[0]!), [0, 20, 40, 60, 80, 100]);
    assert.deepEqual(timers.sleeps, [20, 20, 20, 20, 20], 'one exact sleep per request that had to wait');
    assert.equal(throttler.pending, 0);
  });

  it('never lets a request start early when timers fire early: it just waits again', async () => {
    const timers = fakeTimers(0.5); // every timer fires after half its time
    const throttler = new LeakyBucketThrottler(BINANCE_BUCKET, timers);
    const starts = await startTimes(throttler, timers, Array(4).fill(0.4));
    // The bucket admits request i only once i × 0.4 tokens have refilled since the first one.
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[0]! >= 20 * i, `request ${i} at +${starts[i]! - starts[0]!} ms ≥ ${20 * i} ms`);
    assert.ok(timers.sleeps.length > 3, 'more than one sleep per request');
  });

  it('uses the default cost when throttle() gets none, and waits at least `delay` between checks', async () => {
    const timers = fakeTimers();
    const throttler = new LeakyBucketThrottler({ ...BINANCE_BUCKET, cost: 0.1, refillRate: 10 }, timers); // 0.01 ms due < 1 ms delay
    const starts = await startTimes(throttler, timers, [undefined, undefined, 1, undefined]);
    assert.equal(starts.length, 4);
    // 0 → −0.1 (default cost); wait (due in 0.01 ms, but ≥ delay 1 ms) → refilled to capacity 1;
    // → 0.9 → −0.1 (cost 1); wait again for the last one.
    assert.deepEqual(timers.sleeps, [1, 1]);
  });

  it('keeps ccxt semantics: tokens capped at capacity, FIFO order, no refill while idle', async () => {
    const timers = fakeTimers();
    const throttler = new LeakyBucketThrottler(BINANCE_BUCKET, timers);
    await startTimes(throttler, timers, [0.4]); // tokens 0 → −0.4, loop stops
    timers.t += 10_000; // idle: ccxt's loop is not running, so nothing refills
    const order: number[] = [];
    const t0 = timers.now();
    await Promise.all([0, 1, 2].map((i) => throttler.throttle(0.4).then(() => order.push(i))));
    assert.deepEqual(order, [0, 1, 2]);
    assert.equal(timers.now() - t0, 60, 'the first request after idling still paid the previous debt (20 ms) — as ccxt');
    assert.ok(throttler.config.tokens <= throttler.config.capacity);
  });

  it('matches ccxt’s own Throttler on real timers: same spacing, far fewer wake-ups', async () => {
    const bucket = { ...BINANCE_BUCKET, refillRate: 1 / 10 }; // cost 0.4 → 4 ms apart
    // Spans are measured from a time taken BEFORE the first request, on the clock the throttler
    // itself reads: the bucket cannot have refilled 10 × 0.4 tokens in less than 40 ms of that
    // clock, whatever the machine load (a stall only lets tokens accumulate up to capacity, which
    // loses refill, never gains it). Measuring on another clock (performance.now against ccxt's
    // Date.now) or from the first request's callback made this flaky on a loaded CI machine.
    const spanOf = async (clock: () => number, throttle: (cost: number) => Promise<unknown>) => {
      const t0 = clock();
      let last = t0;
      await Promise.all(Array.from({ length: 11 }, () => throttle(0.4).then(() => (last = Math.max(last, clock())))));
      return last - t0;
    };
    const ccxt = new Throttler(bucket);
    const ccxtSpan = await spanOf(Date.now, (c) => ccxt.throttle(c)); // ccxt reads Date.now
    let wakeups = 0;
    const monotonic = () => performance.now();
    const counted: ThrottlerTimers = { now: monotonic, sleep: (ms) => new Promise<void>((r) => setTimeout(() => r(void ++wakeups), ms)) };
    const ours = new LeakyBucketThrottler(bucket, counted);
    const ourSpan = await spanOf(monotonic, (c) => ours.throttle(c));
    assert.ok(ourSpan >= 10 * 4 - 1e-6, `ours: 10 gaps of 4 ms: ${ourSpan} ms`);
    assert.ok(ccxtSpan >= 10 * 4 - 1e-6, `ccxt: 10 gaps of 4 ms: ${ccxtSpan} ms`);
    assert.ok(wakeups <= 15, `${wakeups} wake-ups for 10 waiting requests`);
  });
});

describe('the adapter uses it', () => {
  it('createCcxtExchange installs LeakyBucketThrottler with ccxt’s bucket for the exchange', async () => {
    const adapter = await binanceAt('http://127.0.0.1:9');
    const throttler = (adapter.ccxt as unknown as { throttler: unknown }).throttler;
    assert.ok(throttler instanceof LeakyBucketThrottler);
    assert.equal(throttler.config.refillRate, 1 / 50);
    assert.equal(throttler.config.capacity, 1);
  });
});
