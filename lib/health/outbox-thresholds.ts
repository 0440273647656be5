/** How long a row may wait past its lease before its outbox counts as stuck in /health. */
import { scannedTimeframes, type BotConfig } from '../config/schema.js';
import { timeframeMs } from '../core/timeframe.js';

/**
 * Default patience of the position-event outbox: the monitor delivers it every minute by
 * default (`--monitor-rate` may make that 5 or 10 minutes), so 15 minutes past the lease is stuck.
 */
export const POSITION_EVENTS_THRESHOLD_MS = 15 * 60_000;

/**
 * Default patience of the signal outbox: every scan re-drives it, and the shortest scanned
 * timeframe is how often a scan runs; two of them past the lease (as for the scan age) is stuck.
 */
export function signalOutboxThresholdMs(config: BotConfig): number {
  const shortest = Math.min(...scannedTimeframes(config).map((tf) => timeframeMs(tf)));
  return 2 * (Number.isFinite(shortest) ? shortest : 3_600_000);
}
