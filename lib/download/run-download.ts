/**
 * The `npm run download` use case: closed candles of several pairs of one exchange and
 * timeframe into one file each (lib/download/download-pair.ts), one pair after the other
 * (they share one exchange instance and its rate limiter). A failing pair never stops the
 * others; markets are loaded once (retried like pages).
 */
import type { Timeframe } from '../core/timeframe.js';
import { asCandlebotError, CandlebotError, PermanentError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { ohlcvFilePath } from './candle-file.js';
import { downloadPair } from './download-pair.js';
import { ccxtCandleHistory, type CandleHistory } from '../exchange/history-source.js';
import type { DownloadObserver, PairResult } from './observer.js';
import { realSleep, type RetryPolicy, type Sleep } from '../retry.js';
import { DEFAULT_RETRY, withRetry } from './retry.js';

export interface DownloadRequest {
  readonly exchange: string;
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  readonly sinceMs: number;
  readonly untilMs: number | undefined;
  readonly outDir: string;
  readonly apiBase: string | undefined;
  /** Candles per request. */
  readonly limit: number;
  /** Per HTTP request. */
  readonly timeoutMs: number;
}

export interface DownloadDeps {
  readonly clock: Clock;
  readonly observer: DownloadObserver;
  readonly retry?: RetryPolicy;
  readonly sleep?: Sleep;
  /** Minimum time between two rewrites of a file while its pair downloads (default 2 s). */
  readonly flushIntervalMs?: number;
  /** Abort: the current page finishes, the file is saved, the remaining pairs are skipped. */
  readonly signal?: AbortSignal;
  /** The candle source (default: ccxt through lib/exchange). */
  readonly openHistory?: (request: DownloadRequest, clock: Clock) => Promise<CandleHistory>;
}

export interface DownloadReport {
  /** One per requested pair that was attempted, in request order. */
  readonly results: readonly PairResult[];
  /** True when aborted: pairs after the last result were not attempted. */
  readonly interrupted: boolean;
}

export const DEFAULT_FLUSH_INTERVAL_MS = 2_000;

function openCcxt(request: DownloadRequest, clock: Clock): Promise<CandleHistory> {
  return ccxtCandleHistory({
    id: request.exchange,
    clock,
    timeoutMs: request.timeoutMs,
    ...(request.apiBase === undefined ? {} : { apiBase: request.apiBase }),
  });
}

/**
 * Throws only when the exchange itself cannot be set up (e.g. `UNKNOWN_EXCHANGE`); every
 * per-pair failure, including markets that cannot be loaded, is a failed result.
 */
export async function downloadCandles(request: DownloadRequest, deps: DownloadDeps): Promise<DownloadReport> {
  const { clock, observer, signal } = deps;
  const retry = deps.retry ?? DEFAULT_RETRY;
  const sleep = deps.sleep ?? realSleep;
  const symbols = [...new Set(request.symbols)];
  const paths = new Map(symbols.map((symbol) => [symbol, ohlcvFilePath(request.outDir, symbol, request.timeframe)]));
  const history = await (deps.openHistory ?? openCcxt)(request, clock);

  const results: PairResult[] = [];
  const failed = (symbol: string, error: CandlebotError): void => {
    const result: PairResult = { symbol, timeframe: request.timeframe, status: 'failed', error, path: paths.get(symbol)!, stored: 0, added: 0, gaps: [] };
    results.push(result);
    observer.pairFinished(result);
  };

  let unknown: ReadonlySet<string>;
  try {
    const prepared = await withRetry(() => history.prepare(symbols), retry, {
      sleep,
      ...(signal === undefined ? {} : { signal }),
      onRetry: (event) => observer.retrying({ subject: `${history.id} markets`, ...event }),
    });
    unknown = new Set(prepared.unknown);
  } catch (error) {
    if (signal?.aborted) return { results, interrupted: true };
    const classified = asCandlebotError(error);
    for (const symbol of symbols) failed(symbol, classified);
    return { results, interrupted: false };
  }

  for (const symbol of symbols) {
    if (signal?.aborted) return { results, interrupted: true };
    if (unknown.has(symbol)) {
      failed(symbol, new PermanentError(`${history.id} does not list ${symbol} (active spot market)`, { code: 'BAD_SYMBOL' }));
      continue;
    }
    const result = await downloadPair(
      { symbol, timeframe: request.timeframe, sinceMs: request.sinceMs, untilMs: request.untilMs, path: paths.get(symbol)! },
      {
        history,
        clock,
        limit: request.limit,
        retry,
        sleep,
        flushIntervalMs: deps.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
        observer,
        ...(signal === undefined ? {} : { signal }),
      },
    );
    results.push(result);
    observer.pairFinished(result);
    if (result.status === 'interrupted') return { results, interrupted: true };
  }
  return { results, interrupted: false };
}
