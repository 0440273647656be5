import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_CONTROL } from '../../lib/ports/control.js';
import { createDynamoControlStore } from '../../lib/store/state/control-store.js';
import { testResources, type TestResources } from '../support/local-aws.js';

const T0 = Date.UTC(2026, 0, 1);

describe('pause switch (StateTable control) on DynamoDB Local', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('control');
  });
  after(() => r.close());
  const control = () => createDynamoControlStore({ client: r.doc, table: r.tables.StateTable! });

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
});
