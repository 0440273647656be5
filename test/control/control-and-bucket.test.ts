import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_CONTROL } from '../../lib/ports/control.js';
import { createDynamoCommandBucket } from '../../lib/store/dynamo-command-bucket.js';
import { createDynamoControlStore } from '../../lib/store/dynamo-control-store.js';
import { testResources, type TestResources } from '../support/local-aws.js';

const T0 = Date.UTC(2026, 0, 1);

describe('pause switch (StateTable control) and command token bucket (UsersTable) on DynamoDB Local', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('control');
  });
  after(() => r.close());
  const control = () => createDynamoControlStore({ client: r.doc, table: r.tables.StateTable! });
  const bucket = (perMinute = 6, burst = 3) => createDynamoCommandBucket({ client: r.doc, table: r.tables.UsersTable!, perMinute, burst });

  it('control: defaults when never set; set changes only the given fields; concurrent changes of different fields both land', async () => {
    assert.deepEqual(await control().get(), DEFAULT_CONTROL);
    assert.deepEqual(await control().set({ scanningPaused: true }, 42, T0), { scanningPaused: true, tradingPaused: false, updatedAt: T0, updatedBy: 42 });
    await Promise.all([control().set({ tradingPaused: true }, 7, T0 + 1), control().set({ scanningPaused: false }, 8, T0 + 1)]);
    const now = await control().get();
    assert.equal(now.scanningPaused, false);
    assert.equal(now.tradingPaused, true);
    assert.equal(now.updatedAt, T0 + 1);
    assert.ok(now.updatedBy === 7 || now.updatedBy === 8);
  });

  it('control: a corrupt row is reported with a specific error; set rewrites it', async () => {
    await r.doc.send(new PutCommand({ TableName: r.tables.StateTable!, Item: { pk: 'control', scanningPaused: 'yes' } }));
    await assert.rejects(control().get(), (e: Error & { code?: string }) => e.code === 'CORRUPT_CONTROL' && /scanningPaused/.test(e.message));
    assert.deepEqual(await control().set({ scanningPaused: false, tradingPaused: false }, 1, T0 + 2), { scanningPaused: false, tradingPaused: false, updatedAt: T0 + 2, updatedBy: 1 });
  });

  it('bucket: a burst is allowed, the next take is refused with retryAfterMs, and tokens refill at perMinute', async () => {
    const b = bucket(6, 3); // one token every 10 s
    for (let i = 0; i < 3; i++) assert.deepEqual(await b.take(1, T0), { allowed: true });
    assert.deepEqual(await b.take(1, T0), { allowed: false, retryAfterMs: 10_000 });
    assert.deepEqual(await b.take(1, T0 + 4000), { allowed: false, retryAfterMs: 6000 });
    assert.deepEqual(await bucket(6, 3).take(1, T0 + 10_000), { allowed: true }, 'one token back after 10 s (another instance: state is in DynamoDB)');
    assert.equal((await b.take(1, T0 + 10_000)).allowed, false);
    // Never more than the burst, however long the chat was quiet.
    for (let i = 0; i < 3; i++) assert.equal((await b.take(1, T0 + 3_600_000)).allowed, true);
    assert.equal((await b.take(1, T0 + 3_600_000)).allowed, false);
    // Another chat has its own bucket.
    assert.deepEqual(await b.take(2, T0), { allowed: true });
  });

  it('bucket: the row carries a TTL past the time it would be full again', async () => {
    await bucket(6, 3).take(3, T0);
    const item = (await r.doc.send(new GetCommand({ TableName: r.tables.UsersTable!, Key: { pk: 'chat#3', sk: 'bucket' }, ConsistentRead: true }))).Item;
    assert.equal(typeof item?.expiresAt, 'number');
    assert.ok(item!.expiresAt >= Math.ceil((T0 + 30_000) / 1000), 'not before the bucket refilled');
    assert.ok(item!.expiresAt <= Math.ceil((T0 + 30_000) / 1000) + 120, 'and not long after');
  });

  it('bucket: 30 concurrent takes from separate instances never exceed the burst', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => bucket(6, 5).take(4, T0)));
    assert.equal(results.filter((x) => x.allowed).length, 5);
    for (const x of results) if (!x.allowed) assert.ok(x.retryAfterMs > 0 && x.retryAfterMs <= 10_000, JSON.stringify(x));
  });

  it('bucket: refuses a nonsensical configuration', () => {
    assert.throws(() => bucket(0, 3), { code: 'BAD_CONFIG' });
    assert.throws(() => bucket(5, 1.5), { code: 'BAD_CONFIG' });
  });
});
