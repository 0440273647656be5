import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLog } from '../../lib/ports/log.js';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { localSqs } from '../../infra/local-clients.js';
import { PermanentError } from '../../lib/errors.js';
import type { PositionOpener } from '../../lib/ports/positions.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { redrivePending, type OutboxDeps } from '../../lib/signals/outbox.js';
import { createSignalBatch } from '../../lib/signals/publish-batch.js';
import { createDynamoSignalStore } from '../../lib/store/signals/signal-store.js';
import { testClock } from '../support/clock.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { sampleSignal } from '../support/signals.js';

const LEASE = 60_000;
const HOUR = 3_600_000;
// Near the real clock: rows whose TTL has passed may be deleted by DynamoDB Local meanwhile.
const T0 = Math.floor(Date.now() / HOUR) * HOUR;

describe('publishing a scan\'s signals in batches (lib/signals/publish-batch.ts; DynamoDB Local + SQS emulator)', () => {
  let r: TestResources;
  /** Requests sent by the shared clients since the last reset, by command. */
  const requests = new Map<string, number>();
  before(async () => {
    r = await testResources('publish-batch');
    for (const client of [r.doc, r.sqs] as { middlewareStack: { add(mw: unknown, o: object): void } }[]) {
      client.middlewareStack.add(
        (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
          const name = String(context.commandName).replace(/Command$/, '');
          requests.set(name, (requests.get(name) ?? 0) + 1);
          return next(args);
        },
        { step: 'finalizeRequest', name: 'testRequestCounter' },
      );
    }
  });
  after(() => r.close());

  const depsAt = (clock = testClock(T0), queue = r.sqs): OutboxDeps & { clock: ReturnType<typeof testClock> } => ({
    signals: createDynamoSignalStore({ client: r.doc, table: r.tables.SignalsTable!, leaseMs: LEASE, ttlDays: 90 }),
    queue: createSqsNotificationQueue({ client: queue, queueUrl: r.queues.NotifyQueue!, sleep: async () => {} }),
    clock,
  });
  const row = async (id: string) => (await r.doc.send(new GetCommand({ TableName: r.tables.SignalsTable!, Key: { id } }))).Item!;
  const signals = (n: number, symbol: string) => Array.from({ length: n }, (_, i) => sampleSignal(T0 - (i + 1) * HOUR, symbol));

  it('15 signals published concurrently: each notified once and completed, with 2 SendMessageBatch and 2 transactions (not 15 + 15 requests)', async () => {
    const deps = depsAt();
    const batch = createSignalBatch(deps);
    const batchSignals = signals(15, 'ETH/USDT');
    requests.clear();
    const results = await Promise.all(batchSignals.map((s) => batch.publish(s, [7])));
    assert.deepEqual(results, batchSignals.map(() => ({ status: 'recorded' })));
    const outcomes = await batch.flush();
    assert.deepEqual(Object.fromEntries(requests), { PutItem: 15, SendMessageBatch: 2, TransactWriteItems: 2 });
    assert.deepEqual(outcomes.map((o) => o.id).sort(), batchSignals.map((s) => s.id).sort());
    assert.ok(outcomes.every((o) => o.status === 'delivered'));
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.deepEqual(sent.map((n) => n.id).sort(), batchSignals.map((s) => `${s.id}#chat#7`).sort());
    for (const s of batchSignals) {
      const item = await row(s.id);
      assert.equal(item['outbox'], undefined, `${s.id} completed`);
      assert.equal(item['notifiedAt'], T0);
    }
    assert.equal((await redrivePending(deps, 25)).found, 0);
  });

  it('a repeat is a duplicate and sends nothing; an empty flush sends nothing', async () => {
    const deps = depsAt();
    const [signal] = signals(1, 'ADA/USDT');
    const first = createSignalBatch(deps);
    await first.publish(signal!, [1]);
    await first.flush();
    await drainQueue(r.sqs, r.queues.NotifyQueue!);
    const again = createSignalBatch(deps);
    requests.clear();
    assert.deepEqual(await again.publish(signal!, [1]), { status: 'duplicate' });
    assert.deepEqual(await again.flush(), []);
    assert.deepEqual(Object.fromEntries(requests), { PutItem: 1 });
  });

  it('the shared send fails (transient): every signal of the batch stays pending; the re-drive after the lease delivers each once', async () => {
    const unreachable = localSqs('http://127.0.0.1:9');
    const clock = testClock(T0);
    const warnings: [string, Record<string, unknown> | undefined][] = [];
    const log = { ...silentLog, warn: (message: string, extra?: Record<string, unknown>) => void warnings.push([message, extra]) };
    const batch = createSignalBatch({ ...depsAt(clock, unreachable), log });
    const batchSignals = signals(3, 'XRP/USDT');
    for (const s of batchSignals) assert.equal((await batch.publish(s, [5])).status, 'recorded');
    const outcomes = await batch.flush();
    unreachable.destroy();
    assert.deepEqual(outcomes.map((o) => o.status), ['pending', 'pending', 'pending']);
    // The shared failure is told once (with its code), not swallowed, before each signal is tried alone.
    assert.deepEqual(warnings.map(([m, e]) => [m, e?.['signals'], typeof e?.['code']]), [['shared notification send failed; each signal of the batch is sent on its own', 3, 'string']]);
    for (const s of batchSignals) assert.equal((await row(s.id))['outbox'], 'PENDING');

    clock.advance(LEASE + 1);
    assert.equal((await redrivePending(depsAt(clock), 25)).delivered, 3);
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.deepEqual(sent.map((n) => n.id).sort(), batchSignals.map((s) => `${s.id}#chat#5`).sort());
  });

  it('a permanent failure to open one position: all are notified, that row is parked with the reason, the others complete', async () => {
    const batchSignals = signals(3, 'DOT/USDT');
    const bad = batchSignals[1]!.id;
    const positions: PositionOpener = {
      async open(signal) {
        if (signal.id === bad) throw new PermanentError('no such market', { code: 'BAD_POSITION' });
        return { status: 'opened', positionId: signal.id, stake: 10 };
      },
    };
    const batch = createSignalBatch({ ...depsAt(), positions });
    const results = await Promise.all(batchSignals.map((s) => batch.publish(s, [3])));
    assert.deepEqual(results.map((x) => x.status), ['recorded', 'recorded', 'recorded']);
    const outcomes = await batch.flush();
    assert.deepEqual(Object.fromEntries(outcomes.map((o) => [o.id, o.status])), { [batchSignals[0]!.id]: 'delivered', [bad]: 'failed', [batchSignals[2]!.id]: 'delivered' });
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.equal(sent.length, 3);
    assert.equal((await row(bad))['outbox'], 'FAILED');
    assert.match(String((await row(bad))['outboxError']), /open position: .*no such market/);
    assert.equal((await row(batchSignals[0]!.id))['outbox'], undefined);
    assert.equal((await row(batchSignals[2]!.id))['outbox'], undefined);
  });

  it('completeAll: a row deleted meanwhile does not stop the others from completing', async () => {
    const deps = depsAt();
    const recorded = [];
    for (const s of signals(3, 'LTC/USDT')) {
      const result = await deps.signals.record(s, [1], T0);
      assert.equal(result.status, 'recorded');
      if (result.status === 'recorded') recorded.push(result.pending);
    }
    await r.doc.send(new DeleteCommand({ TableName: r.tables.SignalsTable!, Key: { id: recorded[1]!.signal.id } }));
    await deps.signals.completeAll!(recorded, T0 + 5);
    assert.equal((await row(recorded[0]!.signal.id))['notifiedAt'], T0 + 5);
    assert.equal((await row(recorded[2]!.signal.id))['notifiedAt'], T0 + 5);
    assert.equal((await r.doc.send(new GetCommand({ TableName: r.tables.SignalsTable!, Key: { id: recorded[1]!.signal.id } }))).Item, undefined, 'not re-created');
  });
});
