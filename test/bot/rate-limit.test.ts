/** The per-chat command rate limit (GCRA on DynamoDB Local) and the once-per-window "slow down". */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createCommandRateLimit } from '../../lib/store/users/command-rate-limit.js';
import { createDynamoSlowdownNotice } from '../../lib/store/users/slowdown-notice.js';
import { testResources, type TestResources } from '../support/local-aws.js';

describe('command rate limit', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('rate-limit');
  });
  after(() => r.close());

  it('admits exactly `burst` of 40 simultaneous commands, then one per interval', async () => {
    const limit = createCommandRateLimit({ client: r.doc, table: r.env.USERS_TABLE, perMinute: 6, burst: 5 });
    const t0 = 1_800_000_000_000;
    const takes = await Promise.all(Array.from({ length: 40 }, () => limit.take(7001, t0)));
    assert.equal(takes.filter((t) => t.allowed).length, 5);
    const refused = takes.find((t) => !t.allowed) as { retryAfterMs: number };
    assert.equal(refused.retryAfterMs, 10_000, 'one token every 10 s');
    assert.equal((await limit.take(7001, t0 + 9_999)).allowed, false);
    assert.equal((await limit.take(7001, t0 + 10_000)).allowed, true);
    assert.equal((await limit.take(7001, t0 + 10_001)).allowed, false);
    // After a long pause the bucket is full again (no debt carried over).
    const later = await Promise.all(Array.from({ length: 8 }, () => limit.take(7001, t0 + 3_600_000)));
    assert.equal(later.filter((t) => t.allowed).length, 5);
    // Other chats have their own bucket.
    assert.equal((await limit.take(7002, t0)).allowed, true);
  });

  it('stores one row per chat with a TTL', async () => {
    const limit = createCommandRateLimit({ client: r.doc, table: r.env.USERS_TABLE, perMinute: 60, burst: 2 });
    const now = 1_800_000_000_000;
    await limit.take(7003, now);
    const row = (await r.doc.send(new GetCommand({ TableName: r.env.USERS_TABLE, Key: { pk: 'chat#7003', sk: 'ratelimit' } }))).Item!;
    assert.equal(row.tat, now + 1000);
    assert.ok(row.expiresAt > now / 1000 && row.expiresAt < now / 1000 + 600, String(row.expiresAt));
  });

  it('refuses invalid settings', () => {
    assert.throws(() => createCommandRateLimit({ client: r.doc, table: r.env.USERS_TABLE, perMinute: 0, burst: 1 }), /must be positive integers/);
  });

  it('"slow down" is due once per window, even for simultaneous refusals', async () => {
    const notice = createDynamoSlowdownNotice({ client: r.doc, table: r.env.USERS_TABLE });
    const now = 1_800_000_000_000;
    const firsts = await Promise.all(Array.from({ length: 10 }, () => notice.first(7004, now, 30_000)));
    assert.equal(firsts.filter(Boolean).length, 1);
    assert.equal(await notice.first(7004, now + 29_999, 30_000), false);
    assert.equal(await notice.first(7004, now + 30_000, 30_000), true);
  });
});
