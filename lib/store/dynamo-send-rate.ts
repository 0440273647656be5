import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsErrorName, translateAwsError } from '../aws/errors.js';
import type { SendRateLimiter, SlotResult } from '../notify/delivery-ports.js';
import { systemClock, type Clock } from '../ports/clock.js';

export interface DynamoSendRateOptions {
  readonly client: DynamoDBDocumentClient;
  /** StateTable. */
  readonly table: string;
  /** At most one message per chat per this many ms. */
  readonly perChatIntervalMs: number;
  /** Sustained global budget (messages per second). */
  readonly globalPerSecond: number;
  /**
   * Length of one global window (default 100 ms). The windows share the per-second budget
   * (25/s, 100 ms → 2, 3, 2, 3, … messages), so the rate is `globalPerSecond` sustained and any
   * sliding second (at most 11 windows) sees at most globalPerSecond + 3: 28 for 25/s, under
   * Telegram's ~30/s even when arrival times jitter.
   */
  readonly windowMs?: number;
  /**
   * A chat slot is reserved for `interval + margin`, and the caller only sends if the slot's
   * writes answered within the margin (else the slot is moved to now, up to 3 times). The
   * margin is at least this (default 100 ms) and twice the recent DynamoDB round trip, so two
   * sends to one chat stay ≥ interval apart even when DynamoDB answers slowly.
   */
  readonly latencyMarginMs?: number;
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Slot rows live a little longer than they matter, then DynamoDB TTL removes them. */
const ROW_TTL_MS = 3_600_000;
/** Re-anchors of one chat slot before giving the record back. */
const MAX_REANCHORS = 3;

/**
 * Telegram send-rate slots in StateTable, shared by every concurrent notify invocation (not
 * just one process):
 *
 * - per chat, row `rate#chat#<id>` holds `nextAt`, the earliest time the chat's next message may
 *   go out. Taking the slot is one conditional UpdateItem
 *   `SET nextAt = :now + interval IF attribute_not_exists(nextAt) OR nextAt <= :now`; of several
 *   concurrent takers exactly one wins, the others wait until `nextAt` and try again.
 * - globally, rows `rate#global#<window start>` count sends in fixed windows with
 *   `ADD n :1 IF attribute_not_exists(n) OR n < :budget`; a full window sends the caller to
 *   the next one.
 *
 * The chat slot is taken first, then a global one. If waiting for the global window delayed
 * the send, the chat slot is moved to (send time + interval) with a condition on the value we
 * wrote, so the spacing between two sends to one chat is measured from the actual send.
 * Clocks: the slots compare each invocation's own clock with the stored times; Lambda hosts are
 * NTP-synchronised to a few ms, well inside the interval.
 */
export function createDynamoSendRateLimiter(options: DynamoSendRateOptions): SendRateLimiter {
  const { client, table, perChatIntervalMs: interval } = options;
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const windowMs = options.windowMs ?? 100;
  const minMargin = options.latencyMarginMs ?? 100;
  /** Recent DynamoDB round trips (decaying maximum): the margin grows when DynamoDB is slow. */
  let observedMs = 0;
  const observe = (since: number) => {
    observedMs = Math.max(clock.now() - since, observedMs * 0.8);
  };
  const currentMargin = () => Math.max(minMargin, Math.ceil(2 * observedMs));
  /** How long a slot taken at `at` keeps the chat for us. */
  const hold = (at: number, margin: number) => at + interval + margin;
  const rate = options.globalPerSecond;
  /** Budget of window `w` (absolute index); integer arithmetic, the budgets add up to rate × seconds. */
  const budget = (w: number) => Math.floor(((w + 1) * windowMs * rate) / 1000) - Math.floor((w * windowMs * rate) / 1000);
  const ttl = (at: number) => Math.floor((at + ROW_TTL_MS) / 1000);

  /**
   * Sets the chat's nextAt to `hold(at, margin)` when `condition` holds. Returns undefined when
   * written, else the stored row (AttributeValue form) that failed the condition.
   */
  async function writeChatSlot(
    chatId: number,
    at: number,
    margin: number,
    condition: string,
    values: Record<string, number>,
    label: string,
  ): Promise<{ nextAt?: { N?: string } } | undefined> {
    try {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: `rate#chat#${chatId}` },
          UpdateExpression: 'SET nextAt = :next, expiresAt = :exp',
          ConditionExpression: condition,
          ExpressionAttributeValues: { ...values, ':next': hold(at, margin), ':exp': ttl(hold(at, margin)) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      observe(at);
      return undefined;
    } catch (error) {
      observe(at);
      if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw translateAwsError(error, label);
      return (error as { Item?: { nextAt?: { N?: string } } }).Item ?? {};
    }
  }

  /** True when taken; otherwise the stored nextAt. */
  async function takeChat(chatId: number, now: number, margin: number): Promise<{ taken: true } | { taken: false; nextAt: number }> {
    const old = await writeChatSlot(chatId, now, margin, 'attribute_not_exists(nextAt) OR nextAt <= :now', { ':now': now }, `take send slot of chat ${chatId}`);
    if (old === undefined) return { taken: true };
    const raw = old.nextAt?.N;
    return { taken: false, nextAt: raw !== undefined ? Number(raw) : hold(now, margin) };
  }

  /** Moves our chat slot (nextAt = `mine`) to `hold(at, margin)`; false when someone took the chat after our slot. */
  async function reanchor(chatId: number, mine: number, at: number, margin: number): Promise<boolean> {
    return (await writeChatSlot(chatId, at, margin, 'nextAt = :mine', { ':mine': mine }, `re-anchor send slot of chat ${chatId}`)) === undefined;
  }

  /** The slot's position (1-based) in the window, or 0 when the window is full. */
  async function takeGlobal(window: number, now: number): Promise<number> {
    const limit = budget(window);
    if (limit <= 0) return 0;
    try {
      const out = await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: `rate#global#${window * windowMs}` },
          UpdateExpression: 'SET expiresAt = :exp ADD n :one',
          ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':exp': ttl(now) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const n = out.Attributes?.['n'];
      return typeof n === 'number' && n > 0 ? n : 1;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return 0;
      throw translateAwsError(error, 'take global send slot');
    }
  }

  /**
   * Takes a global slot, waiting window by window. Returns the slot's time (the window's start
   * plus its position × windowMs / budget: sends are spread evenly, not bunched at the window
   * start), or the wait that would pass the deadline.
   */
  async function takeGlobalBefore(deadline: number): Promise<{ at: number } | { retryAfterMs: number }> {
    for (;;) {
      const now = clock.now();
      const window = Math.floor(now / windowMs);
      const position = await takeGlobal(window, now);
      if (position > 0) return { at: window * windowMs + ((position - 1) * windowMs) / Math.max(1, budget(window)) };
      const wait = Math.max(1, (window + 1) * windowMs - now);
      // The chat slot taken before stays unused: it only delays that chat by one interval.
      if (now + wait > deadline) return { retryAfterMs: wait };
      await sleep(wait);
    }
  }

  let tail: Promise<unknown> = Promise.resolve();
  /** Runs `fn` after every earlier caller's `fn` of this limiter instance has finished. */
  function gate<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  }

  return {
    async acquire(chatId, maxWaitMs): Promise<SlotResult> {
      const start = clock.now();
      const deadline = start + Math.max(0, maxWaitMs);
      for (;;) {
        // 1. The chat's slot.
        let now = clock.now();
        let chatTakenAt = now;
        let margin = currentMargin();
        for (;;) {
          margin = currentMargin();
          const took = await takeChat(chatId, now, margin);
          if (took.taken) {
            chatTakenAt = now;
            break;
          }
          const wait = Math.max(1, took.nextAt - now);
          if (now + wait > deadline) return { ok: false, retryAfterMs: wait };
          await sleep(wait);
          now = clock.now();
        }
        // 2. A global slot. One caller per process contends at a time (FIFO gate), so the
        //    table sees at most one conditional write per window per invocation, not a storm.
        const global = await gate(() => takeGlobalBefore(deadline));
        if ('retryAfterMs' in global) return { ok: false, retryAfterMs: global.retryAfterMs };
        const early = global.at - clock.now();
        if (early > 0) await sleep(early);
        // 3. Send only while our chat slot still covers now: the next taker's `now` is at least
        //    anchor + interval + margin, so ≥ interval after our send. A slow answer (global
        //    wait, DynamoDB latency) moves the slot to now first.
        let anchor = chatTakenAt;
        let ours = true;
        for (let i = 0; ours; i++) {
          now = clock.now();
          if (now - anchor <= margin) return { ok: true, waitedMs: now - start };
          if (i >= MAX_REANCHORS || now >= deadline) return { ok: false, retryAfterMs: interval };
          const next = currentMargin();
          ours = await reanchor(chatId, hold(anchor, margin), now, next);
          anchor = now;
          margin = next;
        }
        // Someone took the chat while we waited (wait > interval): start again.
      }
    },
  };
}
