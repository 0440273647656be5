import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermanentError, TransientError } from '../lib/errors.js';
import { retry, retryDelay, type RetryEvent, type RetryPolicy } from '../lib/retry.js';

/** The downloader's form (lib/download/retry.ts): no jitter, so the waits are exact. */
const POLICY: RetryPolicy = { attempts: 5, baseMs: 100, capMs: 1_000, jitter: 'none' };

function failing(errors: readonly Error[]): { call: () => Promise<string>; calls: () => number } {
  let n = 0;
  return {
    call: async () => {
      const error = errors[n++];
      if (error !== undefined) throw error;
      return 'ok';
    },
    calls: () => n,
  };
}

describe('retry (lib/retry.ts)', () => {
  it('retries transient errors with doubling delays, capped, and returns the eventual result', async () => {
    const slept: number[] = [];
    const events: RetryEvent[] = [];
    const f = failing([1, 2, 3, 4].map(() => new TransientError('busy', { code: 'EXCHANGE_UNAVAILABLE' })));
    const result = await retry(f.call, { ...POLICY, capMs: 500 }, { sleep: async (ms) => void slept.push(ms), onRetry: (e) => void events.push(e) });
    assert.equal(result, 'ok');
    assert.equal(f.calls(), 5);
    assert.deepEqual(slept, [100, 200, 400, 500]);
    assert.deepEqual(events.map((e) => [e.attempt, e.attempts, e.delayMs]), [[1, 5, 100], [2, 5, 200], [3, 5, 400], [4, 5, 500]]);
  });

  it('gives up after `attempts` tries with the last error, unchanged', async () => {
    const last = new TransientError('still busy', { code: 'TIMEOUT' });
    const f = failing([...[1, 2, 3, 4].map(() => new TransientError('busy', { code: 'TIMEOUT' })), last]);
    await assert.rejects(retry(f.call, POLICY, { sleep: async () => {} }), (e) => e === last);
    assert.equal(f.calls(), 5);
  });

  it('never retries a permanent error or a non-classified one', async () => {
    for (const error of [new PermanentError('bad', { code: 'BAD_SYMBOL' }), new TypeError('bug')]) {
      const f = failing([error]);
      await assert.rejects(retry(f.call, POLICY, { sleep: async () => assert.fail('no sleep') }), (e) => e === error);
      assert.equal(f.calls(), 1);
    }
  });

  it('honours retryAfterMs as a minimum, and gives up at once when it exceeds capMs', async () => {
    assert.equal(retryDelay(POLICY, 1, 700), 700);
    assert.equal(retryDelay(POLICY, 4, 700), 800, 'backoff larger than the hint');
    assert.equal(retryDelay(POLICY, 1, 1_001), undefined);
    const slept: number[] = [];
    const f = failing([new TransientError('slow down', { code: 'RATE_LIMITED', retryAfterMs: 5_000 })]);
    await assert.rejects(retry(f.call, POLICY, { sleep: async (ms) => void slept.push(ms) }), /slow down/);
    assert.deepEqual(slept, []);
    assert.equal(f.calls(), 1);
  });

  it('full jitter by default: each wait is random() × the doubling ceiling', async () => {
    const slept: number[] = [];
    const randoms = [0.5, 0.25, 0.999];
    const f = failing([1, 2, 3].map(() => new TransientError('busy', { code: 'AWS_TRANSIENT' })));
    await retry(f.call, { attempts: 4, baseMs: 100, capMs: 1_000 }, { sleep: async (ms) => void slept.push(ms), random: () => randoms.shift()! });
    assert.deepEqual(slept, [50, 50, 399]);
    assert.equal(retryDelay({ attempts: 9, baseMs: 100, capMs: 1_000 }, 8, undefined, () => 0.5), 500, 'capped before jitter');
  });

  it('maxTotalMs bounds the waits together: the retry that would pass it is not made', async () => {
    const slept: number[] = [];
    const errors = [1, 2, 3, 4].map((i) => new TransientError(`busy ${i}`, { code: 'AWS_TRANSIENT' }));
    const f = failing(errors);
    await assert.rejects(retry(f.call, { ...POLICY, maxTotalMs: 350 }, { sleep: async (ms) => void slept.push(ms) }), (e) => e === errors[2]);
    assert.deepEqual(slept, [100, 200], '100 + 200 = 300; a further 400 would pass 350');
    assert.equal(f.calls(), 3);
  });

  it('the caller may decide what is retryable; the attempt number is passed to the call', async () => {
    const seen: number[] = [];
    const result = await retry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new PermanentError('contended', { code: 'TRANSACTION_CANCELLED' });
        return attempt;
      },
      POLICY,
      { sleep: async () => {}, retryable: (e) => e instanceof PermanentError && e.code === 'TRANSACTION_CANCELLED' },
    );
    assert.equal(result, 3);
    assert.deepEqual(seen, [1, 2, 3]);
  });
});
