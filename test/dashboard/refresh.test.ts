/**
 * The dashboard producer against the local stack: chats with a stored dashboard (UsersTable GSI
 * `dashboards`), open positions opened through the real position store, the real SQS queue.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { refreshAfterMonitor } from '../../lib/dashboard/after-monitor.js';
import { dashboardNotificationId, refreshDashboards, type DashboardRefreshDeps } from '../../lib/dashboard/refresh.js';
import { TransientError } from '../../lib/errors.js';
import type { PositionStore } from '../../lib/ports/positions.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { createDynamoControlStore } from '../../lib/store/state/control-store.js';
import { createDynamoUserStore } from '../../lib/store/users/user-store.js';
import type { UserStore } from '../../lib/ports/users.js';
import { testClock } from '../support/clock.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { botConfig, HOUR, openerFor, positionSignal, recordingLog, storeFor, T0 } from '../positions/fixture.js';

describe('refreshDashboards (local stack)', () => {
  let r: TestResources;
  let users: UserStore;
  let store: PositionStore;
  const clock = testClock(T0 + 2 * HOUR + 5_000);
  const log = recordingLog();
  const deps = (over: Partial<DashboardRefreshDeps> = {}): DashboardRefreshDeps => ({
    users,
    positions: store,
    control: createDynamoControlStore({ client: r.doc, table: r.tables.StateTable! }),
    queue: createSqsNotificationQueue({ client: r.sqs, queueUrl: r.queues.NotifyQueue! }),
    clock,
    log,
    ...over,
  });

  before(async () => {
    r = await testResources('dashboard');
    users = createDynamoUserStore({ client: r.doc, table: r.tables.UsersTable! });
    store = storeFor(r);
    const opener = openerFor(store, botConfig(), testClock(T0 + HOUR + 1000));
    assert.equal((await opener.open(positionSignal({ symbol: 'BTC/USDT', entry: 100 }))).status, 'opened');
    assert.equal((await opener.open(positionSignal({ symbol: 'ETH/USDT', entry: 50, side: 'short' }))).status, 'opened');
  });
  after(() => r.close());

  it('no dashboard anywhere: nothing read, nothing enqueued', async () => {
    assert.deepEqual(await refreshDashboards(deps()), { chats: 0, enqueued: 0, limited: false });
    assert.deepEqual(await drainQueue(r.sqs, r.queues.NotifyQueue!), []);
  });

  it('one dashboard notification per chat with a dashboard, same text, id stable within the minute', async () => {
    for (const chat of [501, 502, 503]) await users.register(chat, clock.now());
    await users.setDashboard(501, 11, undefined, clock.now());
    await users.setDashboard(502, 22, undefined, clock.now());
    await users.deactivate(503, 'stopped', clock.now());

    const report = await refreshDashboards(deps());
    assert.deepEqual(report, { chats: 2, enqueued: 2, limited: false });
    clock.advance(30_000); // same minute bucket? T0 + 2h + 35 s: yes
    await refreshDashboards(deps());
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.equal(sent.length, 4);
    assert.deepEqual([...new Set(sent.map((n) => n.id))].sort(), [dashboardNotificationId(501, clock.now()), dashboardNotificationId(502, clock.now())]);
    assert.equal(dashboardNotificationId(501, clock.now()), `dashboard#501#${Math.floor((T0 + 2 * HOUR) / 60_000)}`);
    for (const n of sent) {
      assert.equal(n.kind, 'dashboard');
      assert.match(n.text, /Open positions: 2[\s\S]*BTC\/USDT<\/b> LONG[\s\S]*ETH\/USDT<\/b> SHORT/);
      assert.match(n.text, /not marked yet/);
    }

    clock.advance(60_000); // next minute: new ids
    await refreshDashboards(deps());
    const next = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.deepEqual(next.map((n) => n.id).sort(), [dashboardNotificationId(501, clock.now()), dashboardNotificationId(502, clock.now())]);
    assert.notEqual(next[0]!.id, sent[0]!.id);
  });

  it('the chat limit bounds one run and says so', async () => {
    const report = await refreshDashboards(deps({ maxChats: 1 }));
    assert.deepEqual(report, { chats: 1, enqueued: 1, limited: true });
    assert.equal((await drainQueue(r.sqs, r.queues.NotifyQueue!)).length, 1);
    assert.ok(log.lines.some((l) => l.message === 'dashboard refresh reached its chat limit'));
  });

  it('after the monitor: a failure is logged with its code and reported, not thrown; no refresher = off', async () => {
    const failing = async () => {
      throw new TransientError('queue down', { code: 'AWS_TRANSIENT' });
    };
    assert.deepEqual(await refreshAfterMonitor(() => failing, log, clock), { failed: 'AWS_TRANSIENT' });
    assert.ok(log.lines.some((l) => l.level === 'error' && l.message.startsWith('dashboard refresh failed')));
    assert.equal(await refreshAfterMonitor(() => null, log, clock), undefined);
    assert.deepEqual(
      await refreshAfterMonitor(() => {
        throw new Error('wiring');
      }, log, clock),
      { failed: 'UNEXPECTED' },
    );
  });
});
