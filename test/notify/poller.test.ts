import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { createLocalNotifyPoller } from '../../lib/queue/local-notify-poller.js';
import { createLocalTelegramSink } from '../../lib/cli/local-telegram-sink.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { DEFAULT_FAKE_TOKEN, startFakeTelegram } from '../support/fake-telegram/index.js';
import { note, sleep, testConfig } from './support.js';

describe('local notify poller (Lambda event source stand-in)', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('notify-poller');
  });
  after(() => r.close());

  const queue = () => r.queues['NotifyQueue']!;
  const counts = async () => {
    const a = (await r.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue(), AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
    return Number(a['ApproximateNumberOfMessages']) + Number(a['ApproximateNumberOfMessagesNotVisible']);
  };
  const send = (bodies: string[]) => r.sqs.send(new SendMessageBatchCommand({ QueueUrl: queue(), Entries: bodies.map((b, i) => ({ Id: String(i), MessageBody: b })) }));

  it('deletes only the records not reported as failed, and builds Lambda-shaped events', async () => {
    await send(['ok-1', 'fail-me', 'ok-2']);
    const events: SQSEvent[] = [];
    const poller = createLocalNotifyPoller({
      sqs: r.sqs,
      queueUrl: queue(),
      waitSeconds: 1,
      handler: async (event) => {
        events.push(event);
        return { batchItemFailures: event.Records.filter((x) => x.body === 'fail-me').map((x) => ({ itemIdentifier: x.messageId })) };
      },
    });
    poller.start();
    while (poller.stats.received < 3) await sleep(100);
    await poller.stop();
    assert.equal(poller.stats.deleted, 2);
    assert.equal(poller.stats.failedItems, 1);
    assert.equal(await counts(), 1, 'the failed record stays on the queue');
    const rec = events[0]!.Records[0]!;
    assert.equal(rec.eventSource, 'aws:sqs');
    assert.match(rec.eventSourceARN, /^arn:aws:sqs:/);
    assert.equal(rec.attributes.ApproximateReceiveCount, '1');
  });

  it('a handler that throws leaves the whole batch on the queue (as Lambda does)', async () => {
    const before = await counts();
    await send(['x-1', 'x-2']);
    const errors: string[] = [];
    const poller = createLocalNotifyPoller({
      sqs: r.sqs,
      queueUrl: queue(),
      waitSeconds: 1,
      onError: (m) => errors.push(m),
      handler: async () => {
        throw new Error('boom');
      },
    });
    poller.start();
    while (poller.stats.handlerErrors < 1) await sleep(100);
    await poller.stop();
    assert.equal(poller.stats.deleted, 0);
    assert.equal(await counts(), before + 2);
    assert.match(errors[0] ?? '', /notify handler failed; the batch of \d stays on the queue: Error: boom/);
  });
});

describe('npm start with TELEGRAM_BOT_TOKEN: the local Telegram sink', () => {
  it('delivers the local queue through the notify handler and drains', async () => {
    const r = await testResources('notify-sink');
    const fake = await startFakeTelegram({});
    try {
      const sink = createLocalTelegramSink({
        env: { ...r.env, TELEGRAM_BOT_TOKEN: DEFAULT_FAKE_TOKEN, TELEGRAM_API_ROOT: fake.apiRoot },
        config: testConfig(),
        logger: new Logger({ serviceName: 'sink-test', logLevel: 'SILENT' }),
        sqs: r.sqs,
      });
      const notes = [note(601), note(602), note(601)];
      await r.sqs.send(new SendMessageBatchCommand({ QueueUrl: r.queues['NotifyQueue']!, Entries: notes.map((n, i) => ({ Id: String(i), MessageBody: JSON.stringify(n) })) }));
      assert.equal(await sink.drain(2, 20_000), 3);
      assert.equal(fake.delivered(601).length, 2);
      assert.equal(fake.delivered(602).length, 1);
    } finally {
      await fake.close();
      r.close();
    }
  });
});
