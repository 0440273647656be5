/**
 * Gathers the health inputs with bounded probes and evaluates them (lib/health/evaluate.ts).
 * Every probe runs in parallel with its own timeout; a probe that fails or times out makes
 * its component degraded with the error's code — never a thrown error, never the message
 * (AWS messages can name tables). The full error is logged.
 */
import type { Timeframe } from '../core/timeframe.js';
import { isCandlebotError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ControlStore } from '../ports/control.js';
import type { Log } from '../ports/log.js';
import type { OutboxBacklog } from '../ports/outbox.js';
import type { QueueDepth } from '../ports/queue.js';
import type { BreakerStore, HeartbeatStore } from '../ports/state.js';
import { evaluateHealth, type HealthReport, type OutboxName, type Probe } from './evaluate.js';

export const DEFAULT_PROBE_TIMEOUT_MS = 2500;
export const DEFAULT_BACKLOG_THRESHOLD = 1000;
/** Rows an outbox backlog read counts at most (one Query page of index keys). */
export const OUTBOX_BACKLOG_LIMIT = 100;

/** One outbox's health read: the PENDING rows whose lease ended at or before `cutoff`. */
export interface OutboxProbe {
  readonly name: OutboxName;
  /** How long after its lease ended a row may still wait before the outbox counts as degraded. */
  readonly thresholdMs: number;
  backlog(cutoff: number, limit: number, signal: AbortSignal): Promise<OutboxBacklog>;
}

export interface HealthDeps {
  /** Timeframes scanned (config: every exchange's timeframes). */
  readonly timeframes: readonly Timeframe[];
  /** Configured exchange ids (one breaker each). */
  readonly exchanges: readonly string[];
  readonly heartbeats: Pick<HeartbeatStore, 'get'>;
  readonly breakers: Pick<BreakerStore, 'read'>;
  readonly control: Pick<ControlStore, 'get'>;
  /** Open paper positions (the portfolio row's count). */
  openPositions(signal: AbortSignal): Promise<number>;
  queueDepth(which: 'queue' | 'dead-letter', signal: AbortSignal): Promise<QueueDepth>;
  /** The transactional outboxes to probe for rows waiting past their lease (absent: none). */
  readonly outboxes?: readonly OutboxProbe[];
  readonly clock: Clock;
  readonly log: Log;
  readonly version: string;
  readonly probeTimeoutMs?: number;
  /** Queue depth (visible + in flight) above which the queue counts as backlogged. */
  readonly backlogThreshold?: number;
}

export class ProbeTimeoutError extends Error {
  override readonly name = 'ProbeTimeoutError';
}

/** Runs `read` with a deadline; resolves to its value or the code of why it failed. Never rejects. */
export async function probe<T>(what: string, read: (signal: AbortSignal) => Promise<T>, timeoutMs: number, log: Log): Promise<Probe<T>> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ProbeTimeoutError(`${what} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return { ok: true, value: await Promise.race([read(controller.signal), deadline]) };
  } catch (error) {
    const code = error instanceof ProbeTimeoutError ? 'TIMEOUT' : isCandlebotError(error) ? error.code : 'UNEXPECTED';
    log.warn('health probe failed', { probe: what, code, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    return { ok: false, code };
  } finally {
    clearTimeout(timer);
  }
}

export async function readHealth(deps: HealthDeps): Promise<HealthReport> {
  const timeout = deps.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const run = <T>(what: string, read: (signal: AbortSignal) => Promise<T>) => probe(what, read, timeout, deps.log);

  const started = deps.clock.now();

  const [scans, exchanges, openPositions, control, queue, deadLetterQueue, outboxes] = await Promise.all([
    Promise.all(deps.timeframes.map(async (timeframe) => ({ timeframe, heartbeat: await run(`heartbeat ${timeframe}`, () => deps.heartbeats.get(timeframe)) }))),
    Promise.all(deps.exchanges.map(async (id) => ({ id, breaker: await run(`breaker ${id}`, () => deps.breakers.read(id)) }))),
    run('open positions', (signal) => deps.openPositions(signal)),
    run('control', () => deps.control.get()),
    run('queue depth', (signal) => deps.queueDepth('queue', signal)),
    run('dead-letter queue depth', (signal) => deps.queueDepth('dead-letter', signal)),
    Promise.all(
      (deps.outboxes ?? []).map(async ({ name, thresholdMs, backlog }) => ({
        name,
        thresholdMs,
        backlog: await run(`${name} outbox backlog`, (signal) => backlog(started - thresholdMs, OUTBOX_BACKLOG_LIMIT, signal)),
      })),
    ),
  ]);

  return evaluateHealth({
    now: deps.clock.now(),
    version: deps.version,
    backlogThreshold: deps.backlogThreshold ?? DEFAULT_BACKLOG_THRESHOLD,
    scans,
    exchanges,
    openPositions,
    control,
    queue,
    deadLetterQueue,
    outboxes,
  });
}
