import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateHealth } from '../../lib/health/evaluate.js';
import { formatAge, renderStatusText } from '../../lib/health/status-text.js';
import { parseTelegramHtml } from '../support/fake-telegram/index.js';

const NOW = Date.UTC(2026, 0, 10, 12);

describe('renderStatusText', () => {
  it('renders every component with its status, escaped', () => {
    const report = evaluateHealth({
      now: NOW,
      version: '1.0.0<x>',
      backlogThreshold: 10,
      scans: [
        { timeframe: '5m', heartbeat: { ok: true, value: { timeframe: '5m', completedAt: NOW - 75_000, candleTime: 0, scanned: 1, failed: 0, signalled: 0 } } },
        { timeframe: '1h', heartbeat: { ok: false, code: 'TIMEOUT' } },
      ],
      exchanges: [{ id: 'bybit', breaker: { ok: true, value: { state: 'open', failures: 3, openUntil: NOW + 60_000 } } }],
      openPositions: { ok: true, value: 3 },
      control: { ok: true, value: { scanningPaused: false, tradingPaused: true } },
      queue: { ok: true, value: { visible: 20, inFlight: 1 } },
      deadLetterQueue: { ok: false, code: 'AWS_PERMANENT' },
      outboxes: [
        { name: 'signals', thresholdMs: 7_200_000, backlog: { ok: true, value: { overdue: 0, truncated: false, oldestLeaseUntil: null } } },
        { name: 'position events', thresholdMs: 900_000, backlog: { ok: true, value: { overdue: 2, truncated: false, oldestLeaseUntil: NOW - 3_900_000 } } },
      ],
    });
    const text = renderStatusText(report);
    assert.ok(parseTelegramHtml(text).ok, text);
    assert.match(text, /^🟡 <b>candlebot degraded<\/b> · v1.0.0&lt;x&gt;/);
    assert.match(text, /🟢 5m: last 1m 15s ago/);
    assert.match(text, /🟡 1h: — probe failed: TIMEOUT/);
    assert.match(text, /🟡 bybit: circuit open until 2026-01-10T12:01:00.000Z/);
    assert.match(text, /🟡 queue: 20 waiting, 1 in flight — 21 messages waiting \(backlog\)/);
    assert.match(text, /🟡 dead-letter queue: unknown — probe failed: AWS_PERMANENT/);
    assert.match(text, /🟢 open positions: 3/);
    assert.match(text, /🟢 signal outbox: nothing overdue\n/);
    assert.match(text, /🟡 position-event outbox: 2 overdue, oldest 1h 5m past its lease — 2 position events still pending more than 900 s after their lease ended \(oldest: 3900 s\)/);
    assert.match(text, /scanning on · trading paused/);
  });

  it('formatAge', () => {
    assert.deepEqual([formatAge(0), formatAge(59), formatAge(60), formatAge(3599), formatAge(7260), formatAge(90_000)], ['0s', '59s', '1m 0s', '59m 59s', '2h 1m', '1d 1h']);
  });
});
