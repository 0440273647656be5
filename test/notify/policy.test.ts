import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TransientError, PermanentError } from '../../lib/errors.js';
import { backoffMs, failureAction } from '../../lib/notify/policy.js';
import { inQuietHours } from '../../lib/notify/quiet-hours.js';
import { parseNotificationBody } from '../../lib/notify/parse-body.js';
import { runBatch, type BatchDeps, type NotifyRecord } from '../../lib/notify/run-batch.js';
import type { ClaimResult, DeliveryProgress, DeliveryStore } from '../../lib/ports/delivery.js';
import { silentLog } from '../../lib/ports/log.js';
import { TelegramApiError, type TelegramPort } from '../../lib/ports/telegram.js';
import type { UserStore } from '../../lib/ports/users.js';
import { note } from './support.js';

const BACKOFF = { baseMs: 1000, capMs: 8000 };
const mid = () => 0.5; // no jitter

describe('retry policy by error class', () => {
  const tg = (failure: ConstructorParameters<typeof TelegramApiError>[1]['failure'], extra: { retryAfterMs?: number; status?: number } = {}) =>
    new TelegramApiError(`x ${failure}`, { failure, ...extra });

  it('429 waits retry_after (+ < 1 s jitter); 5xx and unexpected errors back off exponentially, capped', () => {
    assert.deepEqual(failureAction(tg('rate-limited', { retryAfterMs: 3000 }), 1, BACKOFF, mid), { type: 'retry', delayMs: 3500, reason: 'rate-limited', rateLimited: true, severity: 'warn' });
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => backoffMs(n, BACKOFF, mid)),
      [1000, 2000, 4000, 8000, 8000],
    );
    const unavailable = failureAction(tg('unavailable'), 3, BACKOFF, mid);
    assert.equal(unavailable.type === 'retry' && unavailable.delayMs, 4000);
    const dynamo = failureAction(new TransientError('throttled', { code: 'AWS_TRANSIENT' }), 1, BACKOFF, mid);
    assert.equal(dynamo.type === 'retry' && dynamo.severity, 'warn');
    const bug = failureAction(new TypeError('undefined is not a function'), 1, BACKOFF, mid);
    assert.equal(bug.type === 'retry' && bug.severity, 'error');
    const config = failureAction(new PermanentError('AccessDenied', { code: 'AWS_PERMANENT' }), 1, BACKOFF, mid);
    assert.equal(config.type, 'retry', 'a permanent AWS error is a configuration problem: retried, then DLQ — never dropped');
  });

  it('403 and chat-not-found drop and deactivate; other 400s drop; 401 never drops', () => {
    assert.deepEqual(failureAction(tg('blocked'), 1, BACKOFF), { type: 'drop', reason: 'blocked: TELEGRAM_BLOCKED: x blocked', deactivate: 'blocked' });
    assert.equal((failureAction(tg('chat-not-found'), 1, BACKOFF) as { deactivate?: string }).deactivate, 'chat-not-found');
    assert.deepEqual(failureAction(tg('bad-request'), 1, BACKOFF), { type: 'drop', reason: 'bad-request: TELEGRAM_BAD_REQUEST: x bad-request' });
    const unauthorized = failureAction(tg('unauthorized'), 2, BACKOFF, mid);
    assert.equal(unauthorized.type, 'retry');
    assert.equal(unauthorized.type === 'retry' && unauthorized.severity, 'error');
  });
});

describe('quiet hours', () => {
  const at = (iso: string) => Date.parse(iso);
  it('uses the chat time zone, wraps midnight, and treats start = end as never', () => {
    const berlin = { timezone: 'Europe/Berlin', quietHours: { start: 22, end: 7 } };
    assert.equal(inQuietHours(berlin, at('2026-01-15T21:30:00Z')).quiet, true); // 22:30 in Berlin
    assert.equal(inQuietHours(berlin, at('2026-01-15T05:59:00Z')).quiet, true); // 06:59
    assert.equal(inQuietHours(berlin, at('2026-01-15T06:00:00Z')).quiet, false); // 07:00
    assert.equal(inQuietHours({ timezone: 'UTC', quietHours: { start: 9, end: 17 } }, at('2026-01-15T12:00:00Z')).quiet, true);
    assert.equal(inQuietHours({ timezone: 'UTC', quietHours: { start: 9, end: 9 } }, at('2026-01-15T09:00:00Z')).quiet, false);
    assert.equal(inQuietHours({ timezone: 'UTC', quietHours: null }, at('2026-01-15T09:00:00Z')).quiet, false);
  });
  it('an unknown zone falls back to UTC and says so', () => {
    const r = inQuietHours({ timezone: 'Mars/Olympus', quietHours: { start: 0, end: 23 } }, at('2026-01-15T10:00:00Z'));
    assert.equal(r.quiet, true);
    assert.match(r.zoneError ?? '', /unknown time zone "Mars\/Olympus"/);
  });
});

describe('message bodies', () => {
  it('names the field of a malformed body, or says it is not JSON', () => {
    assert.match((parseNotificationBody('{"v":1') as { issue: string }).issue, /^not JSON/);
    const wrongChat = parseNotificationBody(JSON.stringify({ ...note(1), chatId: 'abc' }));
    assert.equal(wrongChat.ok, false);
    assert.match((wrongChat as { issue: string }).issue, /^chatId: /);
    const ok = parseNotificationBody(JSON.stringify(note(1)));
    assert.equal(ok.ok, true);
  });
});

/** In-memory doubles of the ports, recording the order of sends. */
function doubles(options: { fail?: (chatId: number, text: string) => Error | undefined; remainingMs?: () => number } = {}) {
  const sent: { chatId: number; text: string; at: number }[] = [];
  const visibility: { handle: string; seconds: number }[] = [];
  const rows = new Map<string, { status: string; reason?: string; progress?: DeliveryProgress }>();
  let active = 0;
  let maxActive = 0;
  const telegram: TelegramPort = {
    async sendMessage(chatId, text) {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      const error = options.fail?.(chatId, text);
      if (error) throw error;
      sent.push({ chatId, text, at: Date.now() });
      return { messageId: sent.length };
    },
    sendPhoto: async () => assert.fail('no photos here'),
    editMessageText: async () => 'edited',
    pinChatMessage: async () => undefined,
    answerCallbackQuery: async () => undefined,
  };
  const deliveries: DeliveryStore = {
    async claim(id): Promise<ClaimResult> {
      const row = rows.get(id);
      if (row?.status === 'sent') return { outcome: 'sent' };
      if (row?.status === 'dropped') return { outcome: 'dropped', reason: row.reason ?? '' };
      rows.set(id, { status: 'sending' });
      return { outcome: 'claimed', attempt: 1, progress: row?.progress };
    },
    recordProgress: async (id, progress) => void rows.set(id, { status: 'sending', progress }),
    markSent: async (id) => void rows.set(id, { status: 'sent' }),
    markDropped: async (id, reason) => void rows.set(id, { status: 'dropped', reason }),
    release: async () => undefined,
    recordMalformed: async (id, d) => void rows.set(`malformed#${id}`, { status: 'dropped', reason: `malformed: ${d.issue}` }),
    get: async () => undefined,
  };
  const users = { get: async () => undefined, deactivate: async () => undefined } as unknown as UserStore;
  const deps: BatchDeps = {
    telegram,
    deliveries,
    limiter: { acquire: async () => ({ ok: true, waitedMs: 0, release: async () => undefined }) },
    users,
    charts: undefined,
    clock: { now: () => Date.now() },
    log: silentLog,
    leaseMs: 60_000,
    backoff: BACKOFF,
    random: mid,
    visibility: { change: async (handle, seconds) => void visibility.push({ handle, seconds }) },
    remainingMs: options.remainingMs ?? (() => 30_000),
    concurrency: 3,
    reserveMs: 1000,
  };
  return { deps, sent, visibility, rows, maxActive: () => maxActive };
}

const record = (body: unknown, i: number): NotifyRecord => ({ messageId: `m${i}`, receiptHandle: `h${i}`, body: typeof body === 'string' ? body : JSON.stringify(body), receiveCount: 1 });

describe('a batch (port doubles)', () => {
  it('keeps SQS order within a chat, runs chats in parallel (bounded), and fails only the failed items', async () => {
    const d = doubles({ fail: (chatId, text) => (chatId === 3 && text.endsWith('#fail') ? new TelegramApiError('502', { failure: 'unavailable', status: 502 }) : undefined) });
    const notes = [note(1, { text: 'a1' }), note(2, { text: 'b1' }), note(1, { text: 'a2' }), note(3, { text: 'c1 #fail' }), note(4, { text: 'd1' }), note(1, { text: 'a3' }), note(5, { text: 'e1' })];
    const report = await runBatch(d.deps, notes.map(record));
    assert.deepEqual(report.failures, ['m3']);
    assert.deepEqual(
      d.sent.filter((s) => s.chatId === 1).map((s) => s.text),
      ['a1', 'a2', 'a3'],
    );
    assert.ok(d.maxActive() > 1 && d.maxActive() <= 3, `max parallel ${d.maxActive()}`);
    assert.deepEqual(d.visibility, [{ handle: 'h3', seconds: 1 }]);
    assert.equal(report.sent, 6);
    assert.equal(report.retried, 1);
  });

  it("after a 429 the chat's later records wait as long, without calling Telegram", async () => {
    let calls = 0;
    const d = doubles({ fail: () => (++calls === 1 ? new TelegramApiError('429', { failure: 'rate-limited', status: 429, retryAfterMs: 5000 }) : undefined) });
    const report = await runBatch(d.deps, [note(9), note(9), note(9)].map(record));
    assert.deepEqual(report.failures, ['m0', 'm1', 'm2']);
    assert.equal(calls, 1);
    assert.ok(d.visibility.every((v) => v.seconds >= 5 && v.seconds <= 6), JSON.stringify(d.visibility));
  });

  it('a malformed body is recorded and is not a failure; near the deadline records are given back', async () => {
    const d = doubles();
    const report = await runBatch(d.deps, [record('{', 0), record({ ...note(1), kind: 'spam' }, 1)]);
    assert.deepEqual(report.failures, []);
    assert.equal(report.dropped['malformed'], 2);
    assert.match(d.rows.get('malformed#m1')?.reason ?? '', /^malformed: kind: /);

    const late = doubles({ remainingMs: () => 500 });
    const lateReport = await runBatch(late.deps, [record(note(1), 0)]);
    assert.deepEqual(lateReport.failures, ['m0']);
    assert.deepEqual(late.visibility, [{ handle: 'h0', seconds: 0 }]);
    assert.equal(late.sent.length, 0);
  });

  it('a redelivered, already sent notification is skipped', async () => {
    const d = doubles();
    const n = note(1);
    await runBatch(d.deps, [record(n, 0)]);
    const again = await runBatch(d.deps, [record(n, 1)]);
    assert.equal(again.duplicates, 1);
    assert.equal(d.sent.length, 1);
  });
});
