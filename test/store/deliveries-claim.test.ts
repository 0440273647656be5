/** The delivery claim decides from the row returned with its failed condition: no second read. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { localDocumentClient } from '../../infra/local-clients.js';
import { createDynamoDeliveryStore } from '../../lib/store/deliveries/deliveries.js';
import { testResources, type TestResources } from '../support/local-aws.js';

const T0 = Date.UTC(2026, 0, 1);
const LEASE = 30_000;

describe('delivery claim: one conditional update, no read', () => {
  let r: TestResources;
  let client: DynamoDBDocumentClient;
  let mock: ReturnType<typeof mockClient>;
  before(async () => {
    r = await testResources('deliveries-claim');
    client = localDocumentClient(r.ddbEndpoint);
    const realSend = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    mock = mockClient(client);
    mock.on(UpdateCommand).callsFake((input) => realSend(new UpdateCommand(input)));
    mock.on(GetCommand).callsFake((input) => realSend(new GetCommand(input)));
  });
  after(() => {
    mock.restore();
    client.destroy();
    r.close();
  });

  it('busy, sent and dropped come from the stored row returned with the failed condition', async () => {
    const store = createDynamoDeliveryStore({ client, table: r.tables.DeliveriesTable! });
    assert.deepEqual(await store.claim('d1', 7, T0, LEASE), { outcome: 'claimed', attempt: 1, progress: undefined });
    mock.resetHistory();
    assert.deepEqual(await store.claim('d1', 7, T0 + 1, LEASE), { outcome: 'busy', leaseUntil: T0 + LEASE });
    await store.markSent('d1', T0 + 2, { messageIds: [11] });
    assert.deepEqual(await store.claim('d1', 7, T0 + 3 * LEASE, LEASE), { outcome: 'sent' });
    assert.deepEqual(await store.claim('d2', 7, T0, LEASE), { outcome: 'claimed', attempt: 1, progress: undefined });
    await store.markDropped('d2', 'chat blocked', T0 + 1);
    assert.deepEqual(await store.claim('d2', 7, T0 + 3 * LEASE, LEASE), { outcome: 'dropped', reason: 'chat blocked' });
    assert.equal(mock.commandCalls(GetCommand).length, 0, 'no GetItem after a failed claim');
    assert.equal(mock.commandCalls(UpdateCommand).length, 6);
  });

  it('an expired lease is taken over with the attempt counted and the progress kept', async () => {
    const store = createDynamoDeliveryStore({ client, table: r.tables.DeliveriesTable! });
    await store.claim('d3', 7, T0, LEASE);
    await store.recordProgress('d3', { plan: 'text', partsSent: 1, messageIds: [5] }, T0 + 1);
    assert.deepEqual(await store.claim('d3', 7, T0 + LEASE + 1, LEASE), { outcome: 'claimed', attempt: 2, progress: { plan: 'text', partsSent: 1, messageIds: [5] } });
  });
});
