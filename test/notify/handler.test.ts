import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chartSpec, note, notifySetup, sleep, type NotifySetup } from './support.js';

/**
 * The notify handler end to end on one record at a time: real SQS receipts (fauxqs), real
 * DynamoDB Local rows, telegraf against the fake Bot API with scripted faults.
 */
describe('notify handler: delivery and error classes', () => {
  let s: NotifySetup;
  before(async () => {
    s = await notifySetup('notify-handler');
  });
  after(() => s.close());
  beforeEach(() => {
    s.fake.script(undefined);
  });

  /** Enqueue, receive, invoke once. */
  async function once(item: Parameters<NotifySetup['enqueue']>[0][number]) {
    await s.enqueue([item]);
    const event = await s.receive(1);
    assert.equal(event.Records.length, 1);
    const failures = await s.invoke(event);
    return { event, failures, messageId: event.Records[0]!.messageId };
  }

  it('sends a notification, marks it sent, and a redelivery does not send again', async () => {
    const n = note(101);
    const { failures } = await once(n);
    assert.deepEqual(failures, []);
    assert.equal(s.fake.delivered(101).length, 1);
    assert.equal((await s.runtime.deliveries.get(n.id))?.status, 'sent');
    // The same notification again (SQS redelivery or a re-sent outbox row): not sent twice.
    const again = await once(n);
    assert.deepEqual(again.failures, []);
    assert.equal(s.fake.delivered(101).length, 1);
  });

  it('5xx: the item fails, its claim is released, its retry is delayed, then it is delivered once', async () => {
    const n = note(102);
    s.fake.script(({ chatId }) => (chatId === 102 ? { status: 502 } : undefined));
    const { failures, messageId } = await once(n);
    assert.deepEqual(failures, [messageId]);
    const row = await s.runtime.deliveries.get(n.id);
    assert.equal(row?.status, 'sending');
    assert.equal(row?.leaseUntil, 0);
    assert.equal((await s.receive(0)).Records.length, 0, 'the retry is delayed by its visibility');
    s.fake.script(undefined);
    const retry = await s.receive(5);
    assert.equal(retry.Records[0]?.attributes.ApproximateReceiveCount, '2');
    assert.deepEqual(await s.invoke(retry), []);
    assert.equal(s.fake.delivered(102).length, 1);
    assert.equal((await s.runtime.deliveries.get(n.id))?.attempts, 2);
  });

  it('429: retried no sooner than retry_after', async () => {
    const n = note(103);
    s.fake.script(({ chatId }) => (chatId === 103 ? { status: 429, retryAfter: 1 } : undefined));
    const started = Date.now();
    const { failures, messageId } = await once(n);
    assert.deepEqual(failures, [messageId]);
    s.fake.script(undefined);
    const retry = await s.receive(5);
    assert.ok(Date.now() - started >= 1000, 'not visible before retry_after');
    assert.deepEqual(await s.invoke(retry), []);
    assert.equal(s.fake.delivered(103).length, 1);
  });

  it('403 blocked: dropped with its reason, the chat deactivated, no retry', async () => {
    await s.users.register(104, Date.now());
    s.fake.blockChat(104);
    const n = note(104);
    const { failures } = await once(n);
    assert.deepEqual(failures, []);
    const row = await s.runtime.deliveries.get(n.id);
    assert.equal(row?.status, 'dropped');
    assert.match(row?.reason ?? '', /^blocked: .*blocked by the user/);
    const profile = await s.users.get(104);
    assert.equal(profile?.active, false);
    assert.equal(profile?.inactiveReason, 'blocked');
    // Later notifications to the chat are dropped without calling Telegram.
    const calls = s.fake.calls.length;
    const later = note(104);
    assert.deepEqual((await once(later)).failures, []);
    assert.equal(s.fake.calls.length, calls);
    assert.equal((await s.runtime.deliveries.get(later.id))?.reason, 'inactive:blocked');
  });

  it('400 chat not found: dropped and deactivated', async () => {
    await s.users.register(105, Date.now());
    s.fake.removeChat(105);
    const n = note(105);
    assert.deepEqual((await once(n)).failures, []);
    assert.match((await s.runtime.deliveries.get(n.id))?.reason ?? '', /^chat-not-found: /);
    assert.equal((await s.users.get(105))?.inactiveReason, 'chat-not-found');
  });

  it('400 refused HTML: dropped as bad-request (not retried)', async () => {
    const n = note(106, { text: 'press <blink>here</blink>' });
    assert.deepEqual((await once(n)).failures, []);
    const row = await s.runtime.deliveries.get(n.id);
    assert.equal(row?.status, 'dropped');
    assert.match(row?.reason ?? '', /^bad-request: /);
  });

  it('malformed bodies are recorded and dropped, never failing the batch', async () => {
    await s.enqueue(['not json at all', JSON.stringify({ ...note(107), chatId: 'abc' }), JSON.stringify({ ...note(107), extra: 1 })]);
    const event = await s.receive(1);
    assert.equal(event.Records.length, 3);
    assert.deepEqual(await s.invoke(event), []);
    const reasons = await Promise.all(event.Records.map(async (r) => (await s.runtime.deliveries.get(`malformed#${r.messageId}`))?.reason));
    assert.ok(reasons.some((r) => /^malformed: not JSON/.test(r ?? '')), JSON.stringify(reasons));
    assert.ok(reasons.some((r) => /^malformed: chatId: /.test(r ?? '')), JSON.stringify(reasons));
    assert.ok(reasons.some((r) => /^malformed: .*extra/.test(r ?? '')), JSON.stringify(reasons));
    assert.equal(s.fake.delivered(107).length, 0);
  });

  it('a stopped chat gets nothing (inactive:stopped); quiet hours send silently', async () => {
    await s.users.register(108, Date.now());
    await s.users.deactivate(108, 'stopped', Date.now());
    const n = note(108);
    assert.deepEqual((await once(n)).failures, []);
    assert.equal((await s.runtime.deliveries.get(n.id))?.reason, 'inactive:stopped');
    assert.equal(s.fake.delivered(108).length, 0);

    await s.users.register(109, Date.now());
    const hour = new Date().getUTCHours();
    await s.users.updateSettings(109, (st) => ({ ...st, timezone: 'UTC', quietHours: { start: hour, end: (hour + 1) % 24 } }), Date.now());
    assert.deepEqual((await once(note(109))).failures, []);
    assert.equal(s.fake.delivered(109)[0]?.disableNotification, true);
  });

  it('a long text goes out in parts; a failure at part 2 resumes at part 2 (no part twice)', async () => {
    const line = 'x'.repeat(99);
    const text = Array.from({ length: 100 }, (_, i) => `${i} ${line}`).join('\n'); // ~10 kB → 3 parts
    const n = note(110, { text });
    let sends = 0;
    s.fake.script(({ chatId, method }) => (chatId === 110 && method === 'sendMessage' && ++sends === 2 ? { status: 500 } : undefined));
    const { failures, messageId } = await once(n);
    assert.deepEqual(failures, [messageId]);
    assert.equal(s.fake.delivered(110).length, 1);
    assert.deepEqual((await s.runtime.deliveries.get(n.id))?.progress?.partsSent, 1);
    const retry = await s.receive(5);
    assert.deepEqual(await s.invoke(retry), []);
    const parts = s.fake.delivered(110);
    assert.equal(parts.length, 3);
    assert.ok(parts.every((p) => (p.text ?? '').length <= 4096));
    assert.equal(parts.map((p) => p.text).join('\n'), text);
    const gaps = parts.slice(1).map((p, i) => p.at - parts[i]!.at);
    assert.ok(gaps.every((g) => g >= 1000), `per-chat spacing ${gaps.join(', ')}`);
  });

  it('a crash between send and sent marker resends once (documented at-least-once window)', async () => {
    const n = note(111);
    let first = true;
    s.fake.script(({ chatId }) => (chatId === 111 && first ? ((first = false), { dropAfterSend: true }) : undefined));
    const { failures, messageId } = await once(n);
    assert.deepEqual(failures, [messageId]); // the reply was lost: the send looks failed
    const retry = await s.receive(5);
    assert.deepEqual(await s.invoke(retry), []);
    assert.equal(s.fake.delivered(111).length, 2, 'delivered twice: the one duplicate the sent marker cannot prevent');
    assert.equal((await s.runtime.deliveries.get(n.id))?.status, 'sent');
  });

  it('401 (wrong token) is not dropped: the item fails and waits', async () => {
    const bad = await notifySetup('notify-unauth', { token: '999999:AAWrongTokenWrongTokenWrongTokenWrong' });
    try {
      const n = note(112);
      await bad.enqueue([n]);
      const event = await bad.receive(1);
      assert.deepEqual(await bad.invoke(event), [event.Records[0]!.messageId]);
      const row = await bad.runtime.deliveries.get(n.id);
      assert.equal(row?.status, 'sending');
      assert.equal(row?.leaseUntil, 0);
    } finally {
      await bad.close();
    }
  });

  it('gives records back (visibility 0) when the invocation is nearly out of time', async () => {
    const n = note(113);
    await s.enqueue([n]);
    const event = await s.receive(1);
    assert.deepEqual(await s.invoke(event, 1000), [event.Records[0]!.messageId]); // 1 s < reserve
    assert.equal(s.fake.delivered(113).length, 0);
    const back = await s.receive(2);
    assert.equal(back.Records.length, 1, 'visible again at once');
    assert.deepEqual(await s.invoke(back), []);
    assert.equal(s.fake.delivered(113).length, 1);
  });

  it('dashboard: edits in place; when the message is gone, sends, pins and stores a new one once', async () => {
    await s.users.register(114, Date.now());
    const d1 = note(114, { kind: 'dashboard', text: 'dashboard v1' });
    assert.deepEqual((await once(d1)).failures, []);
    const first = (await s.users.get(114))?.dashboardMessageId;
    assert.ok(first !== undefined);
    assert.equal(s.fake.messages(114).find((m) => m.messageId === first)?.pinned, true);
    await sleep(1000);
    assert.deepEqual((await once(note(114, { kind: 'dashboard', text: 'dashboard v2' }))).failures, []);
    assert.equal(s.fake.messages(114).find((m) => m.messageId === first)?.text, 'dashboard v2');
    assert.equal(s.fake.delivered(114).length, 1, 'edited, not re-sent');
    // The user deleted it: recreated once.
    await s.users.setDashboard(114, 999_999, first, Date.now());
    await sleep(1000);
    assert.deepEqual((await once(note(114, { kind: 'dashboard', text: 'dashboard v3' }))).failures, []);
    const now = (await s.users.get(114))?.dashboardMessageId;
    assert.ok(now !== undefined && now !== 999_999 && now !== first);
    assert.equal(s.fake.delivered(114).length, 2);
  });
});

describe('notify handler: charts', () => {
  it('renders once, uploads once; the second chat gets the file id', async () => {
    let renders = 0;
    const s = await notifySetup('notify-chart', {
      render: async (spec) => {
        renders++;
        const { renderChartPng } = await import('../../lib/chart/render.js');
        return renderChartPng(spec);
      },
    });
    try {
      const sourceId = `sig-chart-${Date.now()}`;
      const long = `<b>BUY</b> BTC/USDT\n${'detail line\n'.repeat(150)}end`; // > 1024: caption + rest
      await s.enqueue([note(201, { sourceId, chart: chartSpec(), text: long }), note(202, { sourceId, chart: chartSpec(), text: long })]);
      const event = await s.receive(1);
      assert.equal(event.Records.length, 2);
      assert.deepEqual(await s.invoke(event), []);
      assert.equal(renders, 1);
      assert.equal(s.fake.photos.length, 1, 'one upload');
      const [p1, p2] = [s.fake.delivered(201), s.fake.delivered(202)];
      assert.equal(p1[0]?.method, 'sendPhoto');
      assert.equal(p2[0]?.method, 'sendPhoto');
      assert.equal(p2[0]?.photoFileId, p1[0]?.photoFileId);
      assert.ok((p1[0]?.caption ?? '').length <= 1024);
      assert.ok(p1.length >= 2, 'the rest of the text follows the photo');
      // A later invocation (another container) reuses the stored file id: no render, no upload.
      await s.enqueue([note(203, { sourceId, chart: chartSpec(), text: 'short' })]);
      assert.deepEqual(await s.invoke(await s.receive(1)), []);
      assert.equal(renders, 1);
      assert.equal(s.fake.photos.length, 1);
      assert.equal(s.fake.delivered(203)[0]?.photoFileId, p1[0]?.photoFileId);
    } finally {
      await s.close();
    }
  });

  it('a chart that cannot be rendered degrades to a text-only message', async () => {
    const s = await notifySetup('notify-chart-fail', {
      render: async () => {
        throw new Error('resvg exploded');
      },
    });
    try {
      const n = note(204, { chart: chartSpec(), text: '<b>SELL</b> ETH/USDT' });
      await s.enqueue([n]);
      assert.deepEqual(await s.invoke(await s.receive(1)), []);
      const sent = s.fake.delivered(204);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]?.method, 'sendMessage');
      assert.equal(sent[0]?.text, '<b>SELL</b> ETH/USDT');
      assert.equal((await s.runtime.deliveries.get(n.id))?.status, 'sent');
    } finally {
      await s.close();
    }
  });
});
