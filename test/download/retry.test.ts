import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermanentError, TransientError } from '../../lib/errors.js';
import { retryDelay, withRetry, type RetryEvent, type RetryPolicy } from '../../lib/download/retry.js';

const POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

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

describe('withRetry', () => {
  it('retries transient errors with doubling delays, capped, and returns the eventual result', async () => {
    const slept: number[] = [];
    const events: RetryEvent[] = [];
    const f = failing([1, 2, 3, 4].map(() => new TransientError('busy', { code: 'EXCHANGE_UNAVAILABLE' })));
    const result = await withRetry(f.call, { ...POLICY, maxDelayMs: 500 }, { sleep: async (ms) => void slept.push(ms), onRetry: (e) => void events.push(e) });
    assert.equal(result, 'ok');
    assert.equal(f.calls(), 5);
    assert.deepEqual(slept, [100, 200, 400, 500]);
    assert.deepEqual(events.map((e) => [e.attempt, e.attempts, e.delayMs]), [[1, 5, 100], [2, 5, 200], [3, 5, 400], [4, 5, 500]]);
  });

  it('gives up after `attempts` tries with the last error, unchanged', async () => {
    const last = new TransientError('still busy', { code: 'TIMEOUT' });
    const f = failing([...[1, 2, 3, 4].map(() => new TransientError('busy', { code: 'TIMEOUT' })), last]);
    await assert.rejects(withRetry(f.call, POLICY, { sleep: async () => {} }), (e) => e === last);
    assert.equal(f.calls(), 5);
  });

  it('never retries a permanent error or a non-classified one', async () => {
    for (const error of [new PermanentError('bad', { code: 'BAD_SYMBOL' }), new TypeError('bug')]) {
      const f = failing([error]);
      await assert.rejects(withRetry(f.call, POLICY, { sleep: async () => assert.fail('no sleep') }), (e) => e === error);
      assert.equal(f.calls(), 1);
    }
  });

  it('honours retryAfterMs as a minimum, and gives up at once when it exceeds maxDelayMs', async () => {
    assert.equal(retryDelay(POLICY, 1, 700), 700);
    assert.equal(retryDelay(POLICY, 4, 700), 800, 'backoff larger than the hint');
    assert.equal(retryDelay(POLICY, 1, 1_001), undefined);
    const slept: number[] = [];
    const f = failing([new TransientError('slow down', { code: 'RATE_LIMITED', retryAfterMs: 5_000 })]);
    await assert.rejects(withRetry(f.call, POLICY, { sleep: async (ms) => void slept.push(ms) }), /slow down/);
    assert.deepEqual(slept, []);
    assert.equal(f.calls(), 1);
  });
});
