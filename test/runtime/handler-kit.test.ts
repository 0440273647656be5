/** The handler kit (lib/runtime/handler-kit.ts): lazy runtime, zod event middleware, metrics from report points. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { localContext } from '../../lib/aws/lambda-context.js';
import { lambdaHandler, lazy, parseEvent } from '../../lib/runtime/handler-kit.js';
import { monitorMetrics, notifyMetrics, scanMetrics } from '../../lib/runtime/report-metrics.js';
import { captureStdout } from '../support/capture-stdout.js';

const logger = () => new Logger({ serviceName: 'candlebot-test' });

describe('lazy', () => {
  it('builds on the first call only, and keeps the value', () => {
    let builds = 0;
    const get = lazy(() => ({ n: ++builds }));
    assert.equal(builds, 0, 'nothing built before the first call');
    assert.equal(get(), get());
    assert.equal(builds, 1);
  });
  it('uses a given value without building; forgets a build that threw', () => {
    assert.deepEqual(lazy(() => assert.fail('not built'), { n: 7 })(), { n: 7 });
    let calls = 0;
    const get = lazy(() => {
      if (++calls === 1) throw new Error('first build fails');
      return calls;
    });
    assert.throws(get, /first build fails/);
    assert.equal(get(), 2);
    assert.equal(get(), 2);
  });
});

describe('parseEvent', () => {
  const schema = z.object({ timeframe: z.enum(['1m', '1h']) }).strict();
  it('returns the parsed event', () => {
    assert.deepEqual(parseEvent(schema, 'scan', { timeframe: '1h' }), { timeframe: '1h' });
  });
  it('throws PermanentError INVALID_EVENT naming every issue (describeIssues format)', () => {
    assert.throws(
      () => parseEvent(schema, 'scan', { timeframe: '2w', extra: 1 }),
      (e: Error & { code?: string; kind?: string }) => {
        assert.equal(e.code, 'INVALID_EVENT');
        assert.equal(e.kind, 'permanent');
        assert.match(e.message, /^invalid scan event: timeframe: .+; \(root\): .*extra/);
        return true;
      },
    );
    assert.throws(() => parseEvent(schema, 'SQS', 'not an object'), /^PermanentError|invalid SQS event: \(root\): /);
  });
});

describe('lambdaHandler', () => {
  const schema = z.object({ n: z.number() }).strict();
  it('parses the event, runs the body with the invocation, flushes the published metrics with the dimensions', async () => {
    const seen: unknown[] = [];
    const handler = lambdaHandler({ logger: logger(), metrics: true, event: { schema, what: 'test' } }, async (event, inv) => {
      seen.push(event, inv.remainingMs() > 0);
      inv.publish([{ name: 'Things', value: event.n }, { name: 'Took', value: 12, unit: 'Milliseconds' }, { name: 'Dropped', value: 2, dimension: ['reason', 'malformed'] }], { timeframe: '1h' });
      inv.logger.info('body ran');
      return event.n * 2;
    });
    const { result, lines } = await captureStdout(() => handler({ n: 21 }, localContext('test', 60_000, 'req-k1')));
    assert.equal(result, 42);
    assert.deepEqual(seen, [{ n: 21 }, true]);
    assert.equal(lines.find((l) => l.message === 'body ran')?.function_request_id, 'req-k1', 'Lambda context injected');
    const emf = lines.filter((l) => l._aws !== undefined);
    const main = emf.find((l) => l.Things !== undefined);
    assert.equal(main?.Things, 21);
    assert.equal(main?.Took, 12);
    assert.equal(main?.timeframe, '1h');
    const dropped = emf.find((l) => l.Dropped !== undefined);
    assert.equal(dropped?.Dropped, 2);
    assert.equal(dropped?.reason, 'malformed');
  });
  it('rejects an invalid event before the body runs', async () => {
    let ran = false;
    const handler = lambdaHandler({ logger: logger(), metrics: true, event: { schema, what: 'test' } }, async () => {
      ran = true;
    });
    const { result } = await captureStdout(() => handler({ n: 'x' }, localContext('test', 60_000, 'req-k2')).then(() => undefined, (e: Error & { code?: string }) => e));
    assert.equal(result?.code, 'INVALID_EVENT');
    assert.match(String(result?.message), /^invalid test event: n: /);
    assert.equal(ran, false);
  });
  it('without a schema the raw event reaches the body; without metrics nothing is flushed', async () => {
    const handler = lambdaHandler({ logger: logger() }, async (event, inv) => {
      inv.publish([{ name: 'Ignored', value: 1 }]);
      return event;
    });
    const { result, lines } = await captureStdout(() => handler('raw', localContext('test', 60_000, 'req-k3')));
    assert.equal(result, 'raw');
    assert.equal(lines.filter((l) => l._aws !== undefined).length, 0);
  });
});

describe('report metrics', () => {
  it('scan: signals the outbox re-drive could not enqueue are published (OutboxRedriveFailures)', () => {
    const report = { scanned: 3, failed: 0, skipped: 0, signalled: 1, outboxPending: 0, gaps: 0, durationMs: 9, redrive: { found: 2, delivered: 1, skipped: 0, failed: 1 } } as unknown as Parameters<typeof scanMetrics>[0];
    const point = scanMetrics(report).find((p) => p.name === 'OutboxRedriveFailures');
    assert.equal(point?.value, 1);
  });
  it('monitor: the dashboard outcome becomes DashboardsEnqueued or DashboardRefreshFailures; absent, neither', () => {
    const base = { listed: 2, truncated: false, quarantined: 0, closed: 1, lost: 0, progressed: 1, marked: 1, unchanged: 0, gaps: 0, skipped: 0, failed: 0, failures: [], events: { found: 1, delivered: 1, skipped: 0, failed: 0, quarantined: 0, listFailed: 0 }, durationMs: 5 };
    const names = (points: ReturnType<typeof monitorMetrics>) => Object.fromEntries(points.map((p) => [p.name, p.value]));
    assert.deepEqual(names(monitorMetrics(base)), { PositionsListed: 2, PositionsClosed: 1, PositionsMarked: 2, RowsQuarantined: 0, MonitorFailures: 0, PositionEventsDelivered: 1, PositionEventFailures: 0, MonitorDuration: 5 });
    // Outbox failures are published, never turned into zeros (a failed listing counts too).
    assert.equal(names(monitorMetrics({ ...base, events: { ...base.events, failed: 2, listFailed: 1 } })).PositionEventFailures, 3);
    assert.equal(names(monitorMetrics({ ...base, dashboards: { chats: 3, enqueued: 3, limited: false } })).DashboardsEnqueued, 3);
    assert.equal(names(monitorMetrics({ ...base, dashboards: { failed: 'AWS_TRANSIENT' } })).DashboardRefreshFailures, 1);
  });
  it('notify: one Dropped point per reason, with the reason as its dimension', () => {
    const points = notifyMetrics({ received: 3, sent: 1, duplicates: 0, retried: 0, givenBack: 0, rateWaitMs: 0, dropped: { malformed: 1, blocked: 1 }, failures: [] } as never);
    assert.deepEqual(points.filter((p) => p.name === 'Dropped').map((p) => p.dimension), [['reason', 'malformed'], ['reason', 'blocked']]);
  });
});
