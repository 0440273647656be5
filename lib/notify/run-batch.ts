import { asCandlebotError, describeError } from '../errors.js';
import { deliver } from './deliver.js';
import { notificationFields, type DeliverDeps, type DeliverOutcome } from './deliver-context.js';
import type { MessageVisibility } from '../ports/delivery.js';
import type { Notification } from '../core/notification.js';
import { parseNotificationBody } from './parse-body.js';

/** One SQS record as the notify consumer needs it. */
export interface NotifyRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  /** SQS ApproximateReceiveCount (1 on the first receive). */
  readonly receiveCount: number;
}

export interface BatchDeps extends Omit<DeliverDeps, 'maxWaitMs'> {
  readonly visibility: MessageVisibility;
  readonly remainingMs: () => number;
  /** Chats handled in parallel (the same chat is always sequential, in SQS order). */
  readonly concurrency: number;
  /** Stop starting records (give them back) when less than this much time is left. */
  readonly reserveMs: number;
}

export interface BatchReport {
  readonly received: number;
  readonly sent: number;
  readonly duplicates: number;
  /** Drops by reason class (`blocked`, `chat-not-found`, `bad-request`, `inactive`, `malformed`). */
  readonly dropped: Readonly<Record<string, number>>;
  readonly retried: number;
  readonly givenBack: number;
  readonly rateWaitMs: number;
  /** SQS message ids to report as batch item failures. */
  readonly failures: readonly string[];
}

/** SQS allows visibility timeouts up to 12 hours. */
const MAX_VISIBILITY_S = 43_200;

/**
 * Handles one SQS batch: validates each body (malformed → recorded and dropped, never a batch
 * failure), delivers records of different chats in parallel (bounded) and the records of one
 * chat one after the other, and returns the failed items only — each with its retry delay
 * already set as the message's visibility. Successes are left for the event source to delete.
 */
export async function runBatch(deps: BatchDeps, records: readonly NotifyRecord[]): Promise<BatchReport> {
  const { log } = deps;
  const failures: string[] = [];
  const dropped: Record<string, number> = {};
  let sent = 0;
  let duplicates = 0;
  let retried = 0;
  let givenBack = 0;
  let rateWaitMs = 0;
  const deliverDeps: DeliverDeps = { ...deps, maxWaitMs: () => Math.max(0, deps.remainingMs() - deps.reserveMs) };

  const fail = async (record: NotifyRecord, delayMs: number): Promise<void> => {
    failures.push(record.messageId);
    const seconds = Math.min(MAX_VISIBILITY_S, Math.max(0, Math.ceil(delayMs / 1000)));
    try {
      await deps.visibility.change(record.receiptHandle, seconds);
    } catch (error) {
      // The message still comes back, after the queue's visibility timeout.
      log.warn('could not set the retry delay of a message', { messageId: record.messageId, seconds, code: asCandlebotError(error).code, error: describeError(error) });
    }
  };

  const groups = new Map<number, { record: NotifyRecord; n: Notification }[]>();
  for (const record of records) {
    const parsed = parseNotificationBody(record.body);
    if (parsed.ok) {
      const group = groups.get(parsed.notification.chatId) ?? [];
      group.push({ record, n: parsed.notification });
      groups.set(parsed.notification.chatId, group);
      continue;
    }
    try {
      await deps.deliveries.recordMalformed(record.messageId, { issue: parsed.issue, body: record.body }, deps.clock.now());
      dropped['malformed'] = (dropped['malformed'] ?? 0) + 1;
      log.error(`malformed notification dropped: SQS message ${record.messageId}: ${parsed.issue}`, { messageId: record.messageId, code: 'NOTIFICATION_MALFORMED', reason: 'malformed', bodyLength: record.body.length });
    } catch (error) {
      log.error('malformed notification could not be recorded; will retry', { messageId: record.messageId, issue: parsed.issue, code: asCandlebotError(error).code, error: describeError(error) });
      retried++;
      await fail(record, deps.backoff.baseMs);
    }
  }

  const count = (outcome: DeliverOutcome): void => {
    if (outcome.type === 'sent') {
      sent++;
      rateWaitMs += outcome.rateWaitMs;
    } else if (outcome.type === 'duplicate') duplicates++;
    else if (outcome.type === 'dropped') {
      const cls = /^[a-z-]+/.exec(outcome.reason)?.[0] ?? 'other';
      dropped[cls] = (dropped[cls] ?? 0) + 1;
    } else retried++;
  };

  const runGroup = async (items: readonly { record: NotifyRecord; n: Notification }[]): Promise<void> => {
    let holdMs: number | undefined; // after a 429 the chat's remaining records wait as long
    for (const { record, n } of items) {
      if (holdMs !== undefined) {
        retried++;
        await fail(record, holdMs);
        continue;
      }
      if (deps.remainingMs() < deps.reserveMs) {
        givenBack++;
        log.info('invocation nearly out of time; giving the message back', { messageId: record.messageId, ...notificationFields(n) });
        await fail(record, 0);
        continue;
      }
      const outcome = await deliver(deliverDeps, n, record.receiveCount);
      count(outcome);
      if (outcome.type === 'retry') {
        await fail(record, outcome.delayMs);
        if (outcome.rateLimited) holdMs = outcome.delayMs;
      }
    }
  };

  const queue = [...groups.values()];
  const workers = Array.from({ length: Math.max(1, Math.min(deps.concurrency, queue.length)) }, async () => {
    for (let items = queue.shift(); items; items = queue.shift()) await runGroup(items);
  });
  await Promise.all(workers);
  return { received: records.length, sent, duplicates, dropped, retried, givenBack, rateWaitMs, failures };
}
