import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';

const NOW = Date.UTC(2025, 0, 1, 12, 30);
const HOUR = 3_600_000;

async function getJson(sim: BinanceSim, path: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${sim.url}${path}`);
  return { status: res.status, body: await res.json(), headers: res.headers };
}

type Row = [number, string, string, string, string, string, number, string, number, string, string, string];

describe('binance simulator', () => {
  let sim: BinanceSim;
  before(async () => {
    sim = await startBinanceSim({ symbols: ['BTC/USDT', 'ETH/USDT'], nowMs: NOW, history: 100, seed: 7 });
  });
  after(() => sim.close());

  it('listens on 127.0.0.1 on a random port', () => {
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(sim.port > 0);
  });

  it('exchangeInfo lists the symbols as Binance does', async () => {
    const { status, body, headers } = await getJson(sim, '/api/v3/exchangeInfo');
    assert.equal(status, 200);
    const symbols = (body as { symbols: Record<string, unknown>[] }).symbols;
    assert.deepEqual(symbols.map((s) => [s['symbol'], s['baseAsset'], s['quoteAsset'], s['status']]), [
      ['BTCUSDT', 'BTC', 'USDT', 'TRADING'],
      ['ETHUSDT', 'ETH', 'USDT', 'TRADING'],
    ]);
    assert.ok(Number(headers.get('x-mbx-used-weight-1m')) >= 20);
  });

  it('klines: string prices, closeTime = next open − 1, last row forming at now, deterministic', async () => {
    const { body } = await getJson(sim, '/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=5');
    const rows = body as Row[];
    assert.equal(rows.length, 5);
    for (const r of rows) {
      assert.equal(r.length, 12);
      assert.equal(typeof r[1], 'string');
      assert.equal(r[6], r[0] + HOUR - 1);
      assert.ok(Number(r[3]) <= Math.min(Number(r[1]), Number(r[4])) && Number(r[2]) >= Math.max(Number(r[1]), Number(r[4])));
    }
    assert.equal(rows.at(-1)![0], Math.floor(NOW / HOUR) * HOUR, 'forming candle opened at the hour');
    const again = (await getJson(sim, '/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=5')).body;
    assert.deepEqual(again, rows);
    const other = (await getJson(sim, '/api/v3/klines?symbol=ETHUSDT&interval=1h&limit=5')).body as Row[];
    assert.notEqual(other[0]![4], rows[0]![4]);
  });

  it('klines: startTime/endTime select like Binance; history is bounded', async () => {
    const start = Math.floor(NOW / HOUR) * HOUR - 10 * HOUR;
    const fromStart = (await getJson(sim, `/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=3&startTime=${start}`)).body as Row[];
    assert.deepEqual(fromStart.map((r) => r[0]), [start, start + HOUR, start + 2 * HOUR]);
    const toEnd = (await getJson(sim, `/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=2&endTime=${start}`)).body as Row[];
    assert.deepEqual(toEnd.map((r) => r[0]), [start - HOUR, start]);
    const all = (await getJson(sim, '/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1000')).body as Row[];
    assert.equal(all.length, 100);
  });

  it('setNow moves the forming candle; the closed candles stay the same', async () => {
    const before = (await getJson(sim, '/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=3')).body as Row[];
    sim.setNow(NOW + HOUR);
    try {
      const later = (await getJson(sim, '/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=4')).body as Row[];
      assert.equal(later.at(-1)![0], before.at(-1)![0] + HOUR);
      assert.deepEqual(later.slice(0, 2), before.slice(0, 2));
      assert.equal(later[2]![0], before[2]![0]);
      assert.ok(Number(later[2]![5]) > Number(before[2]![5]), 'the once-forming candle is now complete');
    } finally {
      sim.setNow(NOW);
    }
  });

  it('errors as Binance sends them: -1121 unknown symbol, -1120 bad interval', async () => {
    assert.deepEqual(await getJson(sim, '/api/v3/klines?symbol=XYZUSDT&interval=1h').then((r) => [r.status, r.body]), [400, { code: -1121, msg: 'Invalid symbol.' }]);
    assert.deepEqual(await getJson(sim, '/api/v3/klines?symbol=BTCUSDT&interval=7m').then((r) => [r.status, r.body]), [400, { code: -1120, msg: 'Invalid interval.' }]);
  });

  it('counts hits and logs requests', async () => {
    const before = sim.hits.klines;
    const logBefore = sim.requestLog.length;
    await fetch(`${sim.url}/api/v3/klines?symbol=ETHUSDT&interval=1h&limit=1`).then((r) => r.arrayBuffer());
    assert.equal(sim.hits.klines, before + 1);
    assert.deepEqual({ ...sim.requestLog[logBefore]!, at: 0 }, { path: '/api/v3/klines', symbol: 'ETHUSDT', at: 0 });
  });
});

describe('binance simulator: close()', () => {
  it('ends a hanging (timeout fault) request so the process can exit', async () => {
    const sim = await startBinanceSim({ symbols: ['BTC/USDT'], nowMs: NOW, faults: { 'BTC/USDT': { kind: 'timeout' } } });
    const pending = fetch(`${sim.url}/api/v3/klines?symbol=BTCUSDT&interval=1h`).then(
      () => 'answered',
      () => 'failed',
    );
    const started = performance.now();
    while (sim.hits.klines === 0) await new Promise((r) => setTimeout(r, 5));
    await sim.close();
    assert.equal(await pending, 'failed');
    // The request was never going to be answered: close() ending it at all is the point; 20 s holds under load.
    assert.ok(performance.now() - started < 20_000);
    await sim.close(); // idempotent
  });
});
