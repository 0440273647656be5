/**
 * `npm run download`'s use case against the Binance simulator on 127.0.0.1 with real ccxt:
 * paging, closed candles only, file name and format, resume, validation failures.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Clock } from '../../lib/ports/clock.js';
import { ccxtCandleHistory, type CandleHistory } from '../../lib/exchange/history-source.js';
import type { DownloadObserver, PairKey, PairResult } from '../../lib/download/observer.js';
import { downloadCandles, type DownloadDeps, type DownloadRequest } from '../../lib/download/run-download.js';
import { readOhlcvFiles } from '../../lib/backtest/ohlcv-files.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testClock } from '../support/clock.js';
import { tempDir } from '../support/temp-dir.js';

const HOUR = 3_600_000;
/** Mid-candle: the 12:00 candle is forming. */
const NOW = Date.UTC(2024, 0, 10, 12, 30);
const HISTORY = 40; // 39 closed candles + the forming one
const LIMIT = 7; // → 6 pages

type Row = [number, number, number, number, number, number];

/** The closed candles straight from the simulator in one request (independent of ccxt and paging). */
async function oracle(sim: BinanceSim, symbol: string, nowMs: number): Promise<Row[]> {
  const id = symbol.replace('/', '');
  const res = await fetch(`${sim.url}/api/v3/klines?symbol=${id}&interval=1h&startTime=0&limit=1000`);
  const body = (await res.json()) as unknown[][];
  return body.map((k) => k.slice(0, 6).map(Number) as Row).filter((row) => row[0] + HOUR <= nowMs);
}

function readRows(path: string): Row[] {
  return JSON.parse(readFileSync(path, 'utf8')) as Row[];
}

function recorder(): DownloadObserver & { notices: string[]; results: PairResult[] } {
  const notices: string[] = [];
  const results: PairResult[] = [];
  return {
    notices,
    results,
    pairStarted: () => {},
    progress: () => {},
    notice: (pair: PairKey, message: string) => void notices.push(`${pair.symbol}: ${message}`),
    retrying: () => {},
    pairFinished: (r) => void results.push(r),
  };
}

/** A ccxt history whose fetchPage calls are recorded (`since` of each) and can be hooked. */
function spiedHistory(sim: BinanceSim, sinces: number[], afterPage?: (page: number, symbol: string) => void): DownloadDeps['openHistory'] {
  return async (_request, clock) => {
    const real = await ccxtCandleHistory({ id: 'binance', apiBase: sim.url, timeoutMs: 2_000, clock });
    const spied: CandleHistory = {
      id: real.id,
      prepare: (symbols) => real.prepare(symbols),
      async fetchPage(symbol, timeframe, since, limit) {
        sinces.push(since);
        const rows = await real.fetchPage(symbol, timeframe, since, limit);
        afterPage?.(sinces.length, symbol);
        return rows;
      },
    };
    return spied;
  };
}

describe('download: paging, closed candles, files, resume (simulator, real ccxt)', () => {
  let sim: BinanceSim;
  let out: string;
  let clock: Clock & { set(ms: number): void };

  const request = (over: Partial<DownloadRequest> = {}): DownloadRequest => ({
    exchange: 'binance',
    symbols: ['BTC/USDT'],
    timeframe: '1h',
    sinceMs: Date.UTC(2024, 0, 1),
    untilMs: undefined,
    outDir: out,
    apiBase: sim.url,
    limit: LIMIT,
    timeoutMs: 2_000,
    ...over,
  });
  const deps = (over: Partial<DownloadDeps> = {}): DownloadDeps => ({
    clock,
    observer: recorder(),
    sleep: async () => {},
    flushIntervalMs: 0,
    ...over,
  });

  before(async () => {
    sim = await startBinanceSim({ symbols: ['BTC/USDT', 'ETH/USDT'], nowMs: NOW, history: HISTORY });
  });
  after(() => sim.close());
  beforeEach(() => {
    out = tempDir('candlebot-download-');
    clock = testClock(NOW);
    sim.setNow(NOW);
    sim.setFault('BTC/USDT', undefined);
    sim.setFault('ETH/USDT', undefined);
  });

  it('a multi-page download writes exactly the closed candles, in ccxt rows, to BASE_QUOTE-<tf>.json', async () => {
    const before = sim.hits.klines;
    const report = await downloadCandles(request({ symbols: ['BTC/USDT', 'ETH/USDT'] }), deps());
    assert.equal(sim.hits.klines - before, 12, 'ceil(40 / 7) = 6 pages per pair');
    assert.deepEqual(report.results.map((r) => [r.symbol, r.status, r.stored, r.added]), [
      ['BTC/USDT', 'done', 39, 39],
      ['ETH/USDT', 'done', 39, 39],
    ]);
    assert.deepEqual(readdirSync(out).sort(), ['BTC_USDT-1h.json', 'ETH_USDT-1h.json'], 'one file per pair, no temp files left');
    for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
      const rows = readRows(join(out, `${symbol.replace('/', '_')}-1h.json`));
      const expected = await oracle(sim, symbol, NOW);
      assert.equal(expected.length, 39);
      assert.deepEqual(rows, expected);
      assert.ok(rows.every((row) => row.length === 6 && row.every((v) => typeof v === 'number')));
      assert.equal(rows.at(-1)![0], Date.UTC(2024, 0, 10, 11), 'the newest row is the last closed candle, never the forming 12:00 one');
    }
    // The replay reader accepts what was written.
    const [file] = readOhlcvFiles(join(out, 'BTC_USDT-1h.json'));
    assert.equal(file?.symbol, 'BTC/USDT');
    assert.equal(file?.timeframe, '1h');
    assert.equal(report.results[0]!.gaps.length, 0);
  });

  it('--until keeps only candles closed by then', async () => {
    const until = Date.UTC(2024, 0, 10, 3);
    const report = await downloadCandles(request({ untilMs: until }), deps());
    const rows = readRows(join(out, 'BTC_USDT-1h.json'));
    assert.deepEqual(rows, (await oracle(sim, 'BTC/USDT', NOW)).filter((row) => row[0] + HOUR <= until));
    assert.equal(rows.at(-1)![0], Date.UTC(2024, 0, 10, 2));
    assert.equal(report.results[0]!.status, 'done');
  });

  it('saves after every page, and resumes an interrupted download without duplicates or re-downloads', async () => {
    const expected = await oracle(sim, 'BTC/USDT', NOW);
    const cleanDir = tempDir('candlebot-download-clean-');
    await downloadCandles(request({ outDir: cleanDir }), deps());
    const clean = readFileSync(join(cleanDir, 'BTC_USDT-1h.json'), 'utf8');

    // Run 1: the second page is killed by a permanent fault (the symbol "disappears").
    const path = join(out, 'BTC_USDT-1h.json');
    const firstSinces: number[] = [];
    const first = await downloadCandles(request(), deps({
      flushIntervalMs: 2_000, // page 1 is saved by the failure path, not by the interval
      openHistory: spiedHistory(sim, firstSinces, (page) => {
        if (page === 1) sim.setFault('BTC/USDT', { kind: 'unknownSymbol' });
      }),
    }));
    const failed = first.results[0]!;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'BAD_SYMBOL');
    assert.equal(failed.error?.kind, 'permanent');
    assert.equal(firstSinces.length, 2, 'a permanent error is not retried');
    assert.deepEqual(readRows(path), expected.slice(0, LIMIT), 'the file keeps the validated first page');
    assert.equal(failed.stored, LIMIT);

    // Run 2: no fault; every page is saved as it arrives.
    sim.setFault('BTC/USDT', undefined);
    const sinces: number[] = [];
    const savedAtPage: number[] = [];
    const second = await downloadCandles(request(), deps({
      openHistory: spiedHistory(sim, sinces, () => savedAtPage.push(readRows(path).length)),
    }));
    assert.equal(second.results[0]!.status, 'done');
    assert.equal(sinces[0], expected[LIMIT - 1]![0] + HOUR, 'continues at the last stored candle + 1h');
    assert.equal(sinces.length, 5, 'only the 33 remaining candles are fetched (5 pages)');
    assert.deepEqual(savedAtPage, [7, 14, 21, 28, 35], 'the file grew after each page');
    assert.equal(second.results[0]!.added, 39 - LIMIT);
    assert.equal(readFileSync(path, 'utf8'), clean, 'identical to a clean run');
  });

  it('resuming later appends the newly closed candles only; --since before the file start is reported, not rewritten', async () => {
    const expected = await oracle(sim, 'BTC/USDT', NOW);
    const path = join(out, 'BTC_USDT-1h.json');
    await downloadCandles(request({ sinceMs: expected[10]![0] }), deps());
    assert.deepEqual(readRows(path), expected.slice(10));

    clock.set(NOW + HOUR);
    sim.setNow(NOW + HOUR);
    const observer = recorder();
    const sinces: number[] = [];
    const report = await downloadCandles(request({ sinceMs: Date.UTC(2024, 0, 1) }), deps({ observer, openHistory: spiedHistory(sim, sinces) }));
    assert.equal(report.results[0]!.added, 1);
    assert.deepEqual(sinces, [Date.UTC(2024, 0, 10, 12)]);
    const later = await oracle(sim, 'BTC/USDT', NOW + HOUR);
    assert.deepEqual(readRows(path), later.slice(10), 'the 12:00 candle, now closed, with its final values; history untouched');
    assert.ok(observer.notices.some((n) => /starts at 2024-01-09 07:00 UTC, after --since 2024-01-01 00:00 UTC/.test(n) && /not prepended/.test(n)), observer.notices.join('\n'));
  });

  it('a NaN price fails that pair with INVALID_CANDLE naming symbol, time and reason; the file keeps only the validated pages', async () => {
    sim.setFault('BTC/USDT', { kind: 'nanPrice' }); // on the last closed candle (11:00), in page 6
    const report = await downloadCandles(request({ symbols: ['BTC/USDT', 'ETH/USDT'] }), deps());
    const [btc, eth] = report.results;
    assert.equal(btc?.status, 'failed');
    assert.equal(btc?.error?.code, 'INVALID_CANDLE');
    assert.equal(btc?.error?.kind, 'permanent');
    assert.match(btc!.error!.message, /BTC\/USDT 1h: .*2024-01-10T11:00:00\.000Z.*close is not a finite number/);
    const expected = await oracle(sim, 'BTC/USDT', NOW);
    assert.deepEqual(readRows(join(out, 'BTC_USDT-1h.json')), expected.slice(0, 5 * LIMIT), 'pages 1–5 only');
    assert.equal(eth?.status, 'done', 'the other pair is unaffected');
    assert.equal(eth?.stored, 39);
  });

  it('an existing file that is invalid is reported and left as it is', async () => {
    const path = join(out, 'BTC_USDT-1h.json');
    writeFileSync(path, '[[1704067200000, 1, 2, 0.5, "x", 3]]');
    const report = await downloadCandles(request(), deps());
    assert.equal(report.results[0]?.status, 'failed');
    assert.equal(report.results[0]?.error?.code, 'BAD_OHLCV_FILE');
    assert.match(report.results[0]!.error!.message, /BTC_USDT-1h\.json: existing file is invalid .*close is not a finite number/);
    assert.equal(readFileSync(path, 'utf8'), '[[1704067200000, 1, 2, 0.5, "x", 3]]');
  });
});
