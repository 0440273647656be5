import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkEntry, cooldownUntil, type EntryState } from '../../../lib/core/live/protections.js';

const limits = { maxOpenPositions: 2, maxStake: 20, dailyLossLimit: 30 };
const ok: EntryState = { available: 100, openCount: 0, dayRealised: 0 };
const NOW = Date.UTC(2026, 0, 1, 12);

describe('entry protections (pure mirror of the intent transaction)', () => {
  it('allows an entry within every limit', () => {
    assert.deepEqual(checkEntry(ok, 20, limits, 'BTC/USDT', NOW), { ok: true });
    assert.deepEqual(checkEntry({ ...ok, dayRealised: -29.99, cooldownUntil: NOW }, 20, limits, 'BTC/USDT', NOW), { ok: true });
  });

  it('each refusal with its numbers, in the documented order', () => {
    const r = (state: Partial<EntryState>, stake = 20) => checkEntry({ ...ok, ...state }, stake, limits, 'BTC/USDT', NOW);
    assert.deepEqual(r({ panic: { requestedAt: NOW - 1000 }, halted: { reason: 'x' } }), { ok: false, reason: 'panic', detail: 'a panic was requested at 2026-01-01T11:59:59.000Z: no new entries until /resume' });
    assert.deepEqual(r({ halted: { reason: 'drawdown 30.0% > 25.0% (equity 140, peak 200)' } }), {
      ok: false,
      reason: 'halted',
      detail: 'trading is halted (drawdown 30.0% > 25.0% (equity 140, peak 200)): no new entries until /resume',
    });
    assert.deepEqual(r({ lockHolder: 'p1' }, 21), { ok: false, reason: 'max-stake', detail: 'stake 21 > maximum stake per trade 20' });
    assert.deepEqual(r({ lockHolder: 'p1', openCount: 2 }), { ok: false, reason: 'already-open', detail: 'p1 holds BTC/USDT' });
    assert.deepEqual(r({ openCount: 2, available: 0 }), { ok: false, reason: 'max-open', detail: '2 of 2 live positions already open or opening' });
    assert.deepEqual(r({ available: 19.5, dayRealised: -40 }), { ok: false, reason: 'no-budget', detail: 'available 19.5 < stake 20' });
    assert.deepEqual(r({ dayRealised: -30 }), { ok: false, reason: 'daily-loss', detail: "today's realised PnL -30 ≤ −30 (daily loss limit)" });
    assert.deepEqual(r({ cooldownUntil: NOW + 1 }), { ok: false, reason: 'cooldown', detail: 'cooling down after a stop-loss until 2026-01-01T12:00:00.001Z' });
  });

  it('cooldown ends cooldownMinutes after the stop', () => {
    assert.equal(cooldownUntil(NOW, 60), NOW + 3_600_000);
    assert.equal(cooldownUntil(NOW, 0), NOW);
  });
});
