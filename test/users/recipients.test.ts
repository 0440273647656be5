import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { RecipientQuery } from '../../lib/ports/users.js';
import { createDynamoRecipientResolver } from '../../lib/store/users/recipients.js';
import { createDynamoUserStore } from '../../lib/store/users/user-store.js';
import { createStaticRecipientResolver } from '../../lib/users/static-recipients.js';
import { testResources, type TestResources } from '../support/local-aws.js';

const T0 = Date.UTC(2026, 0, 1);
const q = (over: Partial<RecipientQuery> = {}): RecipientQuery => ({ strategy: 'ema-cross', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', kind: 'signal', ...over });

describe('recipient resolver (GSI subscribers + profiles) on DynamoDB Local', () => {
  let r: TestResources;
  const resolver = () => createDynamoRecipientResolver({ client: r.doc, table: r.tables.UsersTable! });
  before(async () => {
    r = await testResources('recipients');
    const s = createDynamoUserStore({ client: r.doc, table: r.tables.UsersTable! });
    const sub = (chatId: number, symbol: string, strategy = '*', timeframe = '*') => s.subscribe({ chatId, symbol, strategy, timeframe }, T0);
    for (const id of [1, 2, 3, 4, 5, 6, 7, 8, 9]) await s.register(id, T0);
    await sub(1, 'BTC/USDT'); // symbol, any strategy/timeframe
    await sub(2, '*'); // everything
    await sub(3, 'BTC/USDT', 'rsi-reversion'); // other strategy
    await sub(4, 'BTC/USDT', '*', '4h'); // other timeframe
    await sub(5, 'ETH/USDT'); // other symbol
    await sub(6, 'BTC/USDT', 'ema-cross', '1h'); // exact
    await sub(6, '*'); // twice matching: listed once
    await sub(7, 'BTC/USDT');
    await s.deactivate(7, 'blocked', T0); // inactive: excluded
    await sub(8, 'BTC/USDT');
    await s.updateSettings(8, (x) => ({ ...x, notify: { signals: false, positions: true, summary: false } }), T0);
    await sub(9, '*', 'ema-cross', '1h');
    await s.updateSettings(9, (x) => ({ ...x, notify: { signals: true, positions: false, summary: true } }), T0);
    await sub(100, 'BTC/USDT'); // subscribed before /start: active by default
  });
  after(() => r.close());

  it('signal: symbol or *, strategy * or equal, timeframe * or equal; active chats whose settings accept signals; sorted, distinct', async () => {
    assert.deepEqual(await resolver().resolve(q()), [1, 2, 6, 9, 100]);
  });

  it('another strategy / timeframe / symbol', async () => {
    assert.deepEqual(await resolver().resolve(q({ strategy: 'rsi-reversion' })), [1, 2, 3, 6, 100]);
    assert.deepEqual(await resolver().resolve(q({ timeframe: '4h' })), [1, 2, 4, 6, 100]);
    assert.deepEqual(await resolver().resolve(q({ symbol: 'ETH/USDT' })), [2, 5, 6, 9]);
    assert.deepEqual(await resolver().resolve(q({ symbol: 'XRP/USDT', strategy: 'macd-trend' })), [2, 6]);
  });

  it('kinds follow the settings: positions, summary; dashboard always', async () => {
    assert.deepEqual(await resolver().resolve(q({ kind: 'position-opened' })), [1, 2, 6, 8, 100]);
    assert.deepEqual(await resolver().resolve(q({ kind: 'position-closed' })), [1, 2, 6, 8, 100]);
    assert.deepEqual(await resolver().resolve(q({ kind: 'daily-summary' })), [1, 2, 6, 9, 100]);
    assert.deepEqual(await resolver().resolve(q({ kind: 'dashboard' })), [1, 2, 6, 8, 9, 100]);
  });

  it('memoises within one resolver (one invocation) and sees changes in a new one', async () => {
    const client = r.doc;
    const sent: string[] = [];
    const realSend = client.send.bind(client);
    const spy = { ...client, send: (c: { constructor: { name: string } }) => (sent.push(c.constructor.name), realSend(c as never)) } as unknown as typeof client;
    const one = createDynamoRecipientResolver({ client: spy, table: r.tables.UsersTable! });
    await one.resolve(q());
    const calls = sent.length;
    assert.deepEqual(await one.resolve(q()), [1, 2, 6, 9, 100]);
    assert.equal(sent.length, calls, 'the same query is answered from the memo');
    await one.resolve(q({ kind: 'position-opened' }));
    assert.equal(sent.filter((n) => n === QueryCommand.name).length, 2, 'the subscriber lists are read once per fan key');
    await createDynamoUserStore({ client: r.doc, table: r.tables.UsersTable! }).unsubscribe({ chatId: 1, symbol: 'BTC/USDT', strategy: '*', timeframe: '*' });
    assert.deepEqual(await one.resolve(q()), [1, 2, 6, 9, 100], 'unchanged within the invocation');
    assert.deepEqual(await resolver().resolve(q()), [2, 6, 9, 100], 'a new invocation sees the unsubscribe');
  });

  it('no subscriber at all: an empty list without reading profiles', async () => {
    const fresh = await testResources('recipients-empty');
    try {
      assert.deepEqual(await createDynamoRecipientResolver({ client: fresh.doc, table: fresh.tables.UsersTable! }).resolve(q()), []);
    } finally {
      fresh.close();
    }
  });

  it('the static resolver gives its fixed chats, sorted and distinct, for any query', async () => {
    const s = createStaticRecipientResolver([42, 7, 42]);
    assert.deepEqual(await s.resolve(q()), [7, 42]);
    assert.deepEqual(await s.resolve(q({ kind: 'dashboard', symbol: 'X/Y' })), [7, 42]);
  });
});
