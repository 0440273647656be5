import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { localSqs } from '../../infra/local-clients.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { publishSignal, redrivePending, type OutboxDeps } from '../../lib/signals/outbox.js';
import { createDynamoSignalStore } from '../../lib/store/signals/signal-store.js';
import { testClock } from '../support/clock.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { sampleSignal } from '../support/signals.js';

const LEASE = 60_000;
const T0 = Date.UTC(2026, 0, 1);

describe('signal outbox (DynamoDB Local + SQS emulator)', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('outbox');
  });
  after(() => r.close());

  const depsAt = (clock = testClock(T0), queueUrl?: string): OutboxDeps & { clock: ReturnType<typeof testClock> } => ({
    signals: createDynamoSignalStore({ client: r.doc, table: r.tables.SignalsTable!, leaseMs: LEASE, ttlDays: 90 }),
    queue: createSqsNotificationQueue({ client: r.sqs, queueUrl: queueUrl ?? r.queues.NotifyQueue!, sleep: async () => {} }),
    clock,
  });

  it('records once, enqueues one notification per recipient, clears the marker; a repeat is a duplicate', async () => {
    const deps = depsAt();
    const signal = sampleSignal(T0 - 3_600_000, 'ETH/USDT');
    assert.deepEqual(await publishSignal(deps, signal, [11, 22]), { status: 'recorded' });
    assert.deepEqual(await publishSignal(deps, signal, [11, 22]), { status: 'duplicate' });
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.deepEqual(sent.map((n) => n.id).sort(), [`${signal.id}#chat#11`, `${signal.id}#chat#22`]);
    assert.match(sent[0]!.text, /LONG ETH\/USDT/);
    assert.match(sent[0]!.text, /🟢/, 'emoji survive the ASCII-escaped body');
    const row = (await r.doc.send(new GetCommand({ TableName: r.tables.SignalsTable!, Key: { id: signal.id } }))).Item!;
    assert.equal(row.outbox, undefined);
    assert.equal(row.notifiedAt, T0);
    assert.equal(row.expiresAt, Math.floor(T0 / 1000) + 90 * 86_400);
  });

  it('a run that died after recording is re-driven once its lease passes, exactly once across 10 concurrent re-drivers', async () => {
    const deps = depsAt();
    const signal = sampleSignal(T0 - 7_200_000, 'SOL/USDT');
    // The dying run: the row is written (with its outbox marker) and nothing is enqueued.
    const recorded = await deps.signals.record(signal, [1, 2, 3], deps.clock.now());
    assert.equal(recorded.status, 'recorded');

    deps.clock.advance(LEASE - 1);
    const early = await redrivePending(deps, 25);
    assert.equal(early.found, 0, 'not re-driven while the writer may still hold the lease');

    deps.clock.advance(2);
    const reports = await Promise.all(Array.from({ length: 10 }, () => redrivePending(deps, 25)));
    const mine = reports.map((rep) => rep.delivered).reduce((a, b) => a + b, 0);
    assert.equal(mine, 1, 'one re-driver wins the claim');
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.deepEqual(sent.map((n) => n.chatId).sort(), [1, 2, 3]);
    assert.deepEqual(await deps.signals.get(signal.id).then((g) => g?.pending), false);
    assert.equal((await redrivePending(deps, 25)).found, 0);
  });

  it('a transient queue failure leaves the row pending; the next run after the lease delivers it', async () => {
    const unreachable = localSqs('http://127.0.0.1:9');
    const clock = testClock(T0);
    const broken: OutboxDeps = { ...depsAt(clock), queue: createSqsNotificationQueue({ client: unreachable, queueUrl: r.queues.NotifyQueue!, sleep: async () => {} }) };
    const signal = sampleSignal(T0 - 10_800_000, 'XRP/USDT');
    const result = await publishSignal(broken, signal, [5]);
    assert.equal(result.status, 'pending');
    assert.equal((await broken.signals.get(signal.id))?.pending, true);
    unreachable.destroy();

    clock.advance(LEASE + 1);
    const healthy = depsAt(clock);
    const report = await redrivePending(healthy, 25);
    assert.equal(report.delivered, 1);
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.deepEqual(sent.map((n) => n.id), [`${signal.id}#chat#5`]);
  });

  it('a permanent queue failure parks the row as FAILED with the reason, and it is never re-driven', async () => {
    const missingQueue = r.queues.NotifyQueue!.replace(/[^/]+$/, 'no-such-queue');
    const deps = depsAt(testClock(T0), missingQueue);
    const signal = sampleSignal(T0 - 14_400_000, 'BNB/USDT');
    const result = await publishSignal(deps, signal, [7]);
    assert.equal(result.status, 'failed');
    const row = (await r.doc.send(new GetCommand({ TableName: r.tables.SignalsTable!, Key: { id: signal.id } }))).Item!;
    assert.equal(row.outbox, 'FAILED');
    assert.match(String(row.outboxError), /NonExistentQueue|QueueDoesNotExist|does not exist/i);
    deps.clock.advance(10 * LEASE);
    assert.equal((await redrivePending(depsAt(deps.clock), 25)).found, 0);
  });

  it('a corrupt row is reported with its id, never silently fixed', async () => {
    const deps = depsAt();
    await r.doc.send(new PutCommand({ TableName: r.tables.SignalsTable!, Item: { id: 'corrupt#1', side: 'sideways', entry: 'NaN' } }));
    await assert.rejects(deps.signals.get('corrupt#1'), (e: Error & { code?: string }) => e.code === 'CORRUPT_ROW' && /corrupt#1/.test(e.message) && /side/.test(e.message));
  });
});
