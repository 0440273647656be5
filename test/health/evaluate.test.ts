import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateHealth, scanStatus, worst, type HealthInput } from '../../lib/health/evaluate.js';
import type { ScanHeartbeat } from '../../lib/ports/state.js';

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const MIN = 60_000;
const hb = (timeframe: string, completedAt: number): ScanHeartbeat => ({ timeframe, completedAt, candleTime: completedAt - 5 * MIN, scanned: 3, failed: 0, signalled: 0 });
const ok = <T>(value: T) => ({ ok: true as const, value });
const fail = (code: string) => ({ ok: false as const, code });

function input(over: Partial<HealthInput> = {}): HealthInput {
  return {
    now: NOW,
    version: '1.2.3',
    backlogThreshold: 1000,
    scans: [{ timeframe: '5m', heartbeat: ok(hb('5m', NOW - MIN)) }],
    exchanges: [{ id: 'binance', breaker: ok({ state: 'closed' as const, failures: 0, openUntil: 0 }) }],
    openPositions: ok(2),
    control: ok({ scanningPaused: false, tradingPaused: false }),
    queue: ok({ visible: 0, inFlight: 0 }),
    deadLetterQueue: ok({ visible: 0, inFlight: 0 }),
    ...over,
  };
}

describe('scan age rule: ok ≤ 2×tf < degraded ≤ 4×tf < down', () => {
  const cases: [number, string][] = [
    [0, 'ok'],
    [10 * MIN, 'ok'], // exactly 2 × 5m
    [10 * MIN + 1, 'degraded'],
    [20 * MIN, 'degraded'], // exactly 4 × 5m
    [20 * MIN + 1, 'down'],
    [-5 * MIN, 'ok'], // heartbeat from a clock ahead of ours: age clamps to 0
  ];
  for (const [age, expected] of cases) {
    it(`age ${age} ms on 5m → ${expected}`, () => {
      const s = scanStatus('5m', hb('5m', NOW - age), NOW, false);
      assert.equal(s.status, expected);
      assert.equal(s.ageSeconds, Math.floor(Math.max(0, age) / 1000));
      assert.equal(s.lastCompletedAt, new Date(NOW - age).toISOString());
    });
  }

  it('scales with the timeframe (1d: 47 h old is ok, 49 h degraded)', () => {
    assert.equal(scanStatus('1d', hb('1d', NOW - 47 * 60 * MIN), NOW, false).status, 'ok');
    assert.equal(scanStatus('1d', hb('1d', NOW - 49 * 60 * MIN), NOW, false).status, 'degraded');
  });

  it('never ran since deploy → degraded "no scan yet"', () => {
    assert.deepEqual(scanStatus('1h', undefined, NOW, false), { status: 'degraded', lastCompletedAt: null, ageSeconds: null, detail: 'no scan yet' });
  });

  it('scanning paused by the admin caps a stale scan at degraded', () => {
    const s = scanStatus('5m', hb('5m', NOW - 60 * MIN), NOW, true);
    assert.equal(s.status, 'degraded');
    assert.equal(s.detail, 'scanning paused');
    assert.equal(scanStatus('5m', hb('5m', NOW - MIN), NOW, true).status, 'ok');
  });
});

describe('evaluateHealth', () => {
  it('all fine → ok with every field', () => {
    const r = evaluateHealth(input());
    assert.equal(r.status, 'ok');
    assert.equal(r.version, '1.2.3');
    assert.equal(r.checkedAt, new Date(NOW).toISOString());
    assert.deepEqual(r.scans, [{ timeframe: '5m', status: 'ok', lastCompletedAt: new Date(NOW - MIN).toISOString(), ageSeconds: 60 }]);
    assert.deepEqual(r.exchanges, [{ id: 'binance', status: 'ok', breaker: 'closed' }]);
    assert.deepEqual(r.positions, { status: 'ok', open: 2 });
    assert.deepEqual(r.control, { status: 'ok', scanningPaused: false, tradingPaused: false });
    assert.deepEqual(r.queue, { status: 'ok', visible: 0, inFlight: 0 });
    assert.deepEqual(r.deadLetterQueue, { status: 'ok', visible: 0, inFlight: 0 });
  });

  it('an open or half-open breaker → degraded; closed with failures is ok', () => {
    const open = evaluateHealth(input({ exchanges: [{ id: 'bybit', breaker: ok({ state: 'open' as const, failures: 3, openUntil: NOW + 5 * MIN }) }] }));
    assert.equal(open.status, 'degraded');
    assert.deepEqual(open.exchanges[0], { id: 'bybit', status: 'degraded', breaker: 'open', openUntil: new Date(NOW + 5 * MIN).toISOString(), detail: 'circuit open' });
    assert.equal(evaluateHealth(input({ exchanges: [{ id: 'b', breaker: ok({ state: 'half-open' as const, failures: 3, openUntil: NOW }) }] })).status, 'degraded');
    assert.equal(evaluateHealth(input({ exchanges: [{ id: 'b', breaker: ok({ state: 'closed' as const, failures: 2, openUntil: 0 }) }] })).status, 'ok');
  });

  it('DLQ depth > 0 (visible or in flight) → degraded', () => {
    assert.equal(evaluateHealth(input({ deadLetterQueue: ok({ visible: 1, inFlight: 0 }) })).status, 'degraded');
    const r = evaluateHealth(input({ deadLetterQueue: ok({ visible: 0, inFlight: 1 }) }));
    assert.equal(r.deadLetterQueue.status, 'degraded');
    assert.match(r.deadLetterQueue.detail ?? '', /1 failed notifications/);
  });

  it('queue backlog: at the threshold ok, above it degraded', () => {
    assert.equal(evaluateHealth(input({ queue: ok({ visible: 900, inFlight: 100 }) })).status, 'ok');
    assert.equal(evaluateHealth(input({ queue: ok({ visible: 900, inFlight: 101 }) })).status, 'degraded');
  });

  it('a failed probe → degraded with its code only', () => {
    const r = evaluateHealth(input({ openPositions: fail('TIMEOUT'), queue: fail('AWS_PERMANENT'), scans: [{ timeframe: '5m', heartbeat: fail('AWS_TRANSIENT') }], control: fail('CORRUPT_CONTROL') }));
    assert.equal(r.status, 'degraded');
    assert.deepEqual(r.positions, { status: 'degraded', open: null, detail: 'probe failed: TIMEOUT' });
    assert.deepEqual(r.queue, { status: 'degraded', visible: null, inFlight: null, detail: 'probe failed: AWS_PERMANENT' });
    assert.deepEqual(r.scans[0], { timeframe: '5m', status: 'degraded', lastCompletedAt: null, ageSeconds: null, detail: 'probe failed: AWS_TRANSIENT' });
    assert.deepEqual(r.control, { status: 'degraded', scanningPaused: null, tradingPaused: null, detail: 'probe failed: CORRUPT_CONTROL' });
  });

  it('overall is the worst component: one down timeframe makes it down', () => {
    const r = evaluateHealth(
      input({
        scans: [
          { timeframe: '1m', heartbeat: ok(hb('1m', NOW - 5 * MIN)) },
          { timeframe: '1h', heartbeat: ok(hb('1h', NOW - 30 * MIN)) },
        ],
        deadLetterQueue: ok({ visible: 3, inFlight: 0 }),
      }),
    );
    assert.deepEqual(r.scans.map((s) => s.status), ['down', 'ok']);
    assert.equal(r.status, 'down');
  });

  it('worst() of nothing is ok', () => {
    assert.equal(worst([]), 'ok');
    assert.equal(worst(['ok', 'down', 'degraded']), 'down');
  });
});

describe('outbox rule: a row still PENDING longer than the threshold after its lease ended → degraded', () => {
  const backlog = (overdue: number, oldestLeaseUntil: number | null, truncated = false) => ok({ overdue, truncated, oldestLeaseUntil });

  it('no outbox probed: none reported, the status unchanged', () => {
    const r = evaluateHealth(input());
    assert.deepEqual(r.outboxes, []);
    assert.equal(r.status, 'ok');
  });

  it('nothing overdue → ok; rows overdue → degraded, naming the outbox, how many and how old', () => {
    const r = evaluateHealth(
      input({
        outboxes: [
          { name: 'signals', thresholdMs: 2 * 60 * MIN, backlog: backlog(0, null) },
          { name: 'position events', thresholdMs: 15 * MIN, backlog: backlog(3, NOW - 40 * MIN) },
        ],
      }),
    );
    assert.deepEqual(r.outboxes[0], { name: 'signals', status: 'ok', overdue: 0, oldestAgeSeconds: null });
    assert.deepEqual(r.outboxes[1], {
      name: 'position events',
      status: 'degraded',
      overdue: 3,
      oldestAgeSeconds: 2400,
      detail: '3 position events still pending more than 900 s after their lease ended (oldest: 2400 s)',
    });
    assert.equal(r.status, 'degraded');
  });

  it('a read that stopped at its limit says `N+`; a failed probe degrades with its code', () => {
    const r = evaluateHealth(
      input({
        outboxes: [
          { name: 'signals', thresholdMs: 60 * MIN, backlog: backlog(100, NOW - 5 * 60 * MIN, true) },
          { name: 'position events', thresholdMs: 15 * MIN, backlog: fail('AWS_PERMANENT') },
        ],
      }),
    );
    assert.match(r.outboxes[0]!.detail!, /^100\+ signals still pending more than 3600 s after their lease ended \(oldest: 18000 s\)$/);
    assert.deepEqual(r.outboxes[1], { name: 'position events', status: 'degraded', overdue: null, oldestAgeSeconds: null, detail: 'probe failed: AWS_PERMANENT' });
  });
});
