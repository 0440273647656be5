/** The scan's opener router (lib/runtime/opener-router.ts): live exchanges' signals to the live opener, the others to paper, context passed on. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Signal } from '../../lib/core/signal.js';
import type { OpenContext, OpenOutcome, PositionOpener } from '../../lib/ports/positions.js';
import { createOpenerRouter } from '../../lib/runtime/opener-router.js';
import { positionSignal } from '../positions/fixture.js';

function recording(status: 'opened' | 'refused'): PositionOpener & { calls: [Signal, OpenContext | undefined][] } {
  const calls: [Signal, OpenContext | undefined][] = [];
  return {
    calls,
    async open(signal, context): Promise<OpenOutcome> {
      calls.push([signal, context]);
      return status === 'opened' ? { status, positionId: signal.id, stake: 1 } : { status, positionId: signal.id, reason: 'no-budget', detail: 'x' };
    },
  };
}

describe('opener router', () => {
  it('routes by the signal’s exchange: live ids to the live opener, every other exchange to paper, with the context and the answer unchanged', async () => {
    const paper = recording('opened');
    const live = recording('refused');
    const router = createOpenerRouter({ paper, live, liveExchanges: ['binance'] });
    const onBinance = positionSignal({ exchange: 'binance' });
    const onBybit = positionSignal({ exchange: 'bybit' });
    const context = { chart: undefined };
    assert.equal((await router.open(onBinance, context)).status, 'refused');
    assert.equal((await router.open(onBybit)).status, 'opened');
    assert.deepEqual(live.calls, [[onBinance, context]]);
    assert.deepEqual(paper.calls, [[onBybit, undefined]]);
  });

  it('no live exchange: everything is paper', async () => {
    const paper = recording('opened');
    const live = recording('opened');
    const router = createOpenerRouter({ paper, live, liveExchanges: [] });
    await router.open(positionSignal({ exchange: 'binance' }));
    assert.equal(paper.calls.length, 1);
    assert.equal(live.calls.length, 0);
  });
});
