import type { Signal } from '../core/signal.js';

/** A recorded signal whose notifications have not all been enqueued yet. */
export interface PendingSignal {
  readonly signal: Signal;
  readonly recipients: readonly number[];
  readonly createdAt: number;
  /** Lease held by whoever is enqueuing; others leave it alone until it passes. */
  readonly leaseUntil: number;
}

export type RecordResult = { readonly status: 'recorded'; readonly pending: PendingSignal } | { readonly status: 'duplicate' };

/**
 * Signal store with a transactional outbox: a signal row is written once (conditional put)
 * together with its PENDING outbox marker; the marker is cleared only after every
 * notification was enqueued.
 */
export interface SignalStore {
  /** Writes the signal if no row has its id. The caller then holds the outbox lease. */
  record(signal: Signal, recipients: readonly number[], now: number): Promise<RecordResult>;
  /** Outbox rows whose lease has passed (a run died or failed before finishing), oldest first. */
  listStalePending(now: number, limit: number): Promise<PendingSignal[]>;
  /** Takes over a stale outbox row; false when someone else took (or finished) it first. */
  claim(pending: PendingSignal, now: number): Promise<PendingSignal | undefined>;
  /** Clears the outbox marker: every notification of the signal is on the queue. */
  complete(signalId: string, now: number): Promise<void>;
  /** Parks the outbox row as FAILED with its reason (a permanent error: re-driving cannot help). */
  fail(signalId: string, reason: string, now: number): Promise<void>;
  get(signalId: string): Promise<{ signal: Signal; pending: boolean } | undefined>;
}
