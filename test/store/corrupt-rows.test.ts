/**
 * Issue 12 item 4: every cached or derived row (markets cache, chart file ids, send-rate slots,
 * circuit breaker, heartbeat) is read tolerantly. Each corrupt row is written directly into
 * DynamoDB Local (wrong types, bad gzip, bad JSON, missing fields, unreadable numbers); the store
 * must treat it as absent, report it once (table, key, reason) and count it, and the next write
 * must replace it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { silentLog } from '../../lib/ports/log.js';
import { runScan } from '../../lib/scan/run-scan.js';
import { createDynamoBreakerStore } from '../../lib/store/state/breaker-store.js';
import { createDynamoChartFileCache } from '../../lib/store/state/chart-files.js';
import { createDynamoHeartbeatStore } from '../../lib/store/state/heartbeat-store.js';
import { createDynamoMarketsCache } from '../../lib/store/state/markets-cache.js';
import { createDynamoSendRateLimiter } from '../../lib/store/state/send-rate.js';
import { CORRUPT_ROWS_METRIC, corruptRowReporter, defaultCorruptRowReporter, type CorruptRow, type CorruptRowReporter } from '../../lib/aws/corrupt-rows.js';
import { testClock } from '../support/clock.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { runtimeFor, SCAN_NOW, scanConfig } from '../support/scan-fixture.js';
import { captureJsonOutput } from '../support/capture-stdout.js';

function recorder(): CorruptRowReporter & { rows: CorruptRow[] } {
  const rows: CorruptRow[] = [];
  return { rows, corrupt: (row) => void rows.push(row) };
}

const gz = (text: string): Uint8Array => gzipSync(Buffer.from(text, 'utf8'));
const market = (symbol: string) => ({ id: symbol.replace('/', ''), symbol, base: symbol.split('/')[0], quote: symbol.split('/')[1], spot: true, active: true });

describe('cached rows are read tolerantly (DynamoDB Local)', () => {
  let r: TestResources;
  let table: string;
  before(async () => {
    r = await testResources('corrupt-rows');
    table = r.tables.StateTable!;
  });
  after(() => r.close());

  /** Writes an item with raw attribute values (any type, any number string). */
  const putRaw = (item: Record<string, AttributeValue>) => r.ddb.send(new PutItemCommand({ TableName: table, Item: item }));

  it('markets cache: wrong types, bad gzip, bad JSON, missing fields, bad markets, an unreadable number → a reported miss', async () => {
    const goodJson = JSON.stringify({ exchange: 'binance', fetchedAt: 1, markets: { 'BTC/USDT': market('BTC/USDT') }, unknown: [] });
    const cases: [string, Record<string, AttributeValue>, RegExp][] = [
      ['data as a string', { data: { S: 'H4sI' } }, /data is not binary \(got string\)/],
      ['data missing', { fetchedAt: { N: '1' } }, /data is not binary \(got undefined\)/],
      ['bad gzip', { data: { B: Uint8Array.from([1, 2, 3, 4]) } }, /data is not gzip/],
      ['bad JSON', { data: { B: gz('{"exchange": "binance",') } }, /data is not JSON/],
      ['missing fields', { data: { B: gz('{"exchange":"binance"}') } }, /snapshot: .*fetchedAt/],
      ['a market of the wrong shape', { data: { B: gz(JSON.stringify({ exchange: 'binance', fetchedAt: 1, markets: { 'BTC/USDT': 42 }, unknown: [] })) } }, /markets\.BTC\/USDT/],
      ['a market filed under another symbol', { data: { B: gz(JSON.stringify({ exchange: 'binance', fetchedAt: 1, markets: { 'ETH/USDT': market('BTC/USDT') }, unknown: [] })) } }, /filed under ETH\/USDT/],
      ['another exchange\'s snapshot', { data: { B: gz(goodJson.replace('"binance"', '"bybit"')) } }, /snapshot of bybit, not binance/],
      ['a number the document client cannot read', { data: { B: gz(goodJson) }, fetchedAt: { N: '1.5e100' } }, null as unknown as RegExp],
    ];
    for (const [name, attrs, reason] of cases) {
      await putRaw({ pk: { S: 'markets#binance' }, ...attrs });
      const seen = recorder();
      const cache = createDynamoMarketsCache({ client: r.doc, table, retainMs: 3_600_000, corruptRows: seen });
      if (reason === null) {
        // The extra attribute is not part of the snapshot: the row is readable and valid.
        assert.equal((await cache.get('binance'))?.exchange, 'binance', name);
        assert.deepEqual(seen.rows, [], name);
        continue;
      }
      assert.equal(await cache.get('binance'), undefined, name);
      assert.equal(seen.rows.length, 1, name);
      assert.deepEqual({ ...seen.rows[0], reason: undefined }, { kind: 'markets', table, key: 'markets#binance', reason: undefined }, name);
      assert.match(seen.rows[0]!.reason, reason, name);
    }
  });

  describe('a corrupt markets row does not block the exchange (the scan, through real ccxt and the simulator)', () => {
    let sim: BinanceSim;
    const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
    before(async () => {
      sim = await startBinanceSim({ symbols: SYMBOLS, nowMs: SCAN_NOW });
    });
    after(() => sim.close());

    it('bad gzip: the scan reloads the markets, scans every symbol, rewrites the row; the warning and the metric are emitted once', async () => {
      await putRaw({ pk: { S: 'markets#binance' }, data: { B: Uint8Array.from([0x1f, 0x8b, 0, 0]) }, fetchedAt: { N: String(SCAN_NOW) } });
      const infoHits = sim.hits.exchangeInfo;
      const deps = runtimeFor(r, scanConfig(sim.url, SYMBOLS)).deps({ log: silentLog, remainingMs: () => 60_000, clock: testClock(SCAN_NOW) });
      const { result: report, lines } = await captureJsonOutput(() => runScan(deps, '1h'));
      assert.equal(report.scanned, SYMBOLS.length, JSON.stringify(report.failures));
      assert.equal(report.failed, 0);
      assert.equal(sim.hits.exchangeInfo - infoHits, 1, 'markets fetched from the exchange once');
      const warn = lines.filter((l) => l.message === 'cached row failed validation; treated as absent and rewritten');
      assert.equal(warn.length, 1, JSON.stringify(lines));
      assert.equal(warn[0]!.level, 'WARN');
      assert.equal(warn[0]!.key, 'markets#binance');
      assert.match(String(warn[0]!.reason), /data is not gzip/);
      const emf = lines.filter((l) => l[CORRUPT_ROWS_METRIC] !== undefined);
      assert.equal(emf.length, 1);
      assert.equal(emf[0]![CORRUPT_ROWS_METRIC], 1);
      assert.equal(emf[0]!.row, 'markets');
      // Rewritten: a new reader gets a valid snapshot.
      const seen = recorder();
      const snapshot = await createDynamoMarketsCache({ client: r.doc, table, retainMs: 3_600_000, corruptRows: seen }).get('binance');
      assert.deepEqual(Object.keys(snapshot?.markets ?? {}).sort(), [...SYMBOLS].sort());
      assert.deepEqual(seen.rows, []);
    });

    it('a cached market ccxt refuses is reported and reloaded, not an error on every symbol', async () => {
      const cache = { get: async () => ({ exchange: 'binance', fetchedAt: Date.now(), markets: { 'BTC/USDT': null as unknown }, unknown: [] }), put: async () => {} };
      const seen = recorder();
      const { createCcxtExchange } = await import('../../lib/exchange/ccxt-exchange.js');
      const adapter = await createCcxtExchange({ id: 'binance', apiBase: sim.url, marketsCache: cache, marketsTtlMs: 3_600_000, clock: { now: () => Date.now() }, corruptRows: seen });
      const prepared = await adapter.prepare(['BTC/USDT']);
      assert.deepEqual(prepared, { known: ['BTC/USDT'], unknown: [], fromCache: false });
      assert.equal(seen.rows.length, 1);
      assert.match(seen.rows[0]!.reason, /ccxt refused the cached markets/);
      assert.equal((await adapter.fetchCandles('BTC/USDT', '1h', 3)).length, 3);
      await binanceAt(sim.url); // the simulator still serves a plain adapter
    });
  });

  it('chart file ids: wrong types and missing fields → a reported miss; the next upload rewrites the row', async () => {
    const future = String(Math.floor(Date.now() / 1000) + 3600);
    const cases: [string, Record<string, AttributeValue>, RegExp][] = [
      ['fileId a number', { fileId: { N: '12' }, expiresAt: { N: future } }, /fileId/],
      ['fileId empty', { fileId: { S: '' }, expiresAt: { N: future } }, /fileId/],
      ['expiresAt missing', { fileId: { S: 'AgAD' } }, /expiresAt/],
      ['expiresAt a string', { fileId: { S: 'AgAD' }, expiresAt: { S: 'tomorrow' } }, /expiresAt/],
      ['expiresAt unreadable', { fileId: { S: 'AgAD' }, expiresAt: { N: '1.5e100' } }, /expiresAt/],
    ];
    for (const [name, attrs, reason] of cases) {
      await putRaw({ pk: { S: 'chart#sig-1' }, ...attrs });
      const seen = recorder();
      const cache = createDynamoChartFileCache({ client: r.doc, table, corruptRows: seen });
      assert.equal(await cache.get('sig-1'), undefined, name);
      assert.equal(seen.rows.length, 1, name);
      assert.equal(seen.rows[0]!.key, 'chart#sig-1');
      assert.match(seen.rows[0]!.reason, reason, name);
      await cache.put('sig-1', 'AgADfresh', Date.now());
      assert.equal(await cache.get('sig-1'), 'AgADfresh', name);
      assert.equal(seen.rows.length, 1, name);
    }
  });

  it('send-rate chat slot: a nextAt of the wrong type or beyond any lease does not silence the chat', async () => {
    const T = Date.UTC(2026, 5, 1);
    for (const [name, nextAt, reason] of [
      ['a string', { S: 'soon' }, /nextAt is not a number/],
      ['a boolean', { BOOL: true }, /nextAt is not a number/],
      ['far in the future', { N: String(T + 10 * 86_400_000) }, /beyond any lease/],
      ['unreadable', { N: '1.5e100' }, /beyond any lease/],
    ] as const) {
      const chat = 7000 + name.length;
      await putRaw({ pk: { S: `rate#chat#${chat}` }, nextAt: nextAt as AttributeValue, expiresAt: { N: '99999999999' } });
      const clock = testClock(T);
      const seen = recorder();
      const limiter = createDynamoSendRateLimiter({ client: r.doc, table, perChatIntervalMs: 1000, globalPerSecond: 25, clock, sleep: async (ms) => clock.advance(ms), corruptRows: seen });
      const slot = await limiter.acquire(chat, 2_000);
      assert.ok(slot.ok, `${name}: ${JSON.stringify(slot)}`);
      await slot.release();
      assert.equal(seen.rows.length, 1, name);
      assert.deepEqual([seen.rows[0]!.kind, seen.rows[0]!.key], ['send-rate', `rate#chat#${chat}`]);
      assert.match(seen.rows[0]!.reason, reason, name);
      const row = (await r.doc.send(new GetCommand({ TableName: table, Key: { pk: `rate#chat#${chat}` } }))).Item;
      assert.equal(typeof row?.nextAt, 'number', `${name}: rewritten`);
      assert.ok((row!.nextAt as number) <= clock.now() + 1000, `${name}: released`);
    }
  });

  it('send-rate global window: a window row of the wrong type reads as full; the sender takes the next window', async () => {
    const T = Date.UTC(2026, 5, 1, 0, 0, 0, 0);
    await putRaw({ pk: { S: `rate#global#${T}` }, n: { S: 'lots' } });
    const clock = testClock(T);
    const limiter = createDynamoSendRateLimiter({ client: r.doc, table, perChatIntervalMs: 1000, globalPerSecond: 25, clock, sleep: async (ms) => clock.advance(ms) });
    const slot = await limiter.acquire(8001, 2_000);
    assert.ok(slot.ok);
    assert.ok(clock.now() >= T + 100, 'moved on to the next window');
    await slot.release();
  });

  it('circuit breaker: wrong types and unreadable numbers read as closed (reported); the next failure rewrites the row', async () => {
    const cases: [string, Record<string, AttributeValue>, RegExp][] = [
      ['unknown state', { state: { S: 'banana' }, failures: { N: '1' }, version: { N: '4' } }, /state/],
      ['failures a string', { state: { S: 'open' }, failures: { S: 'many' }, openUntil: { N: '99999999999999' }, version: { N: '2' } }, /failures/],
      ['version a string', { state: { S: 'open' }, failures: { N: '3' }, openUntil: { N: '99999999999999' }, version: { S: 'v1' } }, /version/],
      ['version negative', { state: { S: 'closed' }, failures: { N: '0' }, version: { N: '-1' } }, /version/],
      ['openUntil unreadable', { state: { S: 'open' }, failures: { N: '3' }, openUntil: { N: '1.5e100' }, version: { N: '3' } }, /openUntil/],
    ];
    const T0 = Date.UTC(2026, 0, 1);
    for (const [name, attrs, reason] of cases) {
      const ex = `ex-${name.replace(/\W/g, '')}`;
      await putRaw({ pk: { S: `breaker#${ex}` }, ...attrs });
      const seen = recorder();
      const store = createDynamoBreakerStore({ client: r.doc, table, failureThreshold: 3, cooldownMs: 300_000, trialMs: 60_000, corruptRows: seen });
      assert.deepEqual(await store.acquire(ex, T0), { allowed: true, trial: false }, name);
      assert.match(seen.rows[0]!.reason, reason, name);
      assert.deepEqual(await store.recordFailure(ex, T0), { state: 'closed', failures: 1, openUntil: 0 }, name);
      const fresh = recorder();
      const again = createDynamoBreakerStore({ client: r.doc, table, failureThreshold: 3, cooldownMs: 300_000, trialMs: 60_000, corruptRows: fresh });
      assert.deepEqual(await again.read(ex), { state: 'closed', failures: 1, openUntil: 0 }, `${name}: rewritten`);
      assert.deepEqual(fresh.rows, [], `${name}: valid now`);
    }
    // A success on a corrupt row rewrites it too.
    await putRaw({ pk: { S: 'breaker#ex-success' }, state: { S: 'open' }, failures: { S: 'x' }, version: { N: '7' } });
    const seen = recorder();
    const store = createDynamoBreakerStore({ client: r.doc, table, failureThreshold: 3, cooldownMs: 300_000, trialMs: 60_000, corruptRows: seen });
    await store.recordSuccess('ex-success', T0);
    const row = (await r.doc.send(new GetCommand({ TableName: table, Key: { pk: 'breaker#ex-success' } }))).Item;
    assert.deepEqual([row?.state, row?.failures, row?.version], ['closed', 0, 8]);
  });

  it('heartbeat: wrong types, missing fields, another timeframe, unreadable numbers → absent (reported); the next scan rewrites it', async () => {
    const ok = { timeframe: { S: '1h' }, completedAt: { N: '1' }, candleTime: { N: '0' }, scanned: { N: '3' }, failed: { N: '0' }, signalled: { N: '1' } };
    const cases: [string, Record<string, AttributeValue>, RegExp][] = [
      ['scanned a string', { ...ok, scanned: { S: 'three' } }, /scanned/],
      ['missing fields', { timeframe: { S: '1h' } }, /completedAt/],
      ['another timeframe', { ...ok, timeframe: { S: '4h' } }, /heartbeat of 4h, not 1h/],
      ['unreadable number', { ...ok, completedAt: { N: '1.5e100' } }, /completedAt/],
    ];
    for (const [name, attrs, reason] of cases) {
      await putRaw({ pk: { S: 'scan#1h' }, ...attrs });
      const seen = recorder();
      const store = createDynamoHeartbeatStore(r.doc, table, seen);
      assert.equal(await store.get('1h'), undefined, name);
      assert.equal(seen.rows.length, 1, name);
      assert.deepEqual([seen.rows[0]!.kind, seen.rows[0]!.key], ['heartbeat', 'scan#1h']);
      assert.match(seen.rows[0]!.reason, reason, name);
      const beat = { timeframe: '1h', completedAt: 2, candleTime: 0, scanned: 1, failed: 0, signalled: 0 };
      await store.put(beat);
      assert.deepEqual(await store.get('1h'), beat, name);
    }
  });
});

describe('the corrupt-row reporter', () => {
  it('logs each (table, key, reason) once, counts every occurrence, and remembers a bounded number of rows', () => {
    const warns: Record<string, unknown>[] = [];
    const counts: string[] = [];
    const reporter = corruptRowReporter({ warn: (_m, extra) => void warns.push(extra), count: (kind) => void counts.push(kind) }, 2);
    const row = { kind: 'markets' as const, table: 't', key: 'markets#a', reason: 'bad gzip' };
    reporter.corrupt(row);
    reporter.corrupt(row);
    reporter.corrupt({ ...row, reason: 'bad JSON' });
    assert.equal(warns.length, 2);
    assert.equal(counts.length, 3);
    reporter.corrupt({ ...row, key: 'markets#b' }); // the memory (2) is full: it starts over
    reporter.corrupt(row);
    assert.equal(warns.length, 4);
  });

  it('the default one writes a Powertools warning and an EMF metric (namespace candlebot, dimension row)', async () => {
    const { lines } = await captureJsonOutput(async () => {
      defaultCorruptRowReporter().corrupt({ kind: 'heartbeat', table: 'T', key: `scan#${Math.random()}`, reason: 'test' });
    });
    const warn = lines.find((l) => l.message === 'cached row failed validation; treated as absent and rewritten');
    assert.equal(warn?.level, 'WARN');
    const emf = lines.find((l) => l[CORRUPT_ROWS_METRIC] === 1) as { _aws?: { CloudWatchMetrics?: { Namespace: string; Dimensions: string[][] }[] }; row?: string } | undefined;
    assert.equal(emf?._aws?.CloudWatchMetrics?.[0]?.Namespace, 'candlebot');
    assert.equal(emf?.row, 'heartbeat');
  });
});
