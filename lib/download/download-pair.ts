/**
 * Downloads the closed candles of one pair and timeframe into its file, page by page.
 *
 * - Resume: an existing file is validated and the download continues at its last candle + 1
 *   timeframe; the file only ever grows at its end (a `--since` before its first candle is
 *   reported, never used to rewrite it).
 * - Every page is validated as a whole (validateCandles); only candles closed by
 *   min(now, until) are kept (splitClosed), so the forming candle is never stored.
 * - Pages are bounded: each one must advance past the last stored candle, the loop stops when
 *   the exchange has nothing newer, a forming candle (or `until`) is reached, and after at most
 *   one page per expected candle (+10, for candles closing during the download).
 * - The file is rewritten atomically at most every `flushIntervalMs` and once at the end,
 *   also when the pair fails: it always holds exactly the candles validated so far.
 * - Transient errors are retried (lib/download/retry.ts); a permanent one stops the pair.
 */
import type { OhlcvRow } from '../core/candle.js';
import { timeframeMs, type Timeframe } from '../core/timeframe.js';
import { splitClosed, validateCandles } from '../core/validate-candles.js';
import { formatUtc } from '../core/format.js';
import { asCandlebotError, CandlebotError, describeError, PermanentError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { readCandleFile, writeCandleFile } from './candle-file.js';
import type { CandleHistory } from '../exchange/history-source.js';
import type { DownloadObserver, PairResult, PairStatus } from './observer.js';
import type { RetryPolicy, Sleep } from '../retry.js';
import { withRetry } from './retry.js';

export interface PairRequest {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Download from this time (aligned up to the timeframe) when the file does not exist. */
  readonly sinceMs: number;
  /** Keep only candles closed by this time (default: now, read before every page). */
  readonly untilMs: number | undefined;
  readonly path: string;
}

export interface PairContext {
  readonly history: CandleHistory;
  readonly clock: Clock;
  /** Candles requested per page. */
  readonly limit: number;
  readonly retry: RetryPolicy;
  readonly sleep: Sleep;
  /** Minimum time between two rewrites of the file during the download (0: after every page). */
  readonly flushIntervalMs: number;
  readonly observer: DownloadObserver;
  readonly signal?: AbortSignal;
}

export async function downloadPair(request: PairRequest, context: PairContext): Promise<PairResult> {
  const { symbol, timeframe, path } = request;
  const { history, clock, observer, signal } = context;
  const key = { symbol, timeframe };
  const tfMs = timeframeMs(timeframe);
  const subject = `${symbol} ${timeframe}`;
  const cutoff = (): number => Math.min(request.untilMs ?? Number.POSITIVE_INFINITY, clock.now());

  let rows: OhlcvRow[] = [];
  let existing = 0;
  let written = 0;
  let added = 0;
  /** The result describes the file as stored (rows not saved after a write failure are left out). */
  const finish = (status: PairStatus, error?: CandlebotError): PairResult => {
    const stored = rows.length === written ? rows : rows.slice(0, written);
    const validation = validateCandles(stored, timeframe);
    return {
      ...key,
      status,
      ...(error === undefined ? {} : { error }),
      path,
      stored: stored.length,
      added: stored.length - existing,
      ...(stored.length === 0 ? {} : { firstTime: stored[0]![0], lastTime: stored.at(-1)![0] }),
      gaps: validation.ok ? validation.gaps : [],
    };
  };

  let lastFlush = performance.now();
  const flush = (): void => {
    if (rows.length === written) return;
    writeCandleFile(path, rows);
    written = rows.length;
    lastFlush = performance.now();
  };

  try {
    rows = readCandleFile(path, timeframe) ?? [];
  } catch (error) {
    return finish('failed', asCandlebotError(error));
  }
  existing = written = rows.length;

  const requestedFrom = Math.ceil(request.sinceMs / tfMs) * tfMs;
  let since = requestedFrom;
  const first = rows[0];
  const last = rows.at(-1);
  if (first !== undefined && last !== undefined) {
    since = last[0] + tfMs;
    if (requestedFrom < first[0]) {
      observer.notice(key, `${path} starts at ${formatUtc(first[0])}, after --since ${formatUtc(requestedFrom)}: ` +
        'earlier candles are not prepended (a file only grows at its end); to download from --since, remove the file or use another --out');
    } else if (requestedFrom > since) {
      observer.notice(key, `${path} ends at ${formatUtc(last[0])}: continuing from ${formatUtc(since)}, before --since, so the file stays one series`);
    }
  }

  let expected = Math.max(0, Math.floor((cutoff() - since) / tfMs));
  const maxPages = expected + 10; // every page but the last adds at least one candle
  observer.pairStarted({ ...key, path, from: since, expected, existing: rows.length });

  try {
    for (let page = 0; since + tfMs <= cutoff(); page++) {
      if (signal?.aborted) {
        flush();
        return finish('interrupted');
      }
      if (page >= maxPages) {
        throw new PermanentError(`${subject}: no end after ${page} pages (the exchange keeps returning candles past the expected end)`, {
          code: 'PAGE_LIMIT',
        });
      }
      const end = cutoff();
      const pageSince = since;
      const raw = await withRetry(() => history.fetchPage(symbol, timeframe, pageSince, context.limit), context.retry, {
        sleep: context.sleep,
        ...(signal === undefined ? {} : { signal }),
        onRetry: (event) => observer.retrying({ subject, ...event }),
      });
      const validation = validateCandles(raw, timeframe);
      if (!validation.ok) {
        throw new PermanentError(`${subject}: ${validation.error.message}`, { code: 'INVALID_CANDLE', cause: validation.error });
      }
      // ccxt already drops rows before `since`; an exchange ignoring `since` must not duplicate rows.
      const fresh = validation.rows.filter((row) => row[0] >= pageSince);
      const { closed, forming } = splitClosed(fresh, end, timeframe);
      if (closed.length === 0) break; // nothing newer has closed
      if (page === 0 && closed[0]![0] > pageSince) {
        observer.notice(key, `the exchange's first candle after ${formatUtc(pageSince)} is ${formatUtc(closed[0]![0])}`);
        expected = Math.max(0, Math.floor((end - closed[0]![0]) / tfMs));
      }
      for (const row of closed) rows.push(row);
      added += closed.length;
      since = closed.at(-1)![0] + tfMs;
      observer.progress({ ...key, added, expected: Math.max(expected, added), lastTime: closed.at(-1)![0] });
      if (performance.now() - lastFlush >= context.flushIntervalMs) flush();
      if (forming !== undefined) break; // reached now / until
    }
    flush();
    return finish('done');
  } catch (error) {
    const failure = signal?.aborted ? undefined : asCandlebotError(error);
    try {
      flush();
    } catch (flushError) {
      observer.notice(key, `could not save the candles validated before the failure: ${describeError(flushError)}`);
    }
    return failure === undefined ? finish('interrupted') : finish('failed', failure);
  }
}
