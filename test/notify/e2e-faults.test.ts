/**
 * THE end-to-end fault test of issue 4: 1,000 notifications to 50 chats (+ malformed bodies)
 * through the real queue (fauxqs, with its DLQ and maxReceiveCount from infra/queues.yml), the
 * local poller (5 concurrent "invocations", partial batch responses), the notify handler, and
 * telegraf against the fake Bot API injecting 30 % 5xx, 10 % 429 (retry_after 1 s) and blocked
 * chats (403). Every notification must end exactly one way: delivered once, dropped with a
 * recorded reason, or in the DLQ — none lost, none twice, per-chat spacing ≥ ~1 s, and no 429
 * from the fake's own flood limiter.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createLocalNotifyPoller, type LocalNotifyPoller } from '../../lib/queue/local-notify-poller.js';
import type { SqsHandler } from '../../lib/queue/local-notify-poller.js';
import { mulberry32 } from '../support/exchange-sim/random-walk.js';
import { note, notifySetup, sleep, testConfig, type NotifySetup } from './support.js';

const CHATS = 50;
const PER_CHAT = 20; // 1,000 notifications
const BLOCKED = [5003, 5017, 5031]; // 3 of 50 chats = 6 % of the notifications answer 403
const MALFORMED = ['{"v":1,"id":"x"', JSON.stringify({ v: 1, id: 'm2', kind: 'signal', chatId: 'nope' }), 'null', '[]', JSON.stringify({ ...note(5000), text: '' })];
/**
 * The drain takes ~70-85 s on a quiet machine (~1,600 calls, retries included, at the 25/s
 * global budget) and longer under load. No wall-clock deadline on the whole drain: the test
 * fails when the drain STALLS — no call reached the fake and the queue depth did not change for
 * STALL_MS — or, as a last resort, after MAX_DRAIN_MS.
 */
const STALL_MS = 60_000;
const MAX_DRAIN_MS = 540_000;

/** Deterministic PRNG (mulberry32), so a failure can be replayed. */
const prng = mulberry32;

describe('delivery under faults, end to end (1,000 notifications, 50 chats)', { timeout: 600_000 }, () => {
  let s: NotifySetup;
  let pollers: LocalNotifyPoller[] = [];
  before(async () => {
    s = await notifySetup('notify-e2e', {
      config: testConfig({ perChatIntervalMs: 1000, globalPerSecond: 25 }),
      tuning: { backoff: { baseMs: 1000, capMs: 2000 }, telegramTimeoutMs: 10_000, concurrency: 10 },
    });
    // Like the event source's maximumConcurrency 5: five containers, each with its own runtime.
    pollers = Array.from({ length: 5 }, () =>
      createLocalNotifyPoller({ sqs: s.res.sqs, queueUrl: s.res.queues['NotifyQueue']!, handler: s.newHandler() as SqsHandler, concurrency: 1, waitSeconds: 1 }),
    );
  });
  after(async () => {
    await Promise.all(pollers.map((p) => p.stop()));
    await s.close();
  });

  it('every notification ends exactly one way; none lost, none twice, spacing kept', async () => {
    const chats = Array.from({ length: CHATS }, (_, i) => 5000 + i);
    for (const chat of chats) await s.users.register(chat, Date.now());
    for (const chat of BLOCKED) s.fake.blockChat(chat);
    const random = prng(20261122);
    s.fake.script(({ method }) => {
      if (method !== 'sendMessage') return undefined;
      const r = random();
      if (r < 0.3) return { status: 502 };
      if (r < 0.4) return { status: 429, retryAfter: 1 };
      return undefined;
    });

    const notes = chats.flatMap((chat) => Array.from({ length: PER_CHAT }, (_, i) => note(chat, { text: `n ${chat}-${i}`, sourceId: `e2e-${chat}-${i}` })));
    // Interleave chats, as a fan-out of many signals would.
    notes.sort((a, b) => Number(a.sourceId.split('-')[2]) - Number(b.sourceId.split('-')[2]) || a.chatId - b.chatId);
    await s.enqueue([...notes.slice(0, 500), ...MALFORMED, ...notes.slice(500)]);

    const started = Date.now();
    for (const p of pollers) p.start();
    let progressAt = started;
    let last = '';
    for (;;) {
      await sleep(1000);
      const depth = await s.depth();
      if (depth.visible + depth.inFlight === 0) break;
      const now = Date.now();
      const seen = `${s.fake.calls.length} ${JSON.stringify(depth)}`;
      if (seen !== last) [last, progressAt] = [seen, now];
      assert.ok(now - progressAt < STALL_MS, `the drain stalled: no call and no change of the queue for ${STALL_MS} ms: ${JSON.stringify(depth)}`);
      assert.ok(now - started < MAX_DRAIN_MS, `queue not drained after ${MAX_DRAIN_MS} ms: ${JSON.stringify(depth)}`);
    }
    await Promise.all(pollers.map((p) => p.stop()));
    const elapsed = Date.now() - started;

    // What the DLQ holds.
    const inDlq = new Map<string, number>();
    for (;;) {
      const out = await s.res.sqs.send(new ReceiveMessageCommand({ QueueUrl: s.res.queues['NotifyDeadLetterQueue']!, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60 }));
      if (!out.Messages?.length) break;
      for (const m of out.Messages) {
        const id = (JSON.parse(m.Body ?? '{}') as { id?: string }).id ?? '?';
        inDlq.set(id, (inDlq.get(id) ?? 0) + 1);
      }
    }
    // What the fake delivered, by notification.
    const deliveredCount = new Map<string, number>();
    for (const m of s.fake.delivered()) deliveredCount.set(m.visibleText, (deliveredCount.get(m.visibleText) ?? 0) + 1);

    let delivered = 0;
    let dropped = 0;
    let dlq = 0;
    const problems: string[] = [];
    const dropReasons = new Map<string, number>();
    for (const n of notes) {
      const times = deliveredCount.get(n.text!) ?? 0;
      const row = await s.runtime.deliveries.get(n.id!);
      const dlqTimes = inDlq.get(n.id!) ?? 0;
      if (times === 1 && row?.status === 'sent' && dlqTimes === 0) delivered++;
      else if (times === 0 && row?.status === 'dropped' && row.reason && dlqTimes === 0) {
        dropped++;
        const cls = row.reason.split(':')[0]!;
        dropReasons.set(cls, (dropReasons.get(cls) ?? 0) + 1);
      } else if (times === 0 && dlqTimes === 1 && row?.status !== 'sent' && row?.status !== 'dropped') dlq++;
      else problems.push(`${n.id}: delivered ${times}×, row ${row?.status}/${row?.reason ?? ''}, DLQ ${dlqTimes}×`);
    }
    const malformedRows = (await s.res.doc.send(new ScanCommand({ TableName: s.res.tables['DeliveriesTable']!, FilterExpression: 'begins_with(id, :m)', ExpressionAttributeValues: { ':m': 'malformed#' } }))).Items ?? [];

    // Per-chat spacing of every call that reached the fake for a chat (failed attempts included).
    let minGap = Infinity;
    for (const chat of chats) {
      const at = s.fake.calls.filter((c) => c.chatId === chat && c.method === 'sendMessage').map((c) => c.at).sort((a, b) => a - b);
      for (let i = 1; i < at.length; i++) minGap = Math.min(minGap, at[i]! - at[i - 1]!);
    }
    const sends = s.fake.calls.filter((c) => c.method === 'sendMessage').length;
    const buckets = new Map<number, number>();
    for (const c of s.fake.calls) if (c.method === 'sendMessage') buckets.set(Math.floor((c.at - started) / 5000), (buckets.get(Math.floor((c.at - started) / 5000)) ?? 0) + 1);
    console.log(`# calls per 5 s: ${[...buckets].sort((a, b) => a[0] - b[0]).map(([, n]) => n).join(' ')}`);
    for (const v of s.fake.calls.filter((c) => c.status === 429 && !c.fault)) {
      const prev = s.fake.calls.filter((c) => c.chatId === v.chatId && c.at <= v.at && c !== v).at(-1);
      const lastSecond = s.fake.calls.filter((c) => c.status === 200 && c.at > v.at - 1000 && c.at <= v.at).length;
      console.log(`# limiter 429: chat ${v.chatId} at ${v.at}, previous call to the chat ${prev ? v.at - prev.at : '-'} ms before (status ${prev?.status}), ${lastSecond} accepted in the second before`);
    }
    console.log(
      `# e2e: ${notes.length} notifications + ${MALFORMED.length} malformed in ${(elapsed / 1000).toFixed(1)} s: ` +
        `${delivered} delivered once, ${dropped} dropped (${[...dropReasons].map(([k, v]) => `${k} ${v}`).join(', ')}), ${dlq} in DLQ; ` +
        `${sends} sendMessage calls (${(sends / (elapsed / 1000)).toFixed(1)}/s), min per-chat gap ${minGap} ms, limiter 429s ${s.fake.rateLimitViolations}; pollers ${JSON.stringify(pollers.map((p) => p.stats))}`,
    );

    assert.deepEqual(problems, []);
    assert.equal(delivered + dropped + dlq, notes.length);
    // The first 403 deactivates the chat; its later notifications are dropped as inactive:blocked.
    assert.ok((dropReasons.get('blocked') ?? 0) >= BLOCKED.length);
    assert.equal((dropReasons.get('blocked') ?? 0) + (dropReasons.get('inactive') ?? 0), BLOCKED.length * PER_CHAT);
    assert.equal(dropped, BLOCKED.length * PER_CHAT, 'nothing else dropped');
    assert.equal(malformedRows.length, MALFORMED.length);
    assert.ok(malformedRows.every((r) => String(r['reason']).startsWith('malformed: ')));
    assert.equal(inDlq.size, dlq, 'nothing else in the DLQ');
    assert.ok(minGap >= 950, `per-chat gap ${minGap} ms`);
    assert.equal(s.fake.rateLimitViolations, 0);
    assert.ok(delivered >= 850, `delivered ${delivered}`);
  });
});
