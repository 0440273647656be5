/** The newest recorded signals, for /signals. */

/** Most signals one call returns (the /signals maximum). */
export const MAX_RECENT = 50;

/** A recorded signal as listed: its fields and when it was recorded. */
export interface RecentSignal {
  readonly id: string;
  readonly strategy: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly candleTime: number;
  readonly side: 'long' | 'short';
  readonly entry: number;
  readonly stop: number;
  readonly target: number;
  /** When the signal was recorded (epoch ms). */
  readonly createdAt: number;
}

export interface RecentSignals {
  readonly signals: RecentSignal[];
  /** Stored signals that failed validation (not shown; the caller logs their ids). */
  readonly invalid: { readonly id: string; readonly reason: string }[];
}

export interface RecentSignalsReader {
  /** The newest `limit` (1..MAX_RECENT) signals, newest first. */
  listRecent(limit: number): Promise<RecentSignals>;
}
