import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { notificationSchema } from '../../lib/core/notification.js';
import { asciiJson } from '../../lib/queue/sqs-notification-queue.js';
import { ROOT } from '../support/run-cli.js';
import { note, notifySetup, type NotifySetup } from './support.js';

function redrive(env: Record<string, string>, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'lib/cli/dlq-redrive.ts', ...args], { cwd: ROOT, timeout: 60_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('npm run dlq:redrive on the local stack', () => {
  let s: NotifySetup;
  before(async () => {
    s = await notifySetup('dlq-redrive');
  });
  after(() => s.close());

  const depth = async (url: string) =>
    Number((await s.res.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes?.['ApproximateNumberOfMessages']);

  it('lists with --dry-run, then moves every message back; the consumer sends only what was not sent', async () => {
    const dlq = s.res.queues['NotifyDeadLetterQueue']!;
    const queue = s.res.queues['NotifyQueue']!;
    const pending = notificationSchema.parse(note(301));
    const alreadySent = notificationSchema.parse(note(302));
    // alreadySent was delivered before it reached the DLQ (e.g. its delete was lost).
    const claim = await s.runtime.deliveries.claim(alreadySent.id, 302, Date.now(), 60_000);
    assert.equal(claim.outcome, 'claimed');
    await s.runtime.deliveries.markSent(alreadySent.id, Date.now(), { messageIds: [1] });
    for (const body of [asciiJson(pending), asciiJson(alreadySent), 'junk body']) {
      await s.res.sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: body }));
    }

    const dry = await redrive(s.env, ['--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /dry run: 3 message\(s\) in the DLQ/);
    assert.ok(dry.stdout.includes(pending.id) && dry.stdout.includes(alreadySent.id), dry.stdout);
    assert.match(dry.stdout, /^\?/m, 'a body without id is listed by its SQS id');
    assert.equal(await depth(dlq), 3, 'a dry run moves nothing and leaves the messages visible');

    const run = await redrive(s.env, []);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /re-drove 3 of 3 message\(s\)/);
    assert.equal(await depth(dlq), 0);
    assert.equal(await depth(queue), 3);

    const event = await s.receive(1);
    assert.equal(event.Records.length, 3);
    assert.deepEqual(await s.invoke(event), []);
    assert.equal(s.fake.delivered(301).length, 1);
    assert.equal(s.fake.delivered(302).length, 0, 'already sent: not sent again');
  });

  it('rejects bad arguments and a missing environment with a clear message', async () => {
    const bad = await redrive(s.env, ['--max', 'lots']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--max must be an integer/);
    const noEnv = await redrive({ NOTIFY_DLQ_URL: '' }, []);
    assert.equal(noEnv.code, 1);
    assert.match(noEnv.stderr, /NOTIFY_DLQ_URL|NOTIFY_QUEUE_URL/);
  });
});
