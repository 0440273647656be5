import type { Signal } from '../core/signal.js';
import type { OutboxStore } from './outbox.js';

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
 * together with its PENDING outbox marker; the marker is cleared (`complete`) only after every
 * notification was enqueued. The outbox operations (list due, claim, complete, park, backlog)
 * are the shared OutboxStore's; a corrupt row fails the listing (no `corrupt` entries).
 */
export interface SignalStore extends OutboxStore<PendingSignal> {
  /** Writes the signal if no row has its id. The caller then holds the outbox lease. */
  record(signal: Signal, recipients: readonly number[], now: number): Promise<RecordResult>;
  get(signalId: string): Promise<{ signal: Signal; pending: boolean } | undefined>;
}
