/**
 * `npm run download`'s use case under exchange faults (simulator on 127.0.0.1, real ccxt):
 * transient faults are retried with bounded backoff, permanent ones stop only their pair.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RetryNotice } from '../../lib/download/observer.js';
import { DEFAULT_RETRY } from '../../lib/download/retry.js';
import { downloadCandles, type DownloadDeps, type DownloadReport, type DownloadRequest } from '../../lib/download/run-download.js';
import { startBinanceSim, type BinanceSim, type SimFault } from '../support/exchange-sim/binance-sim.js';
import { testClock } from '../support/clock.js';
import { tempDir } from '../support/temp-dir.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2024, 0, 10, 12, 30);
const LIMIT = 10; // 30 closed + 1 forming → 4 pages

type Row = [number, number, number, number, number, number];

describe('download: transient faults retried, permanent faults stop one pair (simulator, real ccxt)', () => {
  let sim: BinanceSim;
  let out: string;
  let expected: Row[];
  let sleeps: number[];
  let retries: RetryNotice[];

  const run = (symbols: string[], over: Partial<DownloadRequest> = {}, deps: Partial<DownloadDeps> = {}): Promise<DownloadReport> =>
    downloadCandles(
      { exchange: 'binance', symbols, timeframe: '1h', sinceMs: Date.UTC(2024, 0, 1), untilMs: undefined, outDir: out, apiBase: sim.url, limit: LIMIT, timeoutMs: 2_000, ...over },
      {
        clock: testClock(NOW),
        retry: DEFAULT_RETRY,
        sleep: async (ms) => void sleeps.push(ms), // the delays asked for, without waiting
        observer: { pairStarted: () => {}, progress: () => {}, notice: () => {}, pairFinished: () => {}, retrying: (r) => void retries.push(r) },
        ...deps,
      },
    );
  const klinesFor = (symbol: string): number => sim.requestLog.filter((r) => r.path === '/api/v3/klines' && r.symbol === symbol).length;
  const rowsOf = (symbol: string): Row[] => JSON.parse(readFileSync(join(out, `${symbol.replace('/', '_')}-1h.json`), 'utf8')) as Row[];

  before(async () => {
    sim = await startBinanceSim({ symbols: ['BTC/USDT', 'ETH/USDT'], nowMs: NOW, history: 31 });
    const res = await fetch(`${sim.url}/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=0&limit=1000`);
    expected = ((await res.json()) as unknown[][]).map((k) => k.slice(0, 6).map(Number) as Row).filter((r) => r[0] + HOUR <= NOW);
    assert.equal(expected.length, 30);
  });
  after(() => sim.close());
  beforeEach(() => {
    out = tempDir('candlebot-download-faults-');
    sleeps = [];
    retries = [];
    sim.setFault('BTC/USDT', undefined);
    sim.setFault('ETH/USDT', undefined);
    sim.setExchangeInfoFault(undefined);
  });

  const transient: readonly { name: string; fault: SimFault; code: string; sleeps: number[]; timeoutMs?: number }[] = [
    { name: '429 ×3 with Retry-After: 2', fault: { kind: 'status', status: 429, retryAfterSec: 2, times: 3 }, code: 'RATE_LIMITED', sleeps: [2_000, 2_000, 4_000] },
    { name: '503 ×2 (HTML)', fault: { kind: 'status', status: 503, times: 2 }, code: 'EXCHANGE_UNAVAILABLE', sleeps: [1_000, 2_000] },
    { name: 'a request that never answers', fault: { kind: 'timeout', times: 1 }, code: 'TIMEOUT', sleeps: [1_000], timeoutMs: 300 },
  ];
  for (const c of transient) {
    it(`${c.name} → ${c.code} retried with backoff, then the download completes`, async () => {
      sim.setFault('BTC/USDT', c.fault);
      const report = await run(['BTC/USDT'], c.timeoutMs === undefined ? {} : { timeoutMs: c.timeoutMs });
      assert.equal(report.results[0]?.status, 'done', report.results[0]?.error?.message);
      assert.deepEqual(rowsOf('BTC/USDT'), expected);
      assert.deepEqual(sleeps, c.sleeps, 'exponential backoff, at least the server\'s Retry-After');
      assert.deepEqual(retries.map((r) => [r.subject, r.error.code, r.attempt]), c.sleeps.map((_, i) => ['BTC/USDT 1h', c.code, i + 1]));
    });
  }

  it('markets that fail transiently are retried too', async () => {
    sim.setExchangeInfoFault({ kind: 'status', status: 502, times: 2 });
    const report = await run(['BTC/USDT']);
    assert.equal(report.results[0]?.status, 'done');
    assert.deepEqual(retries.map((r) => [r.subject, r.error.code]), [['binance markets', 'EXCHANGE_UNAVAILABLE'], ['binance markets', 'EXCHANGE_UNAVAILABLE']]);
  });

  it('a transient fault that lasts fails that pair after 5 attempts with the classified error; the other pair completes', async () => {
    sim.setFault('BTC/USDT', { kind: 'status', status: 503 });
    const before = klinesFor('BTCUSDT');
    const report = await run(['BTC/USDT', 'ETH/USDT']);
    const [btc, eth] = report.results;
    assert.equal(btc?.status, 'failed');
    assert.equal(btc?.error?.code, 'EXCHANGE_UNAVAILABLE');
    assert.equal(btc?.error?.kind, 'transient');
    assert.equal(klinesFor('BTCUSDT') - before, 5, 'bounded: 5 attempts');
    assert.deepEqual(sleeps, [1_000, 2_000, 4_000, 8_000]);
    assert.equal(eth?.status, 'done');
    assert.equal(eth?.stored, 30);
  });

  it('a server asking to wait longer than the bound is not waited for', async () => {
    sim.setFault('BTC/USDT', { kind: 'status', status: 418, retryAfterSec: 3_600 });
    const report = await run(['BTC/USDT']);
    assert.equal(report.results[0]?.error?.code, 'RATE_LIMITED');
    assert.deepEqual(sleeps, []);
  });

  it('an unknown symbol fails that pair at once (BAD_SYMBOL, no retry); the others complete', async () => {
    sim.setFault('ETH/USDT', { kind: 'unknownSymbol' }); // listed, but klines says -1121 (delisted meanwhile)
    const before = klinesFor('ETHUSDT');
    const report = await run(['DOGE/USDT', 'ETH/USDT', 'BTC/USDT']);
    assert.deepEqual(report.results.map((r) => [r.symbol, r.status, r.error?.code, r.error?.kind]), [
      ['DOGE/USDT', 'failed', 'BAD_SYMBOL', 'permanent'], // not listed by the exchange: never requested
      ['ETH/USDT', 'failed', 'BAD_SYMBOL', 'permanent'],
      ['BTC/USDT', 'done', undefined, undefined],
    ]);
    assert.equal(klinesFor('ETHUSDT') - before, 1);
    assert.equal(klinesFor('DOGEUSDT'), 0);
    assert.deepEqual(sleeps, []);
    assert.deepEqual(rowsOf('BTC/USDT'), expected);
  });

  it('an abort stops after the current page, keeps what was validated and reports the run as interrupted', async () => {
    const controller = new AbortController();
    let pages = 0;
    const report = await run(['BTC/USDT', 'ETH/USDT'], {}, {
      signal: controller.signal,
      observer: {
        pairStarted: () => {}, notice: () => {}, retrying: () => {}, pairFinished: () => {},
        progress: () => {
          if (++pages === 2) controller.abort();
        },
      },
    });
    assert.equal(report.interrupted, true);
    assert.deepEqual(report.results.map((r) => [r.symbol, r.status, r.stored]), [['BTC/USDT', 'interrupted', 2 * LIMIT]]);
    assert.deepEqual(rowsOf('BTC/USDT'), expected.slice(0, 2 * LIMIT));
  });
});
