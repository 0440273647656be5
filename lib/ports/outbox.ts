/**
 * The transactional-outbox port shared by the signal outbox (SignalsTable) and the
 * position-event outbox (PositionsTable). A row carries an `outbox = PENDING` marker and a
 * lease (`leaseUntil`, epoch ms) until its notifications are on the queue; the relay
 * (lib/outbox/relay.ts) lists the rows whose lease has ended, claims each with a conditional
 * lease update (one claimer wins), delivers, then completes or parks it. The DynamoDB adapter
 * is lib/store/dynamo/outbox.ts.
 */

/** What every outbox entry carries: the end of the current lease (epoch ms). */
export interface OutboxEntry {
  /** Whoever holds the lease delivers the entry; others leave it alone until it has ended. */
  readonly leaseUntil: number;
}

/** One listing of the due entries; rows that fail validation come apart (the caller reports them). */
export interface OutboxListing<T, P> {
  readonly entries: readonly T[];
  readonly corrupt: readonly P[];
}

/** Rows still PENDING long after their lease ended (health): a bounded count and the oldest. */
export interface OutboxBacklog {
  /** Rows whose lease ended at or before the cutoff, counted up to the read's limit. */
  readonly overdue: number;
  /** The read stopped at its limit: there may be more. */
  readonly truncated: boolean;
  /** Lease end of the oldest such row (epoch ms); null when there is none. */
  readonly oldestLeaseUntil: number | null;
}

/**
 * A transactional outbox. `T` is the entry the relay delivers, `P` a row that failed
 * validation (stores that fail the whole listing on a corrupt row use `never`).
 */
export interface OutboxStore<T extends OutboxEntry, P = never> {
  /** PENDING entries whose lease has ended (leaseUntil ≤ now), oldest lease first, at most `limit`. */
  listDue(now: number, limit: number): Promise<OutboxListing<T, P>>;
  /** Takes over a due entry with a conditional lease update; undefined when someone else took (or finished) it first. */
  claim(entry: T, now: number): Promise<T | undefined>;
  /** Clears the outbox marker: every notification of the entry is on the queue. */
  complete(entry: T, now: number): Promise<void>;
  /**
   * `complete` for several entries, in as few requests as the store can (DynamoDB: one
   * transaction per 100). Same outcome as completing each; optional (callers fall back to `complete`).
   */
  completeAll?(entries: readonly T[], now: number): Promise<void>;
  /** Parks the entry as FAILED with the reason (a permanent error: re-driving cannot help). Never re-driven. */
  park(entry: T, reason: string, now: number): Promise<void>;
  /** Health: PENDING rows whose lease ended at or before `cutoff`, bounded by `limit`. */
  backlog(cutoff: number, limit: number, signal?: AbortSignal): Promise<OutboxBacklog>;
}
