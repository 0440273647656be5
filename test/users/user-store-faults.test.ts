/** Transaction conflicts and unprocessed keys cannot be provoked on DynamoDB Local: aws-sdk-client-mock in front of it. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { localDocumentClient } from '../../infra/local-clients.js';
import { createDynamoRecipientResolver } from '../../lib/store/users/recipients.js';
import { createDynamoUserStore } from '../../lib/store/users/user-store.js';
import { testResources, type TestResources } from '../support/local-aws.js';

const T0 = Date.UTC(2026, 0, 1);
const noSleep = { sleep: async () => {} };

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({ message: `Transaction cancelled [${codes.join(', ')}]`, $metadata: { httpStatusCode: 400 }, CancellationReasons: codes.map((Code) => ({ Code })) });

describe('user store: transient transaction failures are retried, bounded', () => {
  let r: TestResources;
  let client: DynamoDBDocumentClient;
  let mock: ReturnType<typeof mockClient>;
  let realSend: (command: unknown) => Promise<unknown>;
  before(async () => {
    r = await testResources('users-faults');
  });
  after(() => r.close());

  function flaky(errors: Error[]) {
    client = localDocumentClient(r.ddbEndpoint);
    realSend = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    mock = mockClient(client);
    let tx = mock.on(TransactWriteCommand);
    for (const e of errors) tx = tx.rejectsOnce(e);
    tx.callsFake((input) => realSend(new TransactWriteCommand(input)));
    mock.on(GetCommand).callsFake((input) => realSend(new GetCommand(input)));
    mock.on(UpdateCommand).callsFake((input) => realSend(new UpdateCommand(input)));
    mock.on(QueryCommand).callsFake((input) => realSend(new QueryCommand(input)));
    return createDynamoUserStore({ client, table: r.tables.UsersTable!, retry: noSleep });
  }

  it('a subscribe cancelled by TransactionConflict (twice) and a TransactionConflictException is retried and added once', async () => {
    const s = flaky([
      cancelled(['None', 'TransactionConflict']),
      cancelled(['TransactionConflict', 'None']),
      new TransactionConflictException({ message: 'conflict', $metadata: { httpStatusCode: 400 } }),
    ]);
    try {
      assert.equal(await s.subscribe({ chatId: 1, symbol: 'BTC/USDT', strategy: '*', timeframe: '*' }, T0), 'added');
      assert.equal(mock.commandCalls(TransactWriteCommand).length, 4);
      assert.equal((await s.list(1)).length, 1);
    } finally {
      mock.restore();
      client.destroy();
    }
  });

  it('conflicts that never end give a TransientError (TRANSACTION_CONFLICT) after the bounded attempts, nothing written', async () => {
    const s = flaky(Array.from({ length: 100 }, () => cancelled(['None', 'TransactionConflict'])));
    try {
      await assert.rejects(s.subscribe({ chatId: 2, symbol: 'BTC/USDT', strategy: '*', timeframe: '*' }, T0), (e: Error & { code?: string; kind?: string }) => e.code === 'TRANSACTION_CONFLICT' && e.kind === 'transient');
      assert.equal(mock.commandCalls(TransactWriteCommand).length, 40);
      assert.deepEqual(await s.list(2), []);
    } finally {
      mock.restore();
      client.destroy();
    }
  });

  it('the resolver retries UnprocessedKeys of BatchGetItem and fails transiently when they never clear', async () => {
    const s = createDynamoUserStore({ client: r.doc, table: r.tables.UsersTable! });
    await s.register(10, T0);
    await s.subscribe({ chatId: 10, symbol: 'ETH/USDT', strategy: '*', timeframe: '*' }, T0);
    const c = localDocumentClient(r.ddbEndpoint);
    const send = c.send.bind(c) as (command: unknown) => Promise<unknown>;
    const m = mockClient(c);
    m.on(QueryCommand).callsFake((input) => send(new QueryCommand(input)));
    const table = r.tables.UsersTable!;
    const key = { pk: 'chat#10', sk: 'profile' };
    m.on(BatchGetCommand)
      .resolvesOnce({ Responses: { [table]: [] }, UnprocessedKeys: { [table]: { Keys: [key] } } })
      .callsFake((input) => send(new BatchGetCommand(input)));
    try {
      const q = { strategy: 'ema-cross', exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1h', kind: 'signal' as const };
      assert.deepEqual(await createDynamoRecipientResolver({ client: c, table, retry: noSleep }).resolve(q), [10]);
      assert.equal(m.commandCalls(BatchGetCommand).length, 2);
      m.on(BatchGetCommand).resolves({ Responses: { [table]: [] }, UnprocessedKeys: { [table]: { Keys: [key] } } });
      await assert.rejects(createDynamoRecipientResolver({ client: c, table, retry: noSleep }).resolve(q), (e: Error & { kind?: string }) => e.kind === 'transient');
    } finally {
      m.restore();
      c.destroy();
    }
  });
});
