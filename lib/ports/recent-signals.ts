/** The newest recorded signals, for /signals. */
import type { Signal } from '../core/signal.js';

/** Most signals one call returns (the /signals maximum). */
export const MAX_RECENT = 50;

/** A recorded signal as listed: its fields (no indicators, no bar) and when it was recorded (epoch ms). */
export type RecentSignal = Pick<Signal, 'id' | 'strategy' | 'exchange' | 'symbol' | 'timeframe' | 'candleTime' | 'side' | 'entry' | 'stop' | 'target'> & {
  readonly createdAt: number;
};

export interface RecentSignals {
  readonly signals: RecentSignal[];
  /** Stored signals that failed validation (not shown; the caller logs their ids). */
  readonly invalid: { readonly id: string; readonly reason: string }[];
}

export interface RecentSignalsReader {
  /** The newest `limit` (1..MAX_RECENT) signals, newest first. */
  listRecent(limit: number): Promise<RecentSignals>;
}
