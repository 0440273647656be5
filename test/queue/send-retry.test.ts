import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SendMessageBatchCommand, SQSClient, SQSServiceException } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { isTransient, PermanentError, TransientError } from '../../lib/errors.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import type { Notification } from '../../lib/core/notification.js';

// SQS failing single entries on its side (Failed without SenderFault) and 503s cannot be
// provoked on the emulator: aws-sdk-client-mock stands in for the service here only.
function queueWith(responses: ((entries: string[]) => unknown)[]) {
  const client = new SQSClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const mock = mockClient(client);
  const sent: string[][] = [];
  mock.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => {
    const ids = input.Entries.map((e) => e.Id);
    sent.push(ids);
    const respond = responses[sent.length - 1];
    if (respond === undefined) return {};
    return respond(ids);
  });
  const sleeps: number[] = [];
  const queue = createSqsNotificationQueue({ client, queueUrl: 'http://127.0.0.1:9/q', sleep: async (ms) => void sleeps.push(ms) });
  return { queue, sent, sleeps };
}

let seq = 0;
const note = (chatId: number): Notification => {
  seq++;
  return { v: 1, id: `sig-${seq}#chat#${chatId}`, kind: 'signal', chatId, text: `<b>BUY</b> BTC/USDT #${seq}`, parseMode: 'HTML', sourceId: `sig-${seq}`, createdAt: 1_700_000_000_000 };
};

const failOn = (id: string) => () => ({ Failed: [{ Id: id, SenderFault: false, Code: 'InternalError', Message: 'try again' }] });

describe('SQS notification queue: retries through lib/retry.ts', () => {
  it('re-sends only the entries SQS failed on its side, after a jittered wait under 200 ms', async () => {
    const { queue, sent, sleeps } = queueWith([failOn('1')]);
    await queue.send([note(1), note(2), note(3)]);
    assert.deepEqual(sent, [['0', '1', '2'], ['1']]);
    assert.equal(sleeps.length, 1);
    assert.ok(sleeps[0]! >= 0 && sleeps[0]! < 200, `first wait ${sleeps[0]} ms`);
  });

  it('after 3 attempts an entry SQS keeps failing is a transient QUEUE_PARTIAL (the outbox row stays pending)', async () => {
    const { queue, sent, sleeps } = queueWith([failOn('0'), failOn('0'), failOn('0')]);
    await assert.rejects(queue.send([note(1)]), (e) => e instanceof TransientError && e.code === 'QUEUE_PARTIAL' && /after 3 attempts/.test(e.message));
    assert.equal(sent.length, 3);
    assert.equal(sleeps.length, 2);
    assert.ok(sleeps[1]! < 400, 'second wait under the doubled ceiling');
  });

  it('a sender-fault entry is permanent at once: no retry', async () => {
    const { queue, sent } = queueWith([() => ({ Failed: [{ Id: '0', SenderFault: true, Code: 'InvalidMessageContents', Message: 'bad' }] })]);
    await assert.rejects(queue.send([note(1)]), (e) => e instanceof PermanentError && e.code === 'QUEUE_REJECTED');
    assert.equal(sent.length, 1);
  });

  it('a 503 from SQS is retried; the batch then goes through', async () => {
    const unavailable = () => {
      throw new SQSServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'busy', $metadata: { httpStatusCode: 503 } });
    };
    const { queue, sent } = queueWith([unavailable, unavailable]);
    await queue.send([note(1), note(2)]);
    assert.equal(sent.length, 3);
  });

  it('a 503 on every attempt surfaces as the translated transient error', async () => {
    const unavailable = () => {
      throw new SQSServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'busy', $metadata: { httpStatusCode: 503 } });
    };
    const { queue, sent } = queueWith([unavailable, unavailable, unavailable]);
    await assert.rejects(queue.send([note(1)]), (e) => isTransient(e) && (e as TransientError).code === 'AWS_TRANSIENT');
    assert.equal(sent.length, 3);
  });
});
