/**
 * The health reader and the GET /health handler against the local stack: real heartbeats,
 * breaker rows, pause switch, portfolio row and messages in the queue and the DLQ.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { stringify } from 'yaml';
import { makeHealthHandler } from '../../functions/health.js';
import { localContext } from '../../lib/aws/lambda-context.js';
import { parseConfig } from '../../lib/config/load.js';
import type { HealthReport } from '../../lib/health/evaluate.js';
import { probe, readHealth, type HealthDeps } from '../../lib/health/read-health.js';
import { VERSION } from '../../lib/health/version.js';
import { createHealthDeps } from '../../lib/runtime/health-deps.js';
import { signalOutboxThresholdMs as readHealthOutboxThreshold } from '../../lib/health/outbox-thresholds.js';
import { silentLog, type Log } from '../../lib/ports/log.js';
import { createDynamoBreakerStore } from '../../lib/store/state/breaker-store.js';
import { createDynamoControlStore } from '../../lib/store/state/control-store.js';
import { createDynamoHeartbeatStore } from '../../lib/store/state/heartbeat-store.js';
import { eventItem } from '../../lib/store/positions/rows.js';
import { createDynamoSignalStore } from '../../lib/store/signals/signal-store.js';
import { sampleSignal } from '../support/signals.js';
import { localSqs } from '../../infra/local-clients.js';
import { captureStdout } from '../support/capture-stdout.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { FAST_STRATEGIES } from '../support/scan-fixture.js';
import { tempDir } from '../support/temp-dir.js';

const MIN = 60_000;
const CONFIG = {
  exchanges: [
    { id: 'binance', symbols: ['BTC/USDT'], timeframes: ['5m', '1h'] },
    { id: 'bybit', symbols: ['ETH/USDT'], timeframes: ['5m'] },
  ],
  strategies: FAST_STRATEGIES,
  scan: { candles: 100 },
};

const recorder = (): Log & { warnings: Record<string, unknown>[] } => {
  const warnings: Record<string, unknown>[] = [];
  return { ...silentLog, warn: (_m, extra) => void warnings.push(extra ?? {}), warnings };
};

describe('health reader on the local stack', () => {
  let r: TestResources;
  let now: number;
  const config = parseConfig(CONFIG);
  const deps = (over: Partial<Parameters<typeof createHealthDeps>[0]> = {}): HealthDeps =>
    createHealthDeps({
      config,
      ddb: r.doc,
      sqs: r.sqs,
      stateTable: r.tables.StateTable!,
      positionsTable: r.tables.PositionsTable!,
      queueUrl: r.queues.NotifyQueue!,
      deadLetterQueueUrl: r.queues.NotifyDeadLetterQueue!,
      clock: { now: () => now },
      log: silentLog,
      ...over,
    });

  before(async () => {
    r = await testResources('health');
    now = Date.now();
  });
  after(() => r.close());

  it('an empty deployment: no scan yet → degraded, zero depths, closed breakers, 0 open positions', async () => {
    const report = await readHealth(deps());
    assert.equal(report.status, 'degraded');
    assert.equal(report.version, VERSION);
    assert.deepEqual(report.scans.map((s) => [s.timeframe, s.status, s.detail]), [['5m', 'degraded', 'no scan yet'], ['1h', 'degraded', 'no scan yet']]);
    assert.deepEqual(report.exchanges.map((e) => [e.id, e.breaker, e.status]), [['binance', 'closed', 'ok'], ['bybit', 'closed', 'ok']]);
    assert.deepEqual(report.positions, { status: 'ok', open: 0 });
    assert.deepEqual(report.queue, { status: 'ok', visible: 0, inFlight: 0 });
    assert.deepEqual(report.deadLetterQueue, { status: 'ok', visible: 0, inFlight: 0 });
    assert.deepEqual(report.control, { status: 'ok', scanningPaused: false, tradingPaused: false });
  });

  it('fresh heartbeats and open positions → ok; then a DLQ message, an open breaker and a stale scan', async () => {
    const heartbeats = createDynamoHeartbeatStore(r.doc, r.tables.StateTable!);
    await heartbeats.put({ timeframe: '5m', completedAt: now - 2 * MIN, candleTime: now - 7 * MIN, scanned: 2, failed: 0, signalled: 1 });
    await heartbeats.put({ timeframe: '1h', completedAt: now - 30 * MIN, candleTime: now - 90 * MIN, scanned: 1, failed: 0, signalled: 0 });
    await r.doc.send(
      new PutCommand({
        TableName: r.tables.PositionsTable!,
        Item: { pk: 'portfolio', sk: 'paper', start: 1000, available: 800, reserved: 200, openCount: 2, closedCount: 5, realisedGross: 0, fees: 0, createdAt: now - 86_400_000 },
      }),
    );
    const ok = await readHealth(deps());
    assert.equal(ok.status, 'ok', JSON.stringify(ok));
    assert.deepEqual(ok.positions, { status: 'ok', open: 2 });
    assert.equal(ok.scans[0]!.ageSeconds, 120);
    assert.equal(ok.scans[0]!.lastCompletedAt, new Date(now - 2 * MIN).toISOString());

    await r.sqs.send(new SendMessageCommand({ QueueUrl: r.queues.NotifyDeadLetterQueue!, MessageBody: '{}' }));
    for (let i = 0; i < 3; i++) await r.sqs.send(new SendMessageCommand({ QueueUrl: r.queues.NotifyQueue!, MessageBody: `{"n":${i}}` }));
    const breakers = createDynamoBreakerStore({ client: r.doc, table: r.tables.StateTable!, failureThreshold: 1, cooldownMs: 5 * MIN, trialMs: MIN });
    await breakers.recordFailure('bybit', now);
    const degraded = await readHealth(deps({ backlogThreshold: 2 }));
    assert.equal(degraded.status, 'degraded');
    assert.deepEqual(degraded.deadLetterQueue, { status: 'degraded', visible: 1, inFlight: 0, detail: '1 failed notifications in the dead-letter queue' });
    assert.deepEqual(degraded.queue, { status: 'degraded', visible: 3, inFlight: 0, detail: '3 messages waiting (backlog)' });
    assert.deepEqual(degraded.exchanges[1], { id: 'bybit', status: 'degraded', breaker: 'open', openUntil: new Date(now + 5 * MIN).toISOString(), detail: 'circuit open' });

    now += 21 * MIN; // 5m scan now 23 min old (> 4 × 5m)
    const down = await readHealth(deps());
    assert.equal(down.scans[0]!.status, 'down');
    assert.equal(down.status, 'down');

    await createDynamoControlStore({ client: r.doc, table: r.tables.StateTable! }).set({ scanningPaused: true }, 42, now);
    const paused = await readHealth(deps());
    assert.deepEqual(paused.control, { status: 'ok', scanningPaused: true, tradingPaused: false });
    assert.equal(paused.scans[0]!.detail, 'scanning paused');
    assert.equal(paused.status, 'degraded', 'a deliberate pause is not an outage');
    await createDynamoControlStore({ client: r.doc, table: r.tables.StateTable! }).set({ scanningPaused: false }, 42, now);
  });

  it('an unreachable SQS endpoint degrades the queues with a code, never the URL', async () => {
    const dead = localSqs('http://127.0.0.1:9'); // discard port: connection refused
    try {
      const report = await readHealth(deps({ sqs: dead }));
      assert.equal(report.queue.status, 'degraded');
      assert.equal(report.queue.detail, 'probe failed: AWS_TRANSIENT');
      assert.equal(report.deadLetterQueue.detail, 'probe failed: AWS_TRANSIENT');
      assert.ok(!JSON.stringify(report).includes(r.prefix), 'no resource name in the report');
    } finally {
      dead.destroy();
    }
  });

  it('a missing table degrades with AWS_PERMANENT', async () => {
    const report = await readHealth(deps({ stateTable: `${r.prefix}-missing`, positionsTable: `${r.prefix}-missing2` }));
    assert.equal(report.scans[0]!.detail, 'probe failed: AWS_PERMANENT');
    assert.equal(report.positions.detail, 'probe failed: AWS_PERMANENT');
    assert.equal(report.control.detail, 'probe failed: AWS_PERMANENT');
    assert.ok(!JSON.stringify(report).includes(r.prefix));
  });

  it('a probe that hangs times out (bounded) and is logged', async () => {
    const log = recorder();
    const started = Date.now();
    const result = await probe('hang', () => new Promise<never>(() => undefined), 50, log);
    assert.deepEqual(result, { ok: false, code: 'TIMEOUT' });
    // The probe never settles: only the 50 ms timeout can end it; 20 s holds under heavy load.
    assert.ok(Date.now() - started < 20_000);
    assert.equal(log.warnings[0]?.['code'], 'TIMEOUT');
    // Only the heartbeats hang; the other probes answer at once (a 50 ms budget must not depend on DynamoDB Local's speed).
    const hanging = { ...deps(), probeTimeoutMs: 50, heartbeats: { get: () => new Promise<never>(() => undefined) }, openPositions: async () => 0 };
    const report = await readHealth(hanging);
    assert.ok(report.scans.every((s) => s.detail === 'probe failed: TIMEOUT'));
    assert.equal(report.positions.status, 'ok');
  });

  it('outboxes: rows still PENDING past their lease + threshold degrade the report (bounded Query of both indexes)', async () => {
    const withOutboxes = (over: Partial<Parameters<typeof createHealthDeps>[0]> = {}) => deps({ outboxes: true, signalsTable: r.tables.SignalsTable!, ...over });
    const before = await readHealth(withOutboxes());
    assert.deepEqual(before.outboxes, [
      { name: 'signals', status: 'ok', overdue: 0, oldestAgeSeconds: null },
      { name: 'position events', status: 'ok', overdue: 0, oldestAgeSeconds: null },
    ]);
    assert.equal(readHealthOutboxThreshold(config), 10 * MIN, 'signals: 2 × the shortest scanned timeframe (5m)');

    const signals = createDynamoSignalStore({ client: r.doc, table: r.tables.SignalsTable!, leaseMs: MIN, ttlDays: 90 });
    // A run that died after recording, 30 minutes ago (lease ended 29 min ago); one recorded just now.
    await signals.record(sampleSignal(now - 2 * 3_600_000, 'ETH/USDT'), [1], now - 30 * MIN);
    await signals.record(sampleSignal(now - 3_600_000, 'ETH/USDT'), [1], now);
    // A position event nobody delivered for 20 minutes, and one written just now.
    await r.doc.send(new PutCommand({ TableName: r.tables.PositionsTable!, Item: eventItem('stuck', { kind: 'opened', recipients: [1], text: 'opened' }, now - 20 * MIN) }));
    await r.doc.send(new PutCommand({ TableName: r.tables.PositionsTable!, Item: eventItem('fresh', { kind: 'opened', recipients: [1], text: 'opened' }, now) }));

    const report = await readHealth(withOutboxes());
    assert.equal(report.status === 'ok', false);
    assert.deepEqual(report.outboxes[0], {
      name: 'signals',
      status: 'degraded',
      overdue: 1,
      oldestAgeSeconds: 29 * 60,
      detail: '1 signals still pending more than 600 s after their lease ended (oldest: 1740 s)',
    });
    assert.deepEqual(report.outboxes[1], {
      name: 'position events',
      status: 'degraded',
      overdue: 1,
      oldestAgeSeconds: 20 * 60,
      detail: '1 position events still pending more than 900 s after their lease ended (oldest: 1200 s)',
    });
    const patient = await readHealth(withOutboxes({ outboxThresholdMs: { signals: 30 * MIN, positionEvents: 30 * MIN } }));
    assert.deepEqual(patient.outboxes.map((o) => o.status), ['ok', 'ok']);
    assert.deepEqual(await readHealth(deps()).then((h) => h.outboxes), [], 'off unless asked for (the webhook\'s /status role has no Query on the outbox indexes)');

    const noTable = await readHealth(withOutboxes({ signalsTable: undefined }));
    assert.equal(noTable.outboxes[0]!.detail, 'probe failed: INVALID_ENV');
  });

  it('a probe that throws something unexpected reports UNEXPECTED', async () => {
    assert.deepEqual(await probe('boom', () => Promise.reject(new TypeError('x')), 1000, silentLog), { ok: false, code: 'UNEXPECTED' });
  });
});

describe('functions/health handler', () => {
  let r: TestResources;
  let configPath: string;
  before(async () => {
    r = await testResources('health-fn');
    configPath = join(tempDir('candlebot-health-'), 'candlebot.config.yml');
    writeFileSync(configPath, stringify(CONFIG));
  });
  after(() => r.close());

  const get = { version: '2.0', routeKey: 'GET /health', rawPath: '/health', requestContext: { http: { method: 'GET', path: '/health' } } };
  const invoke = async (handler: ReturnType<typeof makeHealthHandler>, event: unknown) => {
    const { result } = await captureStdout(() => handler(event, localContext('health', 10_000, 'req-1')));
    return result as { statusCode: number; headers: Record<string, string>; body: string };
  };

  it('GET /health → 200 JSON (degraded: no scan yet), no resource names in the body', async () => {
    const handler = makeHealthHandler({ env: { ...r.env, CANDLEBOT_CONFIG_PATH: configPath } });
    const res = await invoke(handler, get);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    const body = JSON.parse(res.body) as HealthReport;
    assert.equal(body.status, 'degraded');
    assert.equal(body.version, VERSION);
    assert.deepEqual(body.scans.map((s) => s.timeframe), ['5m', '1h']);
    assert.deepEqual(body.exchanges.map((e) => e.id), ['binance', 'bybit']);
    for (const secret of [r.prefix, r.env.NOTIFY_QUEUE_URL, r.env.AWS_SECRET_ACCESS_KEY]) assert.ok(!res.body.includes(secret), secret);
  });

  it('down → 503 with the same report', async () => {
    await createDynamoHeartbeatStore(r.doc, r.tables.StateTable!).put({ timeframe: '5m', completedAt: Date.now() - 3_600_000, candleTime: 0, scanned: 0, failed: 0, signalled: 0 });
    const handler = makeHealthHandler({ env: { ...r.env, CANDLEBOT_CONFIG_PATH: configPath } });
    const res = await invoke(handler, get);
    assert.equal(res.statusCode, 503);
    assert.equal((JSON.parse(res.body) as HealthReport).status, 'down');
  });

  it('a broken environment answers 503 down with the error code only', async () => {
    const handler = makeHealthHandler({ env: { CANDLEBOT_CONFIG_PATH: configPath, STATE_TABLE: 'x' } });
    const res = await invoke(handler, get);
    assert.equal(res.statusCode, 503);
    const body = JSON.parse(res.body) as { status: string; error: string };
    assert.equal(body.status, 'down');
    assert.equal(body.error, 'INVALID_ENV');
  });

  it('other methods → 405; a non-HTTP event → 400', async () => {
    const handler = makeHealthHandler({ env: { ...r.env, CANDLEBOT_CONFIG_PATH: configPath } });
    assert.equal((await invoke(handler, { ...get, requestContext: { http: { method: 'POST' } } })).statusCode, 405);
    assert.equal((await invoke(handler, { hello: 1 })).statusCode, 400);
  });
});
