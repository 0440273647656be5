import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError } from '../../lib/errors.js';
import {
  POSITION_STATUSES,
  TRANSITIONS,
  cancelPending,
  canTransition,
  closeAt,
  fillPending,
  newLedger,
  openFromSignal,
  pendingFromSignal,
  positionRules,
  rejectPending,
  release,
  reserve,
  settle,
  stepOpenPosition,
  transition,
  unreserve,
  type Bar,
  type OpenPosition,
  type PositionStatus,
} from '../../lib/core/positions/index.js';

const rules = positionRules({ feeRate: 0 });
const longIntent = { side: 'long' as const, candleTime: 0, stop: 95, target: 110, indicators: { atr: 2 } };
const shortIntent = { side: 'short' as const, candleTime: 0, stop: 105, target: 90, indicators: { atr: 2 } };
const bar = (open: number, high: number, low: number, close: number, time = 1): Bar => ({ time, open, high, low, close });
const openLong = (r = rules): OpenPosition => openFromSignal({ id: 'a', symbol: 'X/Y', intent: longIntent, stake: 100 }, 1, 100, r);
const openShort = (r = rules): OpenPosition => openFromSignal({ id: 'b', symbol: 'X/Y', intent: shortIntent, stake: 100 }, 1, 100, r);

function throwsCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PermanentError, String(e));
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

describe('position state machine', () => {
  const legal: Array<[PositionStatus, PositionStatus]> = [
    ['pending', 'open'],
    ['pending', 'cancelled'],
    ['pending', 'rejected'],
    ['open', 'closing'],
    ['closing', 'closed'],
  ];
  it('allows exactly the five documented transitions', () => {
    for (const from of POSITION_STATUSES) {
      for (const to of POSITION_STATUSES) {
        const isLegal = legal.some(([f, t]) => f === from && t === to);
        assert.equal(canTransition(from, to), isLegal, `${from} → ${to}`);
        if (isLegal) assert.equal(transition(from, to), to);
        else throwsCode(() => transition(from, to), 'ILLEGAL_TRANSITION', new RegExp(`from ${from} to ${to}`));
      }
    }
    assert.deepEqual(Object.keys(TRANSITIONS).sort(), [...POSITION_STATUSES].sort());
  });

  it('every API function refuses a position in the wrong state, naming from and to', () => {
    const pending = pendingFromSignal({ id: 'p', symbol: 'X/Y', intent: longIntent, stake: 100 }, rules);
    const open = fillPending(pending, 1, 100, rules);
    const closing = closeAt(open, 2, 101, 'signal', rules);
    const closed = settle(closing);
    const cancelled = cancelPending(pending, 'superseded');
    const rejected = rejectPending(pending, 'no balance');
    assert.deepEqual(
      [pending, open, closing, closed, cancelled, rejected].map((p) => p.status),
      ['pending', 'open', 'closing', 'closed', 'cancelled', 'rejected'],
    );
    const any = (p: unknown) => p as never;
    throwsCode(() => fillPending(any(open), 1, 100, rules), 'ILLEGAL_TRANSITION', /from open to open/);
    throwsCode(() => fillPending(any(cancelled), 1, 100, rules), 'ILLEGAL_TRANSITION', /from cancelled to open/);
    throwsCode(() => cancelPending(any(open), 'x'), 'ILLEGAL_TRANSITION', /from open to cancelled/);
    throwsCode(() => rejectPending(any(closed), 'x'), 'ILLEGAL_TRANSITION', /from closed to rejected/);
    throwsCode(() => stepOpenPosition(any(pending), bar(100, 101, 99, 100), rules), 'ILLEGAL_TRANSITION', /from pending to closing/);
    throwsCode(() => stepOpenPosition(any(closed), bar(100, 101, 99, 100), rules), 'ILLEGAL_TRANSITION', /from closed to closing/);
    throwsCode(() => closeAt(any(closing), 2, 100, 'end', rules), 'ILLEGAL_TRANSITION', /from closing to closing/);
    throwsCode(() => settle(any(open)), 'ILLEGAL_TRANSITION', /from open to closed/);
    throwsCode(() => settle(any(closed)), 'ILLEGAL_TRANSITION', /from closed to closed/);
    // inputs are never mutated
    assert.equal(open.status, 'open');
    assert.equal(pending.status, 'pending');
  });

  it('refuses bad inputs with classified errors', () => {
    throwsCode(() => pendingFromSignal({ id: 'p', symbol: 'X/Y', intent: longIntent, stake: 0 }, rules), 'BAD_POSITION');
    throwsCode(() => pendingFromSignal({ id: 'p', symbol: 'X/Y', intent: { ...longIntent, stop: 120 }, stake: 1 }, rules), 'BAD_POSITION');
    throwsCode(() => pendingFromSignal({ id: 'p', symbol: 'X/Y', intent: { ...shortIntent, stop: 80 }, stake: 1 }, rules), 'BAD_POSITION');
    throwsCode(() => pendingFromSignal({ id: 'p', symbol: 'X/Y', intent: { ...longIntent, stop: NaN }, stake: 1 }, rules), 'BAD_POSITION');
    throwsCode(
      () => pendingFromSignal({ id: 'p', symbol: 'X/Y', intent: { ...longIntent, indicators: {} }, stake: 1 }, positionRules({ trailAtr: 1 })),
      'NO_ATR',
    );
    const pending = pendingFromSignal({ id: 'p', symbol: 'X/Y', intent: longIntent, stake: 100 }, rules);
    throwsCode(() => fillPending(pending, 1, Infinity, rules), 'BAD_POSITION');
    throwsCode(() => closeAt(openLong(), 1, -1, 'end', rules), 'BAD_POSITION');
  });
});

describe('positionRules', () => {
  it('defaults to fee 0.1 %, no slippage, no trailing stop, no time exit; frozen', () => {
    const r = positionRules();
    assert.deepEqual(r, { feeRate: 0.001, slippageBps: 0, trailAtr: null, maxBars: null });
    assert.ok(Object.isFrozen(r));
  });
  it('refuses out-of-range values', () => {
    for (const bad of [{ feeRate: -0.001 }, { feeRate: 0.06 }, { feeRate: NaN }, { slippageBps: -1 }, { slippageBps: 501 }, { trailAtr: 0 }, { maxBars: 0 }, { maxBars: 1.5 }]) {
      throwsCode(() => positionRules(bad), 'BAD_POSITION_RULES');
    }
  });
});

describe('stepOpenPosition (one candle at a time, as the live monitor will call it)', () => {
  it('long: holds, stop, target, gaps, both touched → stop', () => {
    const p = openLong();
    const held = stepOpenPosition(p, bar(100, 109, 96, 101), rules);
    assert.equal(held.status, 'open');
    assert.equal(held.bars, 1);
    const cases: Array<[Bar, string, number]> = [
      [bar(100, 101, 95, 99), 'stop', 95],
      [bar(100, 110, 99, 105), 'target', 110],
      [bar(94, 96, 90, 95), 'stop', 94],
      [bar(95, 96, 90, 95), 'stop', 95],
      [bar(112, 115, 111, 113), 'target', 112],
      [bar(100, 111, 94, 100), 'stop', 95],
    ];
    for (const [b, reason, price] of cases) {
      const r = stepOpenPosition(p, b, rules);
      assert.equal(r.status, 'closing', JSON.stringify(b));
      if (r.status !== 'closing') continue;
      assert.equal(r.exitReason, reason, JSON.stringify(b));
      assert.equal(r.exitPrice, price, JSON.stringify(b));
      assert.equal(r.bars, 1);
    }
  });
  it('short: mirrored', () => {
    const p = openShort();
    assert.equal(stepOpenPosition(p, bar(100, 104, 91, 99), rules).status, 'open');
    const cases: Array<[Bar, string, number]> = [
      [bar(100, 105, 99, 101), 'stop', 105],
      [bar(100, 101, 90, 95), 'target', 90],
      [bar(106, 110, 104, 105), 'stop', 106],
      [bar(88, 89, 85, 87), 'target', 88],
      [bar(100, 106, 89, 100), 'stop', 105],
    ];
    for (const [b, reason, price] of cases) {
      const r = stepOpenPosition(p, b, rules);
      assert.ok(r.status === 'closing' && r.exitReason === reason && r.exitPrice === price, JSON.stringify([b, r]));
    }
  });
  it('time exit at the close of the maxBars-th candle', () => {
    const r2 = positionRules({ feeRate: 0, maxBars: 2 });
    const p1 = stepOpenPosition(openLong(r2), bar(100, 101, 99, 100), r2);
    assert.equal(p1.status, 'open');
    const p2 = stepOpenPosition(p1 as OpenPosition, bar(100, 103, 99, 102), r2);
    assert.ok(p2.status === 'closing' && p2.exitReason === 'time' && p2.exitPrice === 102 && p2.bars === 2);
  });
  it('trailing stop ratchets only in the favourable direction, after the checks', () => {
    const rt = positionRules({ feeRate: 0, trailAtr: 1.5 }); // 1.5 × atr 2 = 3
    let p = stepOpenPosition(openLong(rt), bar(100, 104, 99, 103), rt) as OpenPosition;
    assert.deepEqual([p.best, p.stop], [104, 101]);
    p = stepOpenPosition(p, bar(103, 103.5, 102, 102.5), rt) as OpenPosition;
    assert.deepEqual([p.best, p.stop], [104, 101]);
    let s = stepOpenPosition(openShort(rt), bar(100, 101, 96, 97), rt) as OpenPosition;
    assert.deepEqual([s.best, s.stop], [96, 99]);
    s = stepOpenPosition(s, bar(97, 98, 96.5, 97.5), rt) as OpenPosition;
    assert.deepEqual([s.best, s.stop], [96, 99]);
  });
});

describe('paper ledger', () => {
  it('reserves, releases stake + pnl, and refuses what it cannot do', () => {
    const r = positionRules({ feeRate: 0.001 });
    let l = newLedger(150);
    const p = openLong(r);
    l = reserve(l, p);
    assert.deepEqual([l.cash, l.reserved], [50, 100]);
    throwsCode(() => reserve(l, p), 'DUPLICATE_POSITION');
    throwsCode(() => reserve(l, { ...p, id: 'c' }), 'INSUFFICIENT_BALANCE');
    const closing = closeAt(p, 2, 110, 'target', r);
    l = release(l, closing);
    // qty 1 → gross 10, fees 0.001 × (100 + 110) = 0.21
    assert.equal(l.reserved, 0);
    assert.ok(Math.abs(l.cash - (150 + 10 - 0.21)) < 1e-12);
    assert.ok(Math.abs(l.realisedGross - 10) < 1e-12 && Math.abs(l.fees - 0.21) < 1e-12);
    throwsCode(() => release(l, closing), 'UNKNOWN_POSITION');
    throwsCode(() => unreserve(l, 'nope'), 'UNKNOWN_POSITION');
    throwsCode(() => release(reserve(l, p), { ...closing, stake: 99 }), 'STAKE_MISMATCH');
    throwsCode(() => newLedger(-1), 'BAD_LEDGER');
  });
});
