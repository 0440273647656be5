import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SendRateLimiter, SlotResult } from '../../ports/delivery.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import { defaultCorruptRowReporter, type CorruptRowReporter } from '../../aws/corrupt-rows.js';
import { send } from '../dynamo/send.js';

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
   * How long a taken chat slot is held at most when its sender never releases it (crash,
   * lost answer): longer than a Bot API call may take (the adapter's timeout, 10 s), so a
   * live sender always releases first. Default 15 s.
   */
  readonly leaseMs?: number;
  /** While another sender holds the chat, look again after at most this long (default 200 ms). */
  readonly pollMs?: number;
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where a slot row that fails validation is reported (default: log once + metric). */
  readonly corruptRows?: CorruptRowReporter;
}

/** Slot rows live a little longer than they matter, then DynamoDB TTL removes them. */
const ROW_TTL_MS = 3_600_000;
/** Clock difference between invocations tolerated when judging a stored nextAt. */
const CLOCK_SLACK_MS = 60_000;

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
 * The chat slot is taken first, then a global one. The chat slot is a lease held until the
 * send has finished: `release()` then sets `nextAt = finish + interval`. The next sender to the
 * chat can only start after that, so two messages to one chat reach Telegram at least `interval`
 * apart however long a send or a wait takes (an earlier design measured the interval from the
 * slot's write and let a slow sender's message arrive < interval before the next one under CPU
 * load). A sender that dies holding the lease blocks its chat for at most `leaseMs`.
 * Clocks: the slots compare each invocation's own clock with the stored times; Lambda hosts are
 * NTP-synchronised to a few ms, well inside the interval.
 *
 * A chat row whose `nextAt` is not a number, or lies further ahead than any sender can set it
 * (lease + interval + a minute of clock slack), is corrupt: reported (`corruptRows`) and taken
 * over as if absent, so it cannot silence a chat. A global window row of the wrong type or
 * count fails its condition and reads as a full window: the sender moves on to the next 100 ms
 * window (every window is a new row), so no repair is needed there.
 */
export function createDynamoSendRateLimiter(options: DynamoSendRateOptions): SendRateLimiter {
  const { client, table, perChatIntervalMs: interval } = options;
  const corruptRows = options.corruptRows ?? defaultCorruptRowReporter();
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const windowMs = options.windowMs ?? 100;
  const leaseMs = options.leaseMs ?? 15_000;
  const pollMs = options.pollMs ?? 200;
  const rate = options.globalPerSecond;
  /** Budget of window `w` (absolute index); integer arithmetic, the budgets add up to rate × seconds. */
  const budget = (w: number) => Math.floor(((w + 1) * windowMs * rate) / 1000) - Math.floor((w * windowMs * rate) / 1000);
  const ttl = (at: number) => Math.floor((at + ROW_TTL_MS) / 1000);

  /** One conditional write of the chat's `nextAt`; undefined when written, else the stored row. */
  async function writeChatSlot(chatId: number, nextAt: number, condition: string, values: Record<string, number | string>, label: string): Promise<Record<string, unknown> | undefined> {
    const out = await send(
      client,
      {
        Update: {
          TableName: table,
          Key: { pk: `rate#chat#${chatId}` },
          UpdateExpression: 'SET nextAt = :next, expiresAt = :exp',
          ConditionExpression: condition,
          ExpressionAttributeValues: { ...values, ':next': nextAt, ':exp': ttl(nextAt) },
        },
      },
      label,
    );
    return out.ok ? undefined : (out.old ?? {});
  }

  /** Why a stored chat row (as returned by a failed condition) cannot be a real slot, or undefined. */
  function slotProblem(old: Record<string, unknown>, far: number): string | undefined {
    const nextAt = old['nextAt'];
    if (typeof nextAt !== 'number') return `nextAt is not a number (got ${JSON.stringify(nextAt ?? null)})`;
    if (!Number.isFinite(nextAt)) return `nextAt ${nextAt} is not finite`;
    if (nextAt > far) return `nextAt ${nextAt} is beyond any lease (${far})`;
    return undefined;
  }

  /** Takes the chat's lease (nextAt = now + leaseMs) when its nextAt has passed; otherwise the stored nextAt. */
  async function takeChat(chatId: number, now: number): Promise<{ taken: true; lease: number } | { taken: false; nextAt: number }> {
    const lease = now + leaseMs;
    const label = `take send slot of chat ${chatId}`;
    let old = await writeChatSlot(chatId, lease, 'attribute_not_exists(nextAt) OR nextAt <= :now', { ':now': now }, label);
    if (old === undefined) return { taken: true, lease };
    const far = now + leaseMs + interval + CLOCK_SLACK_MS;
    const problem = slotProblem(old, far);
    if (problem !== undefined) {
      corruptRows.corrupt({ kind: 'send-rate', table, key: `rate#chat#${chatId}`, reason: problem });
      // Taken as if absent; the condition still lets a sender that repaired the row first win.
      old = await writeChatSlot(
        chatId,
        lease,
        'attribute_not_exists(nextAt) OR NOT attribute_type(nextAt, :number) OR nextAt <= :now OR nextAt > :far',
        { ':now': now, ':number': 'N', ':far': far },
        label,
      );
      if (old === undefined) return { taken: true, lease };
      if (slotProblem(old, far) !== undefined) return { taken: false, nextAt: now + pollMs };
    }
    return { taken: false, nextAt: old['nextAt'] as number };
  }

  /**
   * Ends our lease: the chat's next message may go at `from + interval`. Conditional on the
   * lease still being ours (it expired and another sender took the chat: nothing to do).
   */
  async function releaseChat(chatId: number, lease: number, from: number): Promise<void> {
    await writeChatSlot(chatId, from + interval, 'nextAt = :lease', { ':lease': lease }, `release send slot of chat ${chatId}`);
  }

  /** The slot's position (1-based) in the window, or 0 when the window is full. */
  async function takeGlobal(window: number, now: number): Promise<number> {
    const limit = budget(window);
    if (limit <= 0) return 0;
    const out = await send(
      client,
      {
        Update: {
          TableName: table,
          Key: { pk: `rate#global#${window * windowMs}` },
          UpdateExpression: 'SET expiresAt = :exp ADD n :one',
          ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':exp': ttl(now) },
          ReturnValues: 'UPDATED_NEW',
        },
      },
      'take global send slot',
    );
    if (!out.ok) return 0;
    const n = out.attributes?.['n'];
    return typeof n === 'number' && n > 0 ? n : 1;
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
      // 1. The chat's lease. While another sender holds it, look again every pollMs (it
      //    usually releases within one send); give up when the wait would pass the deadline.
      let now = clock.now();
      let lease: number;
      for (;;) {
        const took = await takeChat(chatId, now);
        if (took.taken) {
          lease = took.lease;
          break;
        }
        const wait = Math.max(1, Math.min(took.nextAt - now, pollMs));
        if (now + wait > deadline) return { ok: false, retryAfterMs: Math.max(wait, Math.min(took.nextAt - now, interval)) };
        await sleep(wait);
        now = clock.now();
      }
      // 2. A global slot. One caller per process contends at a time (FIFO gate), so the
      //    table sees at most one conditional write per window per invocation, not a storm.
      //    (If DynamoDB fails here the error propagates and the unused lease expires after leaseMs.)
      const global = await gate(() => takeGlobalBefore(deadline));
      if ('retryAfterMs' in global) {
        // Nothing was sent: the chat is free again at once (its last send was ≥ interval ago).
        await releaseChat(chatId, lease, clock.now() - interval);
        return { ok: false, retryAfterMs: global.retryAfterMs };
      }
      const early = global.at - clock.now();
      if (early > 0) await sleep(early);
      const taken = lease;
      return { ok: true, waitedMs: clock.now() - start, release: () => releaseChat(chatId, taken, clock.now()) };
    },
  };
}
