import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_CHAT_SETTINGS, type Subscription } from '../../lib/ports/users.js';
import { createDynamoUserStore } from '../../lib/store/users/user-store.js';
import { testResources, type TestResources } from '../support/local-aws.js';

const T0 = Date.UTC(2026, 0, 1);

describe('UserStore on DynamoDB Local', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('users');
  });
  after(() => r.close());
  // A new store per call stands for a separate invocation: nothing in memory is shared.
  const store = (max = 100) => createDynamoUserStore({ client: r.doc, table: r.tables.UsersTable!, maxSubscriptions: max });
  const profileItem = async (chatId: number) =>
    (await r.doc.send(new GetCommand({ TableName: r.tables.UsersTable!, Key: { pk: `chat#${chatId}`, sk: 'profile' }, ConsistentRead: true }))).Item;

  it('register creates the profile with default settings; a repeat re-activates and keeps settings and subscriptions', async () => {
    const s = store();
    const created = await s.register(1, T0);
    assert.deepEqual(created, { chatId: 1, active: true, createdAt: T0, updatedAt: T0, settings: DEFAULT_CHAT_SETTINGS, version: 1 });
    await s.updateSettings(1, (x) => ({ ...x, timezone: 'Europe/Berlin' }), T0 + 1);
    await s.subscribe({ chatId: 1, symbol: 'BTC/USDT', strategy: '*', timeframe: '*' }, T0 + 2);
    await s.deactivate(1, 'stopped', T0 + 3);
    const stopped = await s.get(1);
    assert.equal(stopped?.active, false);
    assert.equal(stopped?.inactiveReason, 'stopped');
    const again = await store().register(1, T0 + 4);
    assert.equal(again.active, true);
    assert.equal(again.inactiveReason, undefined);
    assert.equal(again.createdAt, T0);
    assert.equal(again.settings.timezone, 'Europe/Berlin');
    assert.ok(again.version > stopped!.version);
    assert.equal((await s.list(1)).length, 1);
  });

  it('deactivate is idempotent (first reason kept) and a no-op for an unknown chat', async () => {
    const s = store();
    await s.register(2, T0);
    await s.deactivate(2, 'blocked', T0 + 1);
    const first = await s.get(2);
    await s.deactivate(2, 'chat-not-found', T0 + 2);
    assert.deepEqual(await s.get(2), first);
    assert.equal(first?.inactiveReason, 'blocked');
    await s.deactivate(999_999, 'blocked', T0);
    assert.equal(await s.get(999_999), undefined);
  });

  it('20 concurrent updateSettings calls from separate instances are all applied (version-checked, retried)', async () => {
    await store().register(3, T0);
    // Each call increments a counter kept in quietHours.end: a lost update would leave it below 20.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store().updateSettings(3, (cur) => ({ ...cur, quietHours: { start: 23, end: (cur.quietHours?.end ?? 0) + 1 } }), T0 + i),
      ),
    );
    const p = await store().get(3);
    assert.equal(p?.settings.quietHours?.end, 20, 'every read-modify-write landed on top of the previous one');
    assert.equal(p?.version, 21);
  });

  it('updateSettings refuses invalid settings and unregistered chats with specific errors, changing nothing', async () => {
    const s = store();
    await s.register(4, T0);
    const before = await s.get(4);
    await assert.rejects(s.updateSettings(4, (x) => ({ ...x, timezone: 'Mars/Olympus' }), T0 + 1), (e: Error & { code?: string }) => e.code === 'BAD_SETTINGS' && /time zone/.test(e.message));
    await assert.rejects(s.updateSettings(4, (x) => ({ ...x, quietHours: { start: 5, end: 5 } }), T0 + 1), (e: Error & { code?: string }) => e.code === 'BAD_SETTINGS' && /differ/.test(e.message));
    await assert.rejects(s.updateSettings(4, (x) => ({ ...x, quietHours: { start: 24, end: 5 } }), T0 + 1), { code: 'BAD_SETTINGS' });
    assert.deepEqual(await s.get(4), before);
    await assert.rejects(s.updateSettings(404, (x) => x, T0), { code: 'NOT_REGISTERED' });
  });

  it('50 simultaneous /subscribe from one chat for different symbols: all 50 present and subCount = 50', async () => {
    await store().register(5, T0);
    const subs: Subscription[] = Array.from({ length: 50 }, (_, i) => ({ chatId: 5, symbol: `C${i}/USDT`, strategy: '*', timeframe: '*' }));
    const results = await Promise.all(subs.map((sub, i) => store().subscribe(sub, T0 + i)));
    assert.ok(results.every((x) => x === 'added'));
    const listed = await store().list(5);
    assert.equal(listed.length, 50);
    assert.deepEqual(new Set(listed.map((x) => x.symbol)), new Set(subs.map((x) => x.symbol)));
    assert.equal((await profileItem(5))?.subCount, 50);
  });

  it('re-subscribing is idempotent (exists, no count); unsubscribe removes and decrements; list reflects it', async () => {
    const s = store();
    const sub: Subscription = { chatId: 6, symbol: 'ETH/USDT', strategy: 'ema-cross', timeframe: '1h' };
    assert.equal(await s.subscribe(sub, T0), 'added');
    // Subscribing before /start creates an active profile with default settings.
    assert.equal((await s.get(6))?.active, true);
    assert.equal(await s.subscribe(sub, T0 + 1), 'exists');
    const results = await Promise.all(Array.from({ length: 10 }, () => store().subscribe(sub, T0 + 2)));
    assert.deepEqual(results, Array(10).fill('exists'));
    assert.equal((await profileItem(6))?.subCount, 1);
    await s.subscribe({ chatId: 6, symbol: '*', strategy: '*', timeframe: '*' }, T0 + 3);
    assert.deepEqual(await s.list(6), [
      { chatId: 6, symbol: '*', strategy: '*', timeframe: '*' },
      { chatId: 6, symbol: 'ETH/USDT', strategy: 'ema-cross', timeframe: '1h' },
    ]);
    assert.equal(await s.unsubscribe(sub), true);
    assert.equal(await s.unsubscribe(sub), false);
    assert.equal((await profileItem(6))?.subCount, 1);
    assert.deepEqual(await s.list(6), [{ chatId: 6, symbol: '*', strategy: '*', timeframe: '*' }]);
  });

  it('enforces maxSubscriptionsPerChat under concurrency, with a clear error; a slot freed can be reused', async () => {
    const s = store(5);
    const subs = Array.from({ length: 12 }, (_, i) => ({ chatId: 7, symbol: `L${i}/USDT`, strategy: '*', timeframe: '*' }));
    const settled = await Promise.allSettled(subs.map((sub) => store(5).subscribe(sub, T0)));
    assert.equal(settled.filter((x) => x.status === 'fulfilled').length, 5);
    for (const x of settled) {
      if (x.status === 'rejected') {
        assert.equal(x.reason.code, 'SUBSCRIPTION_LIMIT');
        assert.match(x.reason.message, /maximum of 5 subscriptions/);
      }
    }
    const listed = await s.list(7);
    assert.equal(listed.length, 5);
    assert.equal((await profileItem(7))?.subCount, 5);
    // Re-adding an existing one at the limit is still just "exists".
    assert.equal(await s.subscribe(listed[0]!, T0), 'exists');
    assert.equal(await s.unsubscribe(listed[0]!), true);
    assert.equal(await s.subscribe({ chatId: 7, symbol: 'NEW/USDT', strategy: '*', timeframe: '*' }, T0), 'added');
  });

  it('refuses malformed subscriptions with a specific error and writes nothing', async () => {
    const s = store();
    const bad: Subscription[] = [
      { chatId: 8, symbol: 'btcusdt', strategy: '*', timeframe: '*' },
      { chatId: 8, symbol: 'BTC/USDT', strategy: 'Not A Strategy', timeframe: '*' },
      { chatId: 8, symbol: 'BTC/USDT', strategy: '*', timeframe: '7m' },
      { chatId: 8.5, symbol: 'BTC/USDT', strategy: '*', timeframe: '*' },
    ];
    for (const sub of bad) await assert.rejects(s.subscribe(sub, T0), { code: 'BAD_SUBSCRIPTION' });
    await assert.rejects(s.unsubscribe(bad[0]!), { code: 'BAD_SUBSCRIPTION' });
    assert.deepEqual(await s.list(8), []);
    assert.equal(await s.get(8), undefined);
  });

  it('setDashboard is conditional on the stored id; dashboards() lists active chats with one', async () => {
    const s = store();
    await s.register(9, T0);
    await s.register(10, T0);
    assert.equal(await s.setDashboard(9, 100, undefined, T0 + 1), true);
    assert.equal(await s.setDashboard(9, 101, undefined, T0 + 2), false, 'expected none, but 100 is stored');
    assert.equal(await s.setDashboard(9, 102, 999, T0 + 2), false, 'expected 999, but 100 is stored');
    assert.equal((await s.get(9))?.dashboardMessageId, 100);
    // Two writers racing from the same expected value: exactly one wins.
    const race = await Promise.all([store().setDashboard(9, 200, 100, T0 + 3), store().setDashboard(9, 201, 100, T0 + 3)]);
    assert.deepEqual(race.filter(Boolean).length, 1);
    const now = (await s.get(9))?.dashboardMessageId;
    assert.ok(now === 200 || now === 201);
    assert.equal(await s.setDashboard(10, 300, undefined, T0), true);
    assert.equal(await s.setDashboard(404, 1, undefined, T0), false, 'unknown chat');
    const listed = (await s.dashboards(10)).sort((a, b) => a.chatId - b.chatId);
    assert.deepEqual(listed, [
      { chatId: 9, messageId: now },
      { chatId: 10, messageId: 300 },
    ]);
    await s.deactivate(10, 'blocked', T0 + 4);
    assert.deepEqual(await s.dashboards(10), [{ chatId: 9, messageId: now }]);
    assert.equal(await s.setDashboard(9, undefined, now, T0 + 5), true, 'cleared');
    assert.equal((await s.get(9))?.dashboardMessageId, undefined);
    assert.deepEqual(await s.dashboards(10), []);
    assert.equal((await profileItem(9))?.dashKey, undefined);
  });

  it('unsubscribe of a row the counter does not know (written outside the store) still deletes it, once', async () => {
    const s = store();
    await s.register(12, T0);
    await r.doc.send(
      new PutCommand({ TableName: r.tables.UsersTable!, Item: { pk: 'chat#12', sk: 'sub#BTC/USDT#*#*', chatId: 12, symbol: 'BTC/USDT', strategy: '*', timeframe: '*', fanKey: 'BTC/USDT' } }),
    );
    const sub = { chatId: 12, symbol: 'BTC/USDT', strategy: '*', timeframe: '*' };
    assert.deepEqual(await s.list(12), [sub]);
    assert.equal(await s.unsubscribe(sub), true);
    assert.equal(await s.unsubscribe(sub), false);
    assert.deepEqual(await s.list(12), []);
    assert.equal((await profileItem(12))?.subCount, 0, 'never negative');
  });

  it('a corrupt profile row is reported, not guessed at', async () => {
    await r.doc.send(new PutCommand({ TableName: r.tables.UsersTable!, Item: { pk: 'chat#11', sk: 'profile', chatId: 11, active: 'yes' } }));
    await assert.rejects(store().get(11), { code: 'CORRUPT_PROFILE' });
  });
});
