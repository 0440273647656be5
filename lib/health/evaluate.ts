/**
 * Pure health evaluation (GET /health and /status). Rules:
 *
 * - Scans, per configured timeframe: age = now − completedAt of the last completed scan
 *   (heartbeat `scan#<tf>`). ok while age ≤ 2 × timeframe, degraded while ≤ 4 ×, down beyond.
 *   Never ran since deploy (no heartbeat) → degraded `no scan yet`. While the admin has paused
 *   scanning, a stale scan is at worst degraded (`scanning paused`): the pause is deliberate.
 * - Exchanges: a circuit breaker that is open or half-open → degraded.
 * - Notification queue: a backlog (visible + in flight) above `backlogThreshold` → degraded.
 * - Dead-letter queue: any message (visible + in flight > 0) → degraded: it needs a human.
 * - Outboxes (signals, position events): a row still PENDING more than the outbox's threshold
 *   after its lease ended (its re-drive is not keeping up, or keeps failing) → degraded, saying
 *   how many (a bounded read: `N+` when it stopped at its limit) and how long the oldest waits.
 * - A probe that failed or timed out → degraded, with its error code (never its message: AWS
 *   messages can name tables).
 * - Overall status = the worst component status.
 */
import { timeframeMs, type Timeframe } from '../core/timeframe.js';
import type { OutboxBacklog } from '../ports/outbox.js';
import type { QueueDepth } from '../ports/queue.js';
import type { BreakerState, ScanHeartbeat } from '../ports/state.js';

export type HealthStatus = 'ok' | 'degraded' | 'down';

const RANK: Readonly<Record<HealthStatus, number>> = { ok: 0, degraded: 1, down: 2 };

export function worst(statuses: Iterable<HealthStatus>): HealthStatus {
  let result: HealthStatus = 'ok';
  for (const s of statuses) if (RANK[s] > RANK[result]) result = s;
  return result;
}

/** Outcome of one bounded read: the value, or the error code that stopped it. */
export type Probe<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: string };

export interface HealthInput {
  readonly now: number;
  readonly version: string;
  readonly backlogThreshold: number;
  readonly scans: readonly { readonly timeframe: Timeframe; readonly heartbeat: Probe<ScanHeartbeat | undefined> }[];
  readonly exchanges: readonly { readonly id: string; readonly breaker: Probe<BreakerState> }[];
  readonly openPositions: Probe<number>;
  readonly control: Probe<{ readonly scanningPaused: boolean; readonly tradingPaused: boolean }>;
  readonly queue: Probe<QueueDepth>;
  readonly deadLetterQueue: Probe<QueueDepth>;
  /** The outboxes probed (absent or empty: none). */
  readonly outboxes?: readonly OutboxInput[];
}

export type OutboxName = 'signals' | 'position events';

export interface OutboxInput {
  readonly name: OutboxName;
  /** How long after its lease ended a PENDING row may wait before the outbox counts as degraded. */
  readonly thresholdMs: number;
  /** Rows whose lease ended at or before now − thresholdMs. */
  readonly backlog: Probe<OutboxBacklog>;
}

export interface ScanHealth {
  readonly timeframe: Timeframe;
  readonly status: HealthStatus;
  /** ISO time of the last completed scan; null when none was recorded. */
  readonly lastCompletedAt: string | null;
  readonly ageSeconds: number | null;
  readonly detail?: string;
}

export interface ExchangeHealth {
  readonly id: string;
  readonly status: HealthStatus;
  readonly breaker: BreakerState['state'] | null;
  /** ISO time until which an open circuit skips the exchange. */
  readonly openUntil?: string;
  readonly detail?: string;
}

export interface QueueHealth {
  readonly status: HealthStatus;
  readonly visible: number | null;
  readonly inFlight: number | null;
  readonly detail?: string;
}

export interface OutboxHealth {
  readonly name: OutboxName;
  readonly status: HealthStatus;
  /** Rows still PENDING more than the threshold after their lease ended (a bounded count); null when unknown. */
  readonly overdue: number | null;
  /** How long after its lease ended the oldest such row waits; null when there is none (or unknown). */
  readonly oldestAgeSeconds: number | null;
  readonly detail?: string;
}

/** The JSON body of GET /health (and what /status renders). */
export interface HealthReport {
  readonly status: HealthStatus;
  readonly version: string;
  readonly checkedAt: string;
  readonly scans: readonly ScanHealth[];
  readonly exchanges: readonly ExchangeHealth[];
  readonly positions: { readonly status: HealthStatus; readonly open: number | null; readonly detail?: string };
  readonly control: { readonly status: HealthStatus; readonly scanningPaused: boolean | null; readonly tradingPaused: boolean | null; readonly detail?: string };
  readonly queue: QueueHealth;
  readonly deadLetterQueue: QueueHealth;
  readonly outboxes: readonly OutboxHealth[];
}

const iso = (ms: number): string => new Date(ms).toISOString();
const failed = (code: string): string => `probe failed: ${code}`;

/** Status of one timeframe's scans from the age of its last completed scan. */
export function scanStatus(timeframe: Timeframe, heartbeat: ScanHeartbeat | undefined, now: number, scanningPaused: boolean): Omit<ScanHealth, 'timeframe'> {
  if (!heartbeat) return { status: 'degraded', lastCompletedAt: null, ageSeconds: null, detail: 'no scan yet' };
  const age = Math.max(0, now - heartbeat.completedAt);
  const tf = timeframeMs(timeframe);
  let status: HealthStatus = age <= 2 * tf ? 'ok' : age <= 4 * tf ? 'degraded' : 'down';
  let detail: string | undefined = status === 'ok' ? undefined : `last scan ${Math.round(age / 1000)} s ago (timeframe ${timeframe})`;
  if (status !== 'ok' && scanningPaused) {
    status = 'degraded';
    detail = 'scanning paused';
  }
  return { status, lastCompletedAt: iso(heartbeat.completedAt), ageSeconds: Math.floor(age / 1000), ...(detail ? { detail } : {}) };
}

function queueHealth(probe: Probe<QueueDepth>, degradedAbove: number, what: string): QueueHealth {
  if (!probe.ok) return { status: 'degraded', visible: null, inFlight: null, detail: failed(probe.code) };
  const { visible, inFlight } = probe.value;
  const depth = visible + inFlight;
  return depth > degradedAbove
    ? { status: 'degraded', visible, inFlight, detail: `${depth} ${what}` }
    : { status: 'ok', visible, inFlight };
}

/** Status of one outbox from its backlog of rows waiting past their lease. */
export function outboxHealth(outbox: OutboxInput, now: number): OutboxHealth {
  const { name, backlog } = outbox;
  if (!backlog.ok) return { name, status: 'degraded', overdue: null, oldestAgeSeconds: null, detail: failed(backlog.code) };
  const { overdue, truncated, oldestLeaseUntil } = backlog.value;
  const oldestAgeSeconds = oldestLeaseUntil === null ? null : Math.floor(Math.max(0, now - oldestLeaseUntil) / 1000);
  if (overdue === 0) return { name, status: 'ok', overdue, oldestAgeSeconds };
  const count = `${overdue}${truncated ? '+' : ''}`;
  const oldest = oldestAgeSeconds === null ? '' : ` (oldest: ${oldestAgeSeconds} s)`;
  const detail = `${count} ${name} still pending more than ${Math.round(outbox.thresholdMs / 1000)} s after their lease ended${oldest}`;
  return { name, status: 'degraded', overdue, oldestAgeSeconds, detail };
}

export function evaluateHealth(input: HealthInput): HealthReport {
  const { now } = input;
  const scanningPaused = input.control.ok && input.control.value.scanningPaused;

  const scans: ScanHealth[] = input.scans.map(({ timeframe, heartbeat }) =>
    heartbeat.ok
      ? { timeframe, ...scanStatus(timeframe, heartbeat.value, now, scanningPaused) }
      : { timeframe, status: 'degraded', lastCompletedAt: null, ageSeconds: null, detail: failed(heartbeat.code) },
  );

  const exchanges: ExchangeHealth[] = input.exchanges.map(({ id, breaker }) => {
    if (!breaker.ok) return { id, status: 'degraded', breaker: null, detail: failed(breaker.code) };
    const { state, openUntil } = breaker.value;
    if (state === 'closed') return { id, status: 'ok', breaker: state };
    return { id, status: 'degraded', breaker: state, openUntil: iso(openUntil), detail: `circuit ${state}` };
  });

  const positions: HealthReport['positions'] = input.openPositions.ok
    ? { status: 'ok', open: input.openPositions.value }
    : { status: 'degraded', open: null, detail: failed(input.openPositions.code) };

  const control: HealthReport['control'] = input.control.ok
    ? { status: 'ok', scanningPaused: input.control.value.scanningPaused, tradingPaused: input.control.value.tradingPaused }
    : { status: 'degraded', scanningPaused: null, tradingPaused: null, detail: failed(input.control.code) };

  const queue = queueHealth(input.queue, input.backlogThreshold, 'messages waiting (backlog)');
  const deadLetterQueue = queueHealth(input.deadLetterQueue, 0, 'failed notifications in the dead-letter queue');

  const outboxes = (input.outboxes ?? []).map((o) => outboxHealth(o, now));

  const status = worst([
    ...scans.map((s) => s.status),
    ...exchanges.map((e) => e.status),
    positions.status,
    control.status,
    queue.status,
    deadLetterQueue.status,
    ...outboxes.map((o) => o.status),
  ]);
  return { status, version: input.version, checkedAt: iso(now), scans, exchanges, positions, control, queue, deadLetterQueue, outboxes };
}
