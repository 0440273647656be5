/** What a download reports while it runs (progress display, notices, retries) and per pair at the end. */
import type { Timeframe } from '../core/timeframe.js';
import type { Gap } from '../core/validate-candles.js';
import type { CandlebotError } from '../errors.js';

export interface PairKey {
  readonly symbol: string;
  readonly timeframe: Timeframe;
}

export interface PairStart extends PairKey {
  readonly path: string;
  /** Open time of the first candle requested. */
  readonly from: number;
  /** Closed candles expected from `from` to the end (approximate: gaps make it smaller). */
  readonly expected: number;
  /** Rows already in the file (resume), 0 for a new file. */
  readonly existing: number;
}

export interface PairProgress extends PairKey {
  /** New candles so far in this run. */
  readonly added: number;
  readonly expected: number;
  /** Open time of the newest candle so far. */
  readonly lastTime: number;
}

export type PairStatus = 'done' | 'failed' | 'interrupted';

export interface PairResult extends PairKey {
  readonly status: PairStatus;
  /** Set when `status` is `failed`. */
  readonly error?: CandlebotError;
  readonly path: string;
  /** Rows in the file at the end (validated, closed candles only). */
  readonly stored: number;
  /** Rows added by this run. */
  readonly added: number;
  readonly firstTime?: number;
  readonly lastTime?: number;
  /** Holes in the stored series. */
  readonly gaps: readonly Gap[];
}

export interface RetryNotice {
  /** `BTC/USDT 1h` or `markets`. */
  readonly subject: string;
  readonly error: CandlebotError;
  readonly attempt: number;
  readonly attempts: number;
  readonly delayMs: number;
}

export interface DownloadObserver {
  pairStarted(start: PairStart): void;
  progress(progress: PairProgress): void;
  /** Something the user should know that is not a failure (e.g. `--since` before the file's start). */
  notice(pair: PairKey, message: string): void;
  retrying(notice: RetryNotice): void;
  pairFinished(result: PairResult): void;
}

export const SILENT_OBSERVER: DownloadObserver = Object.freeze({
  pairStarted: () => {},
  progress: () => {},
  notice: () => {},
  retrying: () => {},
  pairFinished: () => {},
});
