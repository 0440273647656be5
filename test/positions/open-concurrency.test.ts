import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { localDocumentClient } from '../../infra/local-clients.js';
import { testClock } from '../support/clock.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { botConfig, getItem, HOUR, openerFor, portfolioItem, positionSignal, storeFor, T0 } from './fixture.js';

const SYMBOLS = Array.from({ length: 50 }, (_, i) => `C${i}/USDT`);

/** A document client whose TransactWrite fails first with `errors`, then reaches DynamoDB Local; other commands pass through. */
function flakyClient(r: TestResources, errors: Error[]): { client: DynamoDBDocumentClient; transactCalls: () => number; restore: () => void } {
  const client = localDocumentClient(r.ddbEndpoint);
  const realSend = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  const mock = mockClient(client);
  let tx = mock.on(TransactWriteCommand);
  for (const error of errors) tx = tx.rejectsOnce(error);
  tx.callsFake((input) => realSend(new TransactWriteCommand(input)));
  mock.on(GetCommand).callsFake((input) => realSend(new GetCommand(input)));
  mock.on(PutCommand).callsFake((input) => realSend(new PutCommand(input)));
  return { client, transactCalls: () => mock.commandCalls(TransactWriteCommand).length, restore: () => mock.restore() };
}

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('concurrent opens (DynamoDB Local) and transient transaction failures (aws-sdk-client-mock)', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('positions-open-race');
  });
  after(() => r.close());

  it('50 concurrent opens for the last free slot: exactly one wins, the 49 others are recorded as refused (max-open)', async () => {
    const config = botConfig({ maxOpenPositions: 5, stakeFixed: 10 });
    const clock = testClock(T0 + 2 * HOUR);
    const setup = openerFor(storeFor(r), config, clock);
    for (const symbol of ['A/USDT', 'B/USDT', 'C/USDT', 'D/USDT']) assert.equal((await setup.open(positionSignal({ symbol }))).status, 'opened');

    // Each contender is its own invocation: its own SDK client and store.
    const clients = SYMBOLS.map(() => localDocumentClient(r.ddbEndpoint));
    try {
      const outcomes = await Promise.all(SYMBOLS.map((symbol, i) => openerFor(storeFor(r, undefined, clients[i]), config, clock).open(positionSignal({ symbol }))));
      const opened = outcomes.filter((o) => o.status === 'opened');
      assert.equal(opened.length, 1, JSON.stringify(outcomes.filter((o) => o.status !== 'refused')));
      const refused = outcomes.filter((o) => o.status === 'refused');
      assert.equal(refused.length, 49);
      assert.ok(refused.every((o) => o.status === 'refused' && o.reason === 'max-open'), JSON.stringify(refused.slice(0, 3)));
      for (const o of refused) {
        const row = await getItem(r, `position#${o.positionId}`, 'position');
        assert.equal(row?.status, 'rejected');
        assert.match(String(row?.reason), /^max-open: 5 of 5 positions already open/);
      }
      const pf = await portfolioItem(r);
      assert.deepEqual([pf.openCount, pf.reserved, pf.available], [5, 50, 950]);
      assert.equal((await storeFor(r).listOpen(100)).positions.length, 5);
    } finally {
      for (const c of clients) c.destroy();
    }
  });

  it('50 concurrent deliveries of the same signal open it once; the others see it decided', async () => {
    const config = botConfig({ maxOpenPositions: 100, stakeFixed: 10 });
    const clock = testClock(T0 + 2 * HOUR);
    const signal = positionSignal({ symbol: 'SAME/USDT' });
    const before = await portfolioItem(r);
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => openerFor(storeFor(r), config, clock).open(signal)));
    assert.equal(outcomes.filter((o) => o.status === 'opened').length, 1);
    assert.ok(outcomes.every((o) => o.status === 'opened' || (o.status === 'exists' && o.state === 'open')), JSON.stringify(outcomes.slice(0, 3)));
    const after = await portfolioItem(r);
    assert.deepEqual([after.openCount - before.openCount, after.reserved - before.reserved], [1, 10]);
  });

  it('a TransactionConflict cancellation is retried with backoff and then succeeds', async () => {
    const flaky = flakyClient(r, [cancelled(['None', 'TransactionConflict', 'None']), new TransactionConflictException({ message: 'conflict', $metadata: { httpStatusCode: 400 } })]);
    const sleeps: number[] = [];
    try {
      const store = storeFor(r, { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 }, flaky.client);
      const signal = positionSignal({ symbol: 'RETRY/USDT' });
      const before = await portfolioItem(r);
      const outcome = await openerFor(store, botConfig({ maxOpenPositions: 100, stakeFixed: 10 }), testClock(T0 + 2 * HOUR)).open(signal);
      assert.equal(outcome.status, 'opened');
      assert.equal(flaky.transactCalls(), 3, 'two transient failures, then the real transaction');
      assert.deepEqual(sleeps, [20, 40], 'exponential backoff with jitter between attempts');
      assert.equal((await getItem(r, `position#${signal.id}`, 'position'))?.status, 'open');
      const after = await portfolioItem(r);
      assert.equal(after.openCount - before.openCount, 1, 'reserved exactly once');
    } finally {
      flaky.restore();
      flaky.client.destroy();
    }
  });

  it('retries are bounded: still conflicting after the last attempt is a transient TRANSACTION_CONFLICT, nothing written', async () => {
    const flaky = flakyClient(r, Array.from({ length: 10 }, () => cancelled(['None', 'TransactionConflict', 'None'])));
    try {
      const store = storeFor(r, { attempts: 4, sleep: async () => {} }, flaky.client);
      const signal = positionSignal({ symbol: 'BUSY/USDT' });
      await assert.rejects(openerFor(store, botConfig({ maxOpenPositions: 100 }), testClock(T0 + 2 * HOUR)).open(signal), (e: Error & { code?: string; kind?: string }) =>
        e.code === 'TRANSACTION_CONFLICT' && e.kind === 'transient' && /after 4 attempts/.test(e.message),
      );
      assert.equal(flaky.transactCalls(), 4);
      assert.equal(await getItem(r, `position#${signal.id}`, 'position'), undefined, 'no refusal recorded for a transient failure');
    } finally {
      flaky.restore();
      flaky.client.destroy();
    }
  });
});
