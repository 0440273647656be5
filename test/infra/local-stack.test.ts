/**
 * The local stack: definitions parsed from infra/*.yml, resources created on the running
 * emulators (started once by test/run.ts), and the "no Java" error path of the CLIs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { loadInfraResources, toLocalDefinitions } from '../../infra/cfn.js';
import { JAVA_MISSING_MESSAGE, parseJavaMajor } from '../../infra/java.js';
import { ROOT } from '../../infra/artifacts.js';
import { testResources, type TestResources } from '../support/local-aws.js';

describe('local definitions from infra/*.yml', () => {
  const defs = toLocalDefinitions(loadInfraResources(), 'p');

  test('tables keep keys, GSI and TTL', () => {
    const signals = defs.tables.find((t) => t.logicalId === 'SignalsTable');
    assert.equal(signals?.createTable.TableName, 'p-SignalsTable');
    assert.deepEqual(signals?.createTable.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }]);
    assert.equal(signals?.createTable.GlobalSecondaryIndexes?.[0]?.IndexName, 'outbox-pending');
    assert.deepEqual(signals?.timeToLive, { AttributeName: 'expiresAt', Enabled: true });
    assert.equal(defs.tables.find((t) => t.logicalId === 'StateTable')?.timeToLive?.AttributeName, 'expiresAt');
  });

  test('queues come after the queues they refer to; nothing else is in the infra files (the alarms live in infra/alarms.cjs)', () => {
    assert.deepEqual(defs.queues.map((q) => q.logicalId), ['NotifyDeadLetterQueue', 'NotifyQueue', 'AlertsFailedQueue']);
    assert.deepEqual(defs.ignored, []);
  });

  test('java -version parsing', () => {
    assert.equal(parseJavaMajor('openjdk version "17.0.15" 2025-04-15'), 17);
    assert.equal(parseJavaMajor('java version "1.8.0_402"'), 8);
    assert.equal(parseJavaMajor('openjdk version "21" 2023-09-19'), 21);
    assert.equal(parseJavaMajor('nothing'), undefined);
  });
});

describe('createResources on the running stack', () => {
  let res: TestResources;
  before(async () => {
    res = await testResources('local-stack', { timeToLive: true });
  });
  after(() => res?.close());

  test('tables exist with the outbox-pending GSI and TTL enabled', async () => {
    const signals = await res.ddb.send(new DescribeTableCommand({ TableName: res.tables['SignalsTable'] }));
    const gsi = signals.Table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === 'outbox-pending');
    assert.deepEqual(gsi?.KeySchema, [
      { AttributeName: 'outbox', KeyType: 'HASH' },
      { AttributeName: 'leaseUntil', KeyType: 'RANGE' },
    ]);
    // /signals: the sparse `recent` index, newest first, projecting only what the listing shows.
    const recent = signals.Table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === 'recent');
    assert.deepEqual(recent?.KeySchema, [
      { AttributeName: 'recentKey', KeyType: 'HASH' },
      { AttributeName: 'recentAt', KeyType: 'RANGE' },
    ]);
    assert.equal(recent?.Projection?.ProjectionType, 'INCLUDE');
    assert.deepEqual([...(recent?.Projection?.NonKeyAttributes ?? [])].sort(), ['candleTime', 'createdAt', 'entry', 'exchange', 'side', 'stop', 'strategy', 'symbol', 'target', 'timeframe']);
    for (const logicalId of ['SignalsTable', 'StateTable']) {
      const ttl = await res.ddb.send(new DescribeTimeToLiveCommand({ TableName: res.tables[logicalId] }));
      assert.equal(ttl.TimeToLiveDescription?.TimeToLiveStatus, 'ENABLED', logicalId);
      assert.equal(ttl.TimeToLiveDescription?.AttributeName, 'expiresAt', logicalId);
    }
  });

  test('the sparse GSI answers queries', async () => {
    const table = res.tables['SignalsTable']!;
    await res.doc.send(new PutCommand({ TableName: table, Item: { id: 'a', outbox: 'PENDING', leaseUntil: 5 } }));
    await res.doc.send(new PutCommand({ TableName: table, Item: { id: 'b' } }));
    const page = await res.doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'outbox-pending',
        KeyConditionExpression: 'outbox = :p AND leaseUntil < :now',
        ExpressionAttributeValues: { ':p': 'PENDING', ':now': 10 },
      }),
    );
    assert.deepEqual(page.Items?.map((i) => i['id']), ['a']);
  });

  test('the notify queue has the redrive policy to the DLQ and the yml attributes', async () => {
    const attrs = await res.sqs.send(new GetQueueAttributesCommand({ QueueUrl: res.queues['NotifyQueue'], AttributeNames: ['All'] }));
    const redrive = JSON.parse(attrs.Attributes?.['RedrivePolicy'] ?? '{}') as { deadLetterTargetArn?: string; maxReceiveCount?: unknown };
    assert.equal(redrive.deadLetterTargetArn, res.queueArns['NotifyDeadLetterQueue']);
    assert.equal(Number(redrive.maxReceiveCount), 5);
    assert.equal(attrs.Attributes?.['VisibilityTimeout'], '180'); // infra/queues.yml: 6× the notify function's 30 s timeout
  });

  test('env names the resources for the functions', async () => {
    assert.equal(res.env['SIGNALS_TABLE'], res.tables['SignalsTable']);
    assert.equal(res.env['NOTIFY_DLQ_URL'], res.queues['NotifyDeadLetterQueue']);
    await res.sqs.send(new SendMessageCommand({ QueueUrl: res.env['NOTIFY_QUEUE_URL'], MessageBody: 'x' }));
    const got = await res.sqs.send(new ReceiveMessageCommand({ QueueUrl: res.env['NOTIFY_QUEUE_URL'], WaitTimeSeconds: 0 }));
    assert.equal(got.Messages?.[0]?.Body, 'x');
  });

  test('two copies with different prefixes do not collide', async () => {
    const other = await testResources('local-stack');
    try {
      assert.notEqual(other.tables['SignalsTable'], res.tables['SignalsTable']);
      assert.notEqual(other.queues['NotifyQueue'], res.queues['NotifyQueue']);
    } finally {
      other.close();
    }
  });
});

describe('without Java 17', () => {
  let bin: string;
  before(() => {
    bin = mkdtempSync(join(tmpdir(), 'candlebot-nojava-'));
    const oldJava = join(bin, 'old', 'java');
    mkdirSync(join(bin, 'old'));
    writeFileSync(oldJava, '#!/bin/sh\necho \'openjdk version "11.0.22" 2024-01-16\' >&2\n');
    chmodSync(oldJava, 0o755);
  });
  after(() => rmSync(bin, { recursive: true, force: true }));

  const cases = [
    { entry: 'test/run.ts', path: 'empty', dir: () => join(bin, 'empty'), args: [] as string[] },
    { entry: 'infra/stack-cli.ts', path: 'empty', dir: () => join(bin, 'empty') },
    { entry: 'test/run.ts', path: 'java 11', dir: () => join(bin, 'old') },
    { entry: 'lib/cli/start.ts', path: 'empty', dir: () => join(bin, 'empty'), args: ['--replay', 'test/fixtures/replay'] },
  ];
  for (const c of cases) {
    test(`${c.entry} with PATH=${c.path} prints the one-line instruction and exits 1`, () => {
      const started = Date.now();
      const r = spawnSync(process.execPath, ['--import', 'tsx', c.entry, ...(c.args ?? [])], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, PATH: c.dir() },
      });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(`${r.stdout}${r.stderr}`, `${JAVA_MISSING_MESSAGE}\n`);
      // "At once" = before DynamoDB Local's 30 s readiness wait could have run; 25 s holds under load.
      assert.ok(Date.now() - started < 25_000, `took ${Date.now() - started} ms`);
    });
  }
});
