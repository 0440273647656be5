/**
 * The handler kit (lib/runtime/handler-kit.ts): lazy runtime, zod event middleware, catalogued
 * metrics from report points, DynamoDBErrors after each invocation. The metric design changed
 * deliberately with issue 14 (lib/runtime/metric-catalogue.ts): only the metrics alarms need.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { localContext } from '../../lib/aws/lambda-context.js';
import { lambdaHandler, lazy, parseEvent } from '../../lib/runtime/handler-kit.js';
import type { CachedRowKind } from '../../lib/aws/corrupt-rows.js';
import { createDynamoErrorCounter } from '../../lib/aws/dynamo-errors.js';
import { CORRUPT_ROW_KINDS, METRIC_CATALOGUE, metricSpec } from '../../lib/runtime/metric-catalogue.js';
import { monitorMetrics, scanFailureRatio, scanMetrics, webhookMetrics } from '../../lib/runtime/report-metrics.js';
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
  it('peek() gives the value only once built, never building it', () => {
    let builds = 0;
    const get = lazy(() => ++builds);
    assert.equal(get.peek(), undefined);
    assert.equal(builds, 0);
    get();
    assert.equal(get.peek(), 1);
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
  type Emf = Record<string, unknown> & { _aws?: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } };
  const emfOf = (lines: readonly Record<string, unknown>[]) => (lines as Emf[]).filter((l) => l._aws !== undefined);

  it('parses the event, runs the body; points without dimensions share one blob (service only), with dimensions each its own', async () => {
    const seen: unknown[] = [];
    const handler = lambdaHandler({ logger: logger(), event: { schema, what: 'test' } }, async (event, inv) => {
      seen.push(event, inv.remainingMs() > 0);
      inv.publish([{ name: 'MonitorFailures', value: event.n }, { name: 'OutboxStuck', value: 2 }, { name: 'ScanFailureRatio', value: 0.25, dimensions: { timeframe: '1h' } }]);
      inv.logger.info('body ran');
      return event.n * 2;
    });
    const { result, lines } = await captureStdout(() => handler({ n: 21 }, localContext('test', 60_000, 'req-k1')));
    assert.equal(result, 42);
    assert.deepEqual(seen, [{ n: 21 }, true]);
    assert.equal(lines.find((l) => l.message === 'body ran')?.function_request_id, 'req-k1', 'Lambda context injected');
    const emf = emfOf(lines);
    const main = emf.find((l) => l.MonitorFailures !== undefined);
    assert.equal(main?.MonitorFailures, 21);
    assert.equal(main?.OutboxStuck, 2);
    assert.deepEqual(main?._aws?.CloudWatchMetrics[0]?.Dimensions, [['service']]);
    assert.equal(main?._aws?.CloudWatchMetrics[0]?.Namespace, 'candlebot');
    const ratio = emf.find((l) => l.ScanFailureRatio !== undefined);
    assert.equal(ratio?.ScanFailureRatio, 0.25);
    assert.equal(ratio?.timeframe, '1h');
    assert.deepEqual(ratio?._aws?.CloudWatchMetrics[0]?.Dimensions, [['service', 'timeframe']]);
    assert.deepEqual(ratio?._aws?.CloudWatchMetrics[0]?.Metrics, [{ Name: 'ScanFailureRatio', Unit: 'None' }], 'the unit comes from the catalogue');
    assert.equal(ratio?.MonitorFailures, undefined, 'a dimensioned point never carries the others');
  });
  it('rejects an invalid event before the body runs', async () => {
    let ran = false;
    const handler = lambdaHandler({ logger: logger(), event: { schema, what: 'test' } }, async () => {
      ran = true;
    });
    const { result } = await captureStdout(() => handler({ n: 'x' }, localContext('test', 60_000, 'req-k2')).then(() => undefined, (e: Error & { code?: string }) => e));
    assert.equal(result?.code, 'INVALID_EVENT');
    assert.match(String(result?.message), /^invalid test event: n: /);
    assert.equal(ran, false);
  });
  it('without a schema the raw event reaches the body; nothing published: no EMF blob and no empty-metrics warning', async () => {
    const handler = lambdaHandler({ logger: logger() }, async (event) => event);
    const { result, lines } = await captureStdout(() => handler('raw', localContext('test', 60_000, 'req-k3')));
    assert.equal(result, 'raw');
    assert.equal(emfOf(lines).length, 0);
    assert.equal(lines.filter((l) => /No application metrics/.test(String(l.message))).length, 0);
  });
  it('a name outside the catalogue is refused', async () => {
    const handler = lambdaHandler({ logger: logger() }, async (_event, inv) => inv.publish([{ name: 'SymbolsScanned' as never, value: 1 }]));
    const { result } = await captureStdout(() => handler({}, localContext('test', 60_000, 'req-k4')).then(() => undefined, (e: Error) => e));
    assert.match(String(result?.message), /SymbolsScanned is not in the catalogue/);
  });
  it('DynamoDBErrors: the runtime counter is taken after each invocation, published only when > 0, also when the body fails', async () => {
    const counter = createDynamoErrorCounter();
    let built = false;
    const handler = lambdaHandler({ logger: logger(), dynamoErrors: () => (built ? counter : undefined) }, async (event: unknown) => {
      built = true;
      if (event === 'throttled') {
        counter.add();
        counter.add();
      }
      if (event === 'fails') {
        counter.add();
        throw new Error('body failed');
      }
      return event;
    });
    const count = async (event: string) => {
      const { lines } = await captureStdout(() => handler(event, localContext('test', 60_000, `req-${event}`)).catch(() => undefined));
      return emfOf(lines).map((l) => [l.DynamoDBErrors, l._aws?.CloudWatchMetrics[0]?.Dimensions]);
    };
    assert.deepEqual(await count('quiet'), [], 'zero: nothing published');
    assert.deepEqual(await count('throttled'), [[2, [['service']]]]);
    assert.deepEqual(await count('quiet'), [], 'the count starts again from 0 after each invocation');
    assert.deepEqual(await count('fails'), [[1, [['service']]]]);
  });
});

describe('report metrics', () => {
  const scan = (over: Record<string, unknown>) =>
    ({ timeframe: '1h', paused: false, scanned: 3, failed: 0, skipped: 0, signalled: 1, outboxPending: 0, outboxFailed: 0, gaps: 0, durationMs: 9, redrive: { found: 0, delivered: 0, skipped: 0, failed: 0 }, ...over }) as unknown as Parameters<typeof scanMetrics>[0];
  it('ScanFailureRatio: failed / (scanned + failed); nothing scanned → 1; paused → 0', () => {
    assert.equal(scanFailureRatio(scan({ scanned: 3, failed: 1 })), 0.25);
    assert.equal(scanFailureRatio(scan({ scanned: 5, failed: 0 })), 0);
    assert.equal(scanFailureRatio(scan({ scanned: 0, failed: 0, skipped: 5 })), 1, 'an open circuit skipped everything');
    assert.equal(scanFailureRatio(scan({ scanned: 0, failed: 4 })), 1);
    assert.equal(scanFailureRatio(scan({ scanned: 0, failed: 0, paused: true })), 0);
  });
  it('scan: ScanFailureRatio {timeframe} every run; OutboxStuck only when signals were left pending or parked (re-drive failures count)', () => {
    assert.deepEqual(scanMetrics(scan({})), [{ name: 'ScanFailureRatio', value: 0, dimensions: { timeframe: '1h' } }]);
    const stuck = scanMetrics(scan({ outboxPending: 1, outboxFailed: 1, redrive: { found: 2, delivered: 1, skipped: 0, failed: 1 } }));
    assert.deepEqual(stuck.find((p) => p.name === 'OutboxStuck'), { name: 'OutboxStuck', value: 3 });
  });
  it('monitor: MonitorFailures every run (0 too); OutboxStuck = failed sends plus a failed listing, only when > 0', () => {
    const base = { listed: 2, truncated: false, quarantined: 0, closed: 1, lost: 0, progressed: 1, marked: 1, unchanged: 0, gaps: 0, skipped: 0, failed: 0, failures: [], events: { found: 1, delivered: 1, skipped: 0, failed: 0, quarantined: 0, listFailed: 0 }, durationMs: 5 };
    const names = (points: ReturnType<typeof monitorMetrics>) => Object.fromEntries(points.map((p) => [p.name, p.value]));
    assert.deepEqual(names(monitorMetrics(base)), { MonitorFailures: 0 });
    assert.deepEqual(names(monitorMetrics({ ...base, failed: 2, events: { ...base.events, failed: 2, listFailed: 1 } })), { MonitorFailures: 2, OutboxStuck: 3 });
  });
  it('webhook: WebhookServerErrors 1 for a 5xx answer only', () => {
    assert.deepEqual(webhookMetrics({ statusCode: 500 }), [{ name: 'WebhookServerErrors', value: 1 }]);
    assert.deepEqual(webhookMetrics({ statusCode: 503 }), [{ name: 'WebhookServerErrors', value: 1 }]);
    assert.deepEqual(webhookMetrics({ statusCode: 200 }), []);
    assert.deepEqual(webhookMetrics({ statusCode: 401 }), []);
  });
});

describe('metric catalogue', () => {
  it('one entry per name; dimension values given for every extra dimension; the row kinds are exactly the corrupt-row kinds', () => {
    const names = METRIC_CATALOGUE.map((m) => m.name);
    assert.equal(new Set(names).size, names.length);
    for (const m of METRIC_CATALOGUE) {
      assert.deepEqual(Object.keys(m.dimensionValues).sort(), [...m.dimensions].sort(), m.name);
      assert.ok(m.emittedBy.length > 0, m.name);
      assert.equal(metricSpec(m.name), m);
    }
    // Every catalogued kind is a CachedRowKind (compile time); every CachedRowKind is catalogued (the Record must list them all).
    const kinds: readonly CachedRowKind[] = CORRUPT_ROW_KINDS;
    const every: Record<CachedRowKind, true> = { markets: true, 'chart-file': true, 'send-rate': true, breaker: true, heartbeat: true };
    assert.deepEqual([...kinds].sort(), Object.keys(every).sort());
    assert.throws(() => metricSpec('SymbolsScanned' as never), /not in the catalogue/);
  });
});
