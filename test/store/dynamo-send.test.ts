/** lib/store/dynamo/send.ts and read.ts against DynamoDB Local (StateTable: key `pk`). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PutItemCommand, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getItem, queryItems, queryPage } from '../../lib/store/dynamo/read.js';
import { request, send } from '../../lib/store/dynamo/send.js';
import { testResources, type TestResources } from '../support/local-aws.js';

type Coded = Error & { code?: string; kind?: string; cause?: unknown };

describe('dynamo send: one conditional single-item write', () => {
  let r: TestResources;
  let table: string;
  before(async () => {
    r = await testResources('dynamo-send');
    table = r.tables.StateTable!;
  });
  after(() => r.close());

  it('a put whose condition holds is ok; the same put again fails its condition and returns the stored item as plain JS', async () => {
    const Item = { pk: 'send#1', n: 7, s: 'x', flag: true, nested: { a: 1, list: [1, 'two'] }, tags: new Set(['a', 'b']) };
    const put = { Put: { TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' } };
    assert.deepEqual(await send(r.doc, put, 'put 1'), { ok: true });
    const again = await send(r.doc, { Put: { ...put.Put, Item: { pk: 'send#1', n: 8 } } }, 'put 1 again');
    assert.deepEqual(again, { ok: false, conditionFailed: true, old: Item });
    assert.equal((await getItem(r.doc, { TableName: table, Key: { pk: 'send#1' } }, 'read 1'))?.['n'], 7);
  });

  it('an update returns the attributes asked for; a failed condition on an absent item has no old item', async () => {
    const up = await send(
      r.doc,
      { Update: { TableName: table, Key: { pk: 'send#2' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'ALL_NEW' } },
      'update 2',
    );
    assert.deepEqual(up, { ok: true, attributes: { pk: 'send#2', n: 1 } });
    const missing = await send(
      r.doc,
      { Update: { TableName: table, Key: { pk: 'send#absent' }, UpdateExpression: 'SET n = :one', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':one': 1 } } },
      'update absent',
    );
    assert.deepEqual(missing, { ok: false, conditionFailed: true });
    assert.equal(await getItem(r.doc, { TableName: table, Key: { pk: 'send#absent' } }, 'read absent'), undefined);
  });

  it('a conditional delete: refused with the old item, then done', async () => {
    await r.doc.send(new PutCommand({ TableName: table, Item: { pk: 'send#3', owner: 'a' } }));
    const del = (owner: string) =>
      send(r.doc, { Delete: { TableName: table, Key: { pk: 'send#3' }, ConditionExpression: '#o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': owner } } }, 'delete 3');
    assert.deepEqual(await del('b'), { ok: false, conditionFailed: true, old: { pk: 'send#3', owner: 'a' } });
    assert.deepEqual(await del('a'), { ok: true });
    assert.equal(await getItem(r.doc, { TableName: table, Key: { pk: 'send#3' }, ConsistentRead: true }, 'read 3'), undefined);
  });

  it('an old item with a number the document client refuses (1.5e100) still converts', async () => {
    await r.ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'send#4' }, n: { N: '1.5e100' } } }));
    const out = await send(
      r.doc,
      { Update: { TableName: table, Key: { pk: 'send#4' }, UpdateExpression: 'SET m = :one', ConditionExpression: 'attribute_not_exists(pk)', ExpressionAttributeValues: { ':one': 1 } } },
      'update 4',
    );
    assert.deepEqual(out, { ok: false, conditionFailed: true, old: { pk: 'send#4', n: 1.5e100 } });
  });

  it('any other AWS error is thrown translated: the label, the class and code, the SDK error as cause', async () => {
    await assert.rejects(
      send(r.doc, { Update: { TableName: table, Key: { pk: 'send#5' }, UpdateExpression: 'SET n = :missing', ConditionExpression: 'attribute_not_exists(pk)' } }, 'update 5'),
      (e: Coded) => e.kind === 'permanent' && e.code === 'AWS_PERMANENT' && /^update 5 failed: ValidationException/.test(e.message) && (e.cause as Error).name === 'ValidationException',
    );
    const throttled = { send: async () => Promise.reject(new ThrottlingException({ message: 'slow down', $metadata: { httpStatusCode: 400 } })) } as unknown as DynamoDBDocumentClient;
    await assert.rejects(
      send(throttled, { Put: { TableName: table, Item: { pk: 'x' }, ConditionExpression: 'attribute_not_exists(pk)' } }, 'put throttled'),
      (e: Coded) => e.kind === 'transient' && e.code === 'AWS_TRANSIENT' && (e.cause as Error).name === 'ThrottlingException',
    );
  });

  it('asks for the old item only when the write has a condition', async () => {
    const inputs: Record<string, unknown>[] = [];
    const recording = { send: async (c: { input: Record<string, unknown> }) => (inputs.push(c.input), {}) } as unknown as DynamoDBDocumentClient;
    await send(recording, { Put: { TableName: table, Item: { pk: 'a' } } }, 'plain put');
    await send(recording, { Put: { TableName: table, Item: { pk: 'a' }, ConditionExpression: 'attribute_not_exists(pk)' } }, 'conditional put');
    assert.equal(inputs[0]?.['ReturnValuesOnConditionCheckFailure'], undefined);
    assert.equal(inputs[1]?.['ReturnValuesOnConditionCheckFailure'], 'ALL_OLD');
  });
});

describe('dynamo reads: errors translated once, bounded query pages', () => {
  let r: TestResources;
  let table: string;
  before(async () => {
    r = await testResources('dynamo-read');
    table = r.tables.UsersTable!;
    for (let i = 0; i < 7; i++) await r.doc.send(new PutCommand({ TableName: table, Item: { pk: 'chat#1', sk: `sub#${i}`, i } }));
  });
  after(() => r.close());

  const byChat = () => ({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'chat#1' } });

  it('queryItems reads page by page up to max and says whether the query went on', async () => {
    const some = await queryItems(r.doc, byChat(), 5, 2, 'list');
    assert.deepEqual(some.items.map((i) => i['i']), [0, 1, 2, 3, 4]);
    assert.ok(some.next);
    const all = await queryItems(r.doc, byChat(), 100, 3, 'list');
    assert.equal(all.items.length, 7);
    assert.equal(all.next, undefined);
    const page = await queryPage(r.doc, { ...byChat(), Limit: 4 }, 'page');
    assert.equal(page.items.length, 4);
    assert.deepEqual(page.next, { pk: 'chat#1', sk: 'sub#3' });
  });

  it('a failing read is thrown translated with its label', async () => {
    await assert.rejects(getItem(r.doc, { TableName: `${table}-missing`, Key: { pk: 'x', sk: 'y' } }, 'read missing table'), (e: Coded) => e.code === 'AWS_PERMANENT' && /^read missing table failed: ResourceNotFoundException/.test(e.message));
    await assert.rejects(request('custom call', () => Promise.reject(new ThrottlingException({ message: 'slow', $metadata: {} }))), (e: Coded) => e.code === 'AWS_TRANSIENT' && /^custom call failed/.test(e.message));
  });
});
