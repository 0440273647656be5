/**
 * Ports of the notify consumer (issue 4). DynamoDB adapters in lib/store/deliveries/deliveries.ts,
 * lib/store/state/send-rate.ts and chart-files.ts; the SQS visibility adapter in lib/queue/sqs-visibility.ts.
 */

/** Which sequence of Telegram calls a delivery uses; fixed by the first part sent. */
export type DeliveryPlan = 'text' | 'photo' | 'dashboard';

/** Parts already sent by an earlier attempt, so a retry resumes at the next part. */
export interface DeliveryProgress {
  readonly plan: DeliveryPlan;
  readonly partsSent: number;
  readonly messageIds: readonly number[];
}

export type ClaimResult =
  /** This worker owns the delivery until the lease ends; `attempt` counts claims (1 = first). */
  | { readonly outcome: 'claimed'; readonly attempt: number; readonly progress: DeliveryProgress | undefined }
  /** Already sent: a redelivery, do not send again. */
  | { readonly outcome: 'sent' }
  /** Already dropped with `reason`: nothing more to do. */
  | { readonly outcome: 'dropped'; readonly reason: string }
  /** Another worker holds the lease: try again later, do not send. */
  | { readonly outcome: 'busy'; readonly leaseUntil: number };

export interface DeliveryRecord {
  readonly id: string;
  readonly status: 'sending' | 'sent' | 'dropped';
  readonly attempts: number;
  readonly leaseUntil?: number;
  readonly reason?: string;
  readonly chatId?: number;
  readonly progress?: DeliveryProgress;
  readonly sentAt?: number;
}

/**
 * One row per notification id (DeliveriesTable). The `sent` status is the marker that stops an
 * SQS redelivery from sending twice. The window that remains: a crash (or lost response)
 * between Telegram accepting a message and `markSent`/`recordProgress` succeeding resends that
 * part once the lease has expired — at-least-once, never lost.
 */
export interface DeliveryStore {
  /**
   * Conditional write: succeeds when there is no row, or the row is `sending` with an expired
   * lease (the previous attempt crashed or released it). Increments `attempts`.
   */
  claim(id: string, chatId: number, now: number, leaseMs: number): Promise<ClaimResult>;
  /** Records the parts sent so far (only while `sending`). */
  recordProgress(id: string, progress: DeliveryProgress, now: number): Promise<void>;
  /** `sending` → `sent`. Idempotent: an already sent row stays as it is. */
  markSent(id: string, now: number, detail: { readonly messageIds: readonly number[] }): Promise<void>;
  /** `sending` → `dropped` with its reason (no retry). */
  markDropped(id: string, reason: string, now: number): Promise<void>;
  /** Ends the lease at once (transient failure), so the next receive can claim immediately. */
  release(id: string): Promise<void>;
  /** A body that is not a valid notification: row `malformed#<SQS message id>`, status dropped. */
  recordMalformed(sqsMessageId: string, detail: { readonly issue: string; readonly body: string }, now: number): Promise<void>;
  get(id: string): Promise<DeliveryRecord | undefined>;
}

export type SlotResult =
  | {
      readonly ok: true;
      readonly waitedMs: number;
      /** Call when the send has finished (success or not): the chat's next send may go one interval later. */
      release(): Promise<void>;
    }
  | { readonly ok: false; readonly retryAfterMs: number };

/**
 * Telegram send-rate slots shared by every concurrent notify invocation (StateTable):
 * one message per chat per interval, and a global per-window budget.
 */
export interface SendRateLimiter {
  /**
   * Waits (sleeping) for the chat's slot and then a global one. Gives up without taking anything
   * when the wait would exceed `maxWaitMs`, answering when it is worth trying again.
   */
  acquire(chatId: number, maxWaitMs: number): Promise<SlotResult>;
}

/** Telegram file ids of uploaded charts by source id (StateTable `chart#<sourceId>`, TTL). */
export interface ChartFileCache {
  get(sourceId: string): Promise<string | undefined>;
  put(sourceId: string, fileId: string, now: number): Promise<void>;
}

/** Changes when a received SQS message becomes visible again (its retry delay). */
export interface MessageVisibility {
  change(receiptHandle: string, seconds: number): Promise<void>;
}
