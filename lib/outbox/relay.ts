/**
 * The one outbox relay of both transactional outboxes (the scan's signal re-drive,
 * lib/signals/outbox.ts, and the monitor's position-event delivery,
 * lib/portfolio/deliver-events.ts), over the OutboxStore port (lib/ports/outbox.ts):
 *
 * 1. list the PENDING entries whose lease has ended (bounded by `limit`); rows that fail
 *    validation are handed to `corrupt` (quarantined), never delivered;
 * 2. claim each with a conditional lease update: one claimer wins, the others skip it;
 * 3. deliver it (`settle`): complete on success; a transient error leaves it pending under our
 *    lease (the next run after the lease retries); a permanent one parks it as FAILED with the
 *    reason (never re-driven).
 *
 * A delivery may be repeated (a crash between enqueueing and completing): the notification ids
 * are derived from the data, so the consumer drops the second copy.
 */
import { describeError, isTransient } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { OutboxEntry, OutboxStore } from '../ports/outbox.js';

/** What one delivery came to when it did not throw: done, or done but to be parked (e.g. the position could not open). */
export type Delivery<R> = { readonly status: 'delivered'; readonly value: R } | { readonly status: 'park'; readonly reason: string; readonly error: unknown };

export type Settled<R> =
  | { readonly status: 'delivered'; readonly value: R }
  /** A transient error: the entry stays pending under the current lease and is re-driven after it. */
  | { readonly status: 'pending'; readonly error: unknown }
  /** A permanent error: the entry is parked as FAILED with the reason. */
  | { readonly status: 'parked'; readonly error: unknown };

/**
 * Delivers an entry whose lease the caller holds, then completes or parks it. A thrown
 * transient error leaves the entry pending; any other is parked with `describeError(error)`.
 * Throws only when parking itself fails.
 */
export async function settle<T extends OutboxEntry, R>(
  store: Pick<OutboxStore<T, unknown>, 'complete' | 'park'>,
  clock: Clock,
  entry: T,
  deliver: (entry: T) => Promise<Delivery<R>>,
): Promise<Settled<R>> {
  try {
    const delivery = await deliver(entry);
    if (delivery.status === 'park') {
      await store.park(entry, delivery.reason, clock.now());
      return { status: 'parked', error: delivery.error };
    }
    await store.complete(entry, clock.now());
    return { status: 'delivered', value: delivery.value };
  } catch (error) {
    if (isTransient(error)) return { status: 'pending', error };
    await store.park(entry, describeError(error), clock.now());
    return { status: 'parked', error };
  }
}

export interface RelayDeps<T extends OutboxEntry, P> {
  readonly store: OutboxStore<T, P>;
  readonly clock: Clock;
  /** Enqueues the notifications of a claimed entry (throws TransientError when a retry may help). */
  deliver(entry: T): Promise<Delivery<unknown>>;
  /** A listed row that failed validation: quarantine it; true when this call quarantined it. */
  corrupt?(problem: P): Promise<boolean>;
  /** The entry's id in the report (signal id, `<position id>#<kind>`). */
  id(entry: T): string;
  /** Told of each failed delivery as it happens (after parking it when permanent), e.g. to log it. */
  failure?(failure: RelayFailure): void;
}

export interface RelayFailure {
  readonly id: string;
  readonly error: unknown;
  /** true: parked as FAILED for good; false: still pending, retried after the lease. */
  readonly parked: boolean;
}

export interface RelayReport {
  /** Rows listed (valid and corrupt). */
  readonly found: number;
  readonly delivered: number;
  /** The ids of the entries delivered (`id(entry)`), for the log lines. */
  readonly deliveredIds: readonly string[];
  /** Claimed by another invocation first. */
  readonly skipped: number;
  readonly failed: readonly RelayFailure[];
  /** Corrupt rows quarantined by this run. */
  readonly quarantined: number;
  /** Set when the due entries could not be listed: nothing else was attempted (the next run retries). */
  readonly listError?: unknown;
}

/** One pass of the relay over at most `limit` due entries. Never throws for a listing failure (`listError`). */
export async function relayOutbox<T extends OutboxEntry, P>(deps: RelayDeps<T, P>, limit: number): Promise<RelayReport> {
  const { store, clock } = deps;
  let listing: Awaited<ReturnType<typeof store.listDue>>;
  try {
    listing = await store.listDue(clock.now(), limit);
  } catch (error) {
    return { found: 0, delivered: 0, deliveredIds: [], skipped: 0, failed: [], quarantined: 0, listError: error };
  }
  let quarantined = 0;
  for (const problem of listing.corrupt) if (deps.corrupt && (await deps.corrupt(problem))) quarantined++;
  const deliveredIds: string[] = [];
  let skipped = 0;
  const failed: RelayFailure[] = [];
  for (const entry of listing.entries) {
    const claimed = await store.claim(entry, clock.now());
    if (!claimed) {
      skipped++;
      continue;
    }
    const result = await settle(store, clock, claimed, deps.deliver);
    if (result.status === 'delivered') deliveredIds.push(deps.id(entry));
    else {
      const failure: RelayFailure = { id: deps.id(entry), error: result.error, parked: result.status === 'parked' };
      failed.push(failure);
      deps.failure?.(failure);
    }
  }
  return { found: listing.entries.length + listing.corrupt.length, delivered: deliveredIds.length, deliveredIds, skipped, failed, quarantined };
}
