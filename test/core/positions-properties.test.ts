import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PermanentError } from '../../lib/errors.js';
import {
  TRANSITIONS,
  advanceOpenPosition,
  cancelPending,
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
  unreserve,
  type Bar,
  type CandleColumns,
  type ClosingPosition,
  type ExitReason,
  type Ledger,
  type OpenPosition,
  type Position,
  type PositionRules,
  type PositionStatus,
  type Side,
} from '../../lib/core/positions/index.js';

const intentFor = (side: Side, entry: number, width: number, atr = 1) => ({
  side,
  candleTime: 0,
  stop: side === 'long' ? entry - width : entry + width,
  target: side === 'long' ? entry + 2 * width : entry - 2 * width,
  indicators: { atr },
});

/** One call of the public API, aimed at pool entry `at` (whatever its status). */
type Op =
  | { kind: 'new'; side: Side }
  | { kind: 'fill' | 'cancel' | 'reject' | 'settle'; at: number }
  | { kind: 'step'; at: number; move: number; range: number }
  | { kind: 'close'; at: number; move: number; reason: ExitReason };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('new' as const), side: fc.constantFrom<Side>('long', 'short') }),
  fc.record({ kind: fc.constantFrom('fill' as const, 'cancel' as const, 'reject' as const, 'settle' as const), at: fc.nat(20) }),
  fc.record({ kind: fc.constant('step' as const), at: fc.nat(20), move: fc.integer({ min: -15, max: 15 }), range: fc.nat(8) }),
  fc.record({
    kind: fc.constant('close' as const),
    at: fc.nat(20),
    move: fc.integer({ min: -15, max: 15 }),
    reason: fc.constantFrom<ExitReason>('signal', 'end'),
  }),
);

/** The status an op needs to act on, and the statuses it may produce. */
const NEEDS: Record<Exclude<Op['kind'], 'new'>, PositionStatus> = {
  fill: 'pending',
  cancel: 'pending',
  reject: 'pending',
  step: 'open',
  close: 'open',
  settle: 'closing',
};

function apply(op: Exclude<Op, { kind: 'new' }>, p: Position, rules: PositionRules): Position {
  const any = p as never;
  switch (op.kind) {
    case 'fill':
      return fillPending(any, 1, 100, rules);
    case 'cancel':
      return cancelPending(any, 'test');
    case 'reject':
      return rejectPending(any, 'test');
    case 'settle':
      return settle(any);
    case 'close':
      return closeAt(any, 2, 100 + op.move, op.reason, rules);
    case 'step': {
      const open = 100 + op.move;
      const bar: Bar = { time: 2, open, high: open + op.range, low: Math.max(1, open - op.range), close: open };
      return stepOpenPosition(any, bar, rules);
    }
  }
}

describe('position properties', () => {
  it('no illegal transition is reachable through the public API', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), fc.boolean(), fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }), (ops, trail, maxBars) => {
        const rules = positionRules({ feeRate: 0.001, trailAtr: trail ? 2 : null, maxBars });
        const pool: Position[] = [];
        for (const op of ops) {
          if (op.kind === 'new') {
            pool.push(pendingFromSignal({ id: String(pool.length), symbol: 'X/Y', intent: intentFor(op.side, 100, 5), stake: 10 }, rules));
            continue;
          }
          if (pool.length === 0) continue;
          const i = op.at % pool.length;
          const before = pool[i]!;
          const snapshot = JSON.stringify(before);
          let after: Position | undefined;
          try {
            after = apply(op, before, rules);
          } catch (e) {
            assert.ok(e instanceof PermanentError && e.code === 'ILLEGAL_TRANSITION', String(e));
            assert.notEqual(before.status, NEEDS[op.kind], `${op.kind} on ${before.status} must not throw`);
            assert.match(e.message, new RegExp(`from ${before.status} to `));
          }
          assert.equal(JSON.stringify(before), snapshot, 'input mutated');
          if (after === undefined) continue;
          assert.equal(before.status, NEEDS[op.kind], `${op.kind} accepted a ${before.status} position`);
          const stayedOpen = op.kind === 'step' && after.status === 'open';
          assert.ok(stayedOpen || TRANSITIONS[before.status].includes(after.status), `${before.status} → ${after.status}`);
          pool[i] = after;
        }
      }),
      { numRuns: 300 },
    );
  });

  // 1e-9 relative to the largest amount involved: with prices from 0.001 to 10 000 one trade's PnL
  // reaches 5e10, where an absolute 1e-9 is below a double's resolution (ulp ≈ 8e-6).
  it('ledger conservation: cash + reserved = start + realised gross − fees (1e-9 relative), over any opens/closes/cancels', () => {
    type LOp = { kind: 'open'; side: Side; stake: number; entry: number } | { kind: 'close' | 'cancel'; at: number; exit: number };
    const price = fc.double({ min: 0.001, max: 10_000, noNaN: true });
    const lop: fc.Arbitrary<LOp> = fc.oneof(
      fc.record({ kind: fc.constant('open' as const), side: fc.constantFrom<Side>('long', 'short'), stake: fc.double({ min: 0.01, max: 5_000, noNaN: true }), entry: price }),
      fc.record({ kind: fc.constantFrom('close' as const, 'cancel' as const), at: fc.nat(50), exit: price }),
    );
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 10_000, noNaN: true }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.array(lop, { maxLength: 60 }),
        (start, feeRate, slippageBps, ops) => {
          const rules = positionRules({ feeRate, slippageBps });
          let ledger: Ledger = newLedger(start);
          const live: Array<OpenPosition> = [];
          let gross = 0;
          let fees = 0;
          let magnitude = Math.max(1, start);
          let n = 0;
          const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * magnitude;
          for (const op of ops) {
            if (op.kind === 'open') {
              const pending = pendingFromSignal({ id: `p${n++}`, symbol: 'X/Y', intent: intentFor(op.side, op.entry, op.entry / 10), stake: op.stake }, rules);
              if (op.stake > ledger.cash) {
                assert.throws(() => reserve(ledger, pending), (e: unknown) => e instanceof PermanentError && e.code === 'INSUFFICIENT_BALANCE');
                rejectPending(pending, 'insufficient balance');
                continue;
              }
              ledger = reserve(ledger, pending);
              live.push(fillPending(pending, 1, op.entry, rules));
            } else if (live.length > 0) {
              const [p] = live.splice(op.at % live.length, 1) as [OpenPosition];
              if (op.kind === 'cancel') {
                ledger = unreserve(ledger, p.id); // as if it had never been filled
                continue;
              }
              const c = closeAt(p, 2, op.exit, 'signal', rules);
              // independent recomputation from the documented formulas
              const q = p.stake / p.entryPrice;
              const g = p.side === 'long' ? q * (c.exitPrice - p.entryPrice) : q * (p.entryPrice - c.exitPrice);
              gross += g;
              fees += feeRate * (q * p.entryPrice + q * c.exitPrice);
              magnitude = Math.max(magnitude, Math.abs(g) + q * c.exitPrice, Math.abs(gross), fees);
              ledger = release(ledger, settle(c));
            }
            const lhs = ledger.cash + ledger.reserved;
            assert.ok(close(lhs, start + gross - fees), `${lhs} vs ${start + gross - fees}`);
            assert.ok(close(ledger.realisedGross, gross) && close(ledger.fees, fees));
            assert.ok(close(ledger.reserved, live.reduce((s, p) => s + p.stake, 0)));
            assert.ok(ledger.cash >= -1e-9 || gross - fees < 0, 'cash went negative without losses');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('same prices: short pnl = −long pnl exactly with fees 0; with fees, short + long = −2 × fees (equal fees)', () => {
    const price = fc.double({ min: 0.001, max: 1e5, noNaN: true });
    fc.assert(
      fc.property(price, price, fc.double({ min: 0.01, max: 1e4, noNaN: true }), fc.double({ min: 0, max: 0.05, noNaN: true }), (entry, exit, stake, feeRate) => {
        const trade = (side: Side, r: PositionRules) =>
          closeAt(openFromSignal({ id: side, symbol: 'X/Y', intent: intentFor(side, entry, entry / 10), stake }, 1, entry, r), 2, exit, 'signal', r);
        const r0 = positionRules({ feeRate: 0 });
        const s0 = trade('short', r0).pnl;
        const l0 = trade('long', r0).pnl;
        assert.ok(s0 === -l0, `${s0} vs ${l0}`); // === : +0 and −0 are the same pnl
        const rf = positionRules({ feeRate });
        const l = trade('long', rf);
        const s = trade('short', rf);
        assert.equal(l.fees, s.fees);
        assert.ok(Math.abs(s.pnl + l.pnl + 2 * l.fees) <= 1e-9 * Math.max(1, Math.abs(l.pnl), l.fees), `${s.pnl} ${l.pnl} ${l.fees}`);
      }),
      { numRuns: 500 },
    );
  });

  it('mirrored prices (p → 2P − p): a long and the mirrored short exit on the same candle for the same reason at mirrored prices', () => {
    const barArb = fc.tuple(fc.integer({ min: -20, max: 20 }), fc.nat(10), fc.nat(10), fc.integer({ min: -10, max: 10 }));
    fc.assert(
      fc.property(
        fc.array(barArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 15 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
        (bars, width, trail, maxBars) => {
          const P = 100;
          const rules = positionRules({ feeRate: 0, trailAtr: trail ? 2 : null, maxBars });
          const mirror = (x: number) => 2 * P - x;
          let long: ReturnType<typeof stepOpenPosition> = openFromSignal({ id: 'l', symbol: 'X/Y', intent: intentFor('long', P, width, 3), stake: 100 }, 0, P, rules);
          const si = intentFor('long', P, width, 3);
          let short: ReturnType<typeof stepOpenPosition> = openFromSignal(
            { id: 's', symbol: 'X/Y', intent: { ...si, side: 'short', stop: mirror(si.stop), target: mirror(si.target) }, stake: 100 },
            0,
            mirror(P),
            rules,
          );
          let t = 0;
          for (const [o, up, down, c] of bars) {
            if (long.status !== 'open' || short.status !== 'open') break;
            const open = P + o;
            const close = P + c;
            const b: Bar = { time: ++t, open, high: Math.max(open, close) + up, low: Math.min(open, close) - down, close };
            const m: Bar = { time: t, open: mirror(b.open), high: mirror(b.low), low: mirror(b.high), close: mirror(b.close) };
            long = stepOpenPosition(long, b, rules);
            short = stepOpenPosition(short, m, rules);
            assert.equal(long.status, short.status);
            assert.equal(short.stop, mirror(long.stop));
          }
          if (long.status === 'closing' && short.status === 'closing') {
            assert.deepEqual([short.exitReason, short.exitTime, short.bars], [long.exitReason, long.exitTime, long.bars]);
            assert.equal(short.exitPrice, mirror(long.exitPrice));
            // per unit of base the pnl is the same: (exit − entry) of the long = (entry' − exit') of the short
            assert.ok(Math.abs(long.pnl / long.qty - short.pnl / short.qty) <= 1e-9);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('advanceOpenPosition (the backtester\'s walk over column arrays)', () => {
  /** Random candles around 100 (gaps, wide and narrow ranges), as columns. */
  const candlesArb = fc
    .array(fc.tuple(fc.integer({ min: -20, max: 20 }), fc.nat(10), fc.nat(10), fc.integer({ min: -10, max: 10 }), fc.boolean()), { minLength: 0, maxLength: 60 })
    .map((rows): CandleColumns => {
      const cols = { time: [] as number[], open: [] as number[], high: [] as number[], low: [] as number[], close: [] as number[] };
      rows.forEach(([o, up, down, c, frac], i) => {
        const open = 100 + o + (frac ? 0.37 : 0);
        const close = 100 + c;
        cols.time.push(1_000 + i * 300_000);
        cols.open.push(open);
        cols.high.push(Math.max(open, close) + up);
        cols.low.push(Math.min(open, close) - down);
        cols.close.push(close);
      });
      return cols;
    });

  it('equals folding stepOpenPosition candle by candle, every field, for any candles, range, position and rules', () => {
    fc.assert(
      fc.property(
        candlesArb,
        fc.nat(70),
        fc.nat(70),
        fc.constantFrom<Side>('long', 'short'),
        fc.integer({ min: 1, max: 15 }),
        fc.record({
          feeRate: fc.double({ min: 0, max: 0.05, noNaN: true }),
          slippageBps: fc.double({ min: 0, max: 500, noNaN: true }),
          trailAtr: fc.option(fc.double({ min: 0.1, max: 5, noNaN: true }), { nil: null }),
          maxBars: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }),
        }),
        fc.nat(5),
        (c, a, b, side, width, ruleInput, preBars) => {
          const n = c.close.length;
          const from = Math.min(a, b) % (n + 1);
          const to = from + (Math.max(a, b) % (n + 1 - from));
          const rules = positionRules(ruleInput);
          const entry = n > 0 ? c.open[from % n]! : 100;
          const opened = openFromSignal({ id: 'p', symbol: 'X/Y', intent: intentFor(side, entry, width, 1.5), stake: 100 }, 0, entry, rules);
          const start: OpenPosition = { ...opened, bars: preBars }; // also positions already held a while
          const snapshot = JSON.stringify(start);
          let expected: OpenPosition | ClosingPosition = start;
          let index = to;
          for (let i = from; i < to; i++) {
            expected = stepOpenPosition(expected, { time: c.time[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]! }, rules);
            if (expected.status !== 'open') {
              index = i;
              break;
            }
          }
          const got = advanceOpenPosition(start, c, from, to, rules);
          assert.deepEqual(got.position, expected);
          assert.equal(got.index, index);
          assert.equal(JSON.stringify(start), snapshot, 'input mutated');
          if (from === to) assert.equal(got.position, start);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('checks its input like stepOpenPosition, and its range', () => {
    const rules = positionRules({});
    const c: CandleColumns = { time: [1, 2], open: [100, 100], high: [101, 101], low: [99, 99], close: [100, 100] };
    const p = openFromSignal({ id: 'p', symbol: 'X/Y', intent: intentFor('long', 100, 5), stake: 10 }, 0, 100, rules);
    const closing = closeAt(p, 1, 100, 'signal', rules);
    const isCode = (code: string) => (e: unknown) => e instanceof PermanentError && e.code === code;
    assert.throws(() => advanceOpenPosition(closing as never, c, 0, 1, rules), isCode('ILLEGAL_TRANSITION'));
    assert.throws(() => advanceOpenPosition(settle(closing) as never, c, 0, 0, rules), isCode('ILLEGAL_TRANSITION'));
    for (const [from, to] of [[-1, 1], [1, 0], [0, 3], [0.5, 1], [0, Number.NaN]] as const) {
      assert.throws(() => advanceOpenPosition(p, c, from, to, rules), isCode('BAD_RANGE'), `${from}..${to}`);
    }
  });
});
