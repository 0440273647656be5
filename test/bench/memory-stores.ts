/**
 * In-memory signal store, queue, breaker and heartbeat for the scan benchmark's "no AWS"
 * variant: the same scan with the AWS SDK out of the picture, so (full − no AWS) is what the
 * DynamoDB/SQS calls cost. Minimal semantics (create-if-absent, outbox marker), no I/O.
 */
import type { NotificationQueue } from '../../lib/ports/queue.js';
import type { PendingSignal, SignalStore } from '../../lib/ports/signals.js';
import type { BreakerStore, HeartbeatStore, ScanHeartbeat } from '../../lib/ports/state.js';

export interface MemoryStores {
  readonly signals: SignalStore;
  readonly queue: NotificationQueue & { readonly sent: number };
  readonly breaker: BreakerStore;
  readonly heartbeat: HeartbeatStore;
}

export function memoryStores(): MemoryStores {
  const rows = new Map<string, PendingSignal & { pending: boolean }>();
  const heartbeats = new Map<string, ScanHeartbeat>();
  let sent = 0;
  const closed = { state: 'closed', failures: 0, openUntil: 0 } as const;
  return {
    signals: {
      async record(signal, recipients, now) {
        if (rows.has(signal.id)) return { status: 'duplicate' };
        const pending = { signal, recipients: [...recipients], createdAt: now, leaseUntil: now + 60_000 };
        rows.set(signal.id, { ...pending, pending: true });
        return { status: 'recorded', pending };
      },
      async listDue(now, limit) {
        return { entries: [...rows.values()].filter((r) => r.pending && r.leaseUntil <= now).slice(0, limit), corrupt: [] };
      },
      async claim(pending) {
        return pending;
      },
      async complete(pending) {
        const row = rows.get(pending.signal.id);
        if (row) row.pending = false;
      },
      async park(pending) {
        const row = rows.get(pending.signal.id);
        if (row) row.pending = false;
      },
      async backlog(cutoff, limit) {
        const overdue = [...rows.values()].filter((r) => r.pending && r.leaseUntil <= cutoff).sort((a, b) => a.leaseUntil - b.leaseUntil);
        return { overdue: Math.min(overdue.length, limit), truncated: overdue.length > limit, oldestLeaseUntil: overdue[0]?.leaseUntil ?? null };
      },
      async get(signalId) {
        const row = rows.get(signalId);
        return row && { signal: row.signal, pending: row.pending };
      },
    },
    queue: {
      get sent() {
        return sent;
      },
      async send(notifications) {
        sent += notifications.length;
      },
    },
    breaker: {
      acquire: async () => ({ allowed: true, trial: false }),
      recordSuccess: async () => {},
      recordFailure: async () => closed,
      read: async () => closed,
    },
    heartbeat: {
      async put(h) {
        heartbeats.set(h.timeframe, h);
      },
      async get(tf) {
        return heartbeats.get(tf);
      },
    },
  };
}
