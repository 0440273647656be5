import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDynamoBreakerReader, createDynamoBreakerStore } from '../../lib/store/state/breaker-store.js';
import { testResources, type TestResources } from '../support/local-aws.js';

const T0 = Date.UTC(2026, 0, 1);
const COOLDOWN = 300_000;
const TRIAL = 120_000;

describe('circuit breaker state in DynamoDB', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('breaker');
  });
  after(() => r.close());
  // Two stores on the same table stand for two separate invocations (nothing in memory is shared).
  const store = () => createDynamoBreakerStore({ client: r.doc, table: r.tables.StateTable!, failureThreshold: 3, cooldownMs: COOLDOWN, trialMs: TRIAL });

  it('opens after the threshold of consecutive failures, and the state survives a new instance', async () => {
    const a = store();
    assert.deepEqual(await a.acquire('ex1', T0), { allowed: true, trial: false });
    assert.equal((await a.recordFailure('ex1', T0)).state, 'closed');
    assert.equal((await a.recordFailure('ex1', T0)).state, 'closed');
    const opened = await a.recordFailure('ex1', T0);
    assert.deepEqual(opened, { state: 'open', failures: 3, openUntil: T0 + COOLDOWN });
    const b = store();
    assert.deepEqual(await b.acquire('ex1', T0 + COOLDOWN - 1), { allowed: false, openUntil: T0 + COOLDOWN });
  });

  it('a success resets the failure count', async () => {
    const s = store();
    await s.recordFailure('ex2', T0);
    await s.recordFailure('ex2', T0);
    await s.recordSuccess('ex2', T0);
    assert.equal((await s.recordFailure('ex2', T0)).state, 'closed');
    assert.equal((await s.read('ex2')).failures, 1);
  });

  it('after the cool-down exactly one of 10 concurrent invocations gets the trial', async () => {
    const s = store();
    for (let i = 0; i < 3; i++) await s.recordFailure('ex3', T0);
    const decisions = await Promise.all(Array.from({ length: 10 }, () => store().acquire('ex3', T0 + COOLDOWN)));
    assert.equal(decisions.filter((d) => d.allowed).length, 1);
    assert.ok(decisions.every((d) => !d.allowed || d.trial));
    // While the trial runs, everyone else keeps skipping.
    assert.equal((await s.acquire('ex3', T0 + COOLDOWN + 1000)).allowed, false);
  });

  it('a failed trial re-opens the circuit at once; a successful one closes it', async () => {
    const s = store();
    for (let i = 0; i < 3; i++) await s.recordFailure('ex4', T0);
    assert.deepEqual(await s.acquire('ex4', T0 + COOLDOWN), { allowed: true, trial: true });
    const reopened = await s.recordFailure('ex4', T0 + COOLDOWN + 10);
    assert.equal(reopened.state, 'open');
    assert.equal(reopened.openUntil, T0 + COOLDOWN + 10 + COOLDOWN);
    assert.deepEqual(await s.acquire('ex4', T0 + 2 * COOLDOWN + 10), { allowed: true, trial: true });
    await s.recordSuccess('ex4', T0 + 2 * COOLDOWN + 20);
    assert.deepEqual(await s.read('ex4'), { state: 'closed', failures: 0, openUntil: 0 });
    assert.deepEqual(await s.acquire('ex4', T0 + 2 * COOLDOWN + 30), { allowed: true, trial: false });
  });

  it('a trial that never reported (its invocation died) is offered again after the trial window', async () => {
    const s = store();
    for (let i = 0; i < 3; i++) await s.recordFailure('ex5', T0);
    assert.equal((await s.acquire('ex5', T0 + COOLDOWN)).allowed, true);
    assert.equal((await s.acquire('ex5', T0 + COOLDOWN + TRIAL - 1)).allowed, false);
    assert.deepEqual(await s.acquire('ex5', T0 + COOLDOWN + TRIAL), { allowed: true, trial: true });
  });

  it('the reader (no thresholds) reads the state the store wrote, and closed for an exchange never seen', async () => {
    const s = store();
    for (let i = 0; i < 3; i++) await s.recordFailure('ex6', T0);
    const reader = createDynamoBreakerReader({ client: r.doc, table: r.tables.StateTable! });
    assert.deepEqual(await reader.read('ex6'), { state: 'open', failures: 3, openUntil: T0 + COOLDOWN });
    assert.deepEqual(await reader.read('ex6'), await s.read('ex6'));
    assert.deepEqual(await reader.read('never-seen'), { state: 'closed', failures: 0, openUntil: 0 });
    assert.equal('acquire' in reader, false, 'read only');
  });
});
