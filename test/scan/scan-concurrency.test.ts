import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { silentLog } from '../../lib/ports/log.js';
import { runScan } from '../../lib/scan/run-scan.js';
import { testClock } from '../support/clock.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { expectedSignals, runtimeFor, SCAN_NOW, scanConfig } from '../support/scan-fixture.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'ADA/USDT', 'DOGE/USDT', 'TRX/USDT'];
const SCANS = 20;

describe('20 simultaneous scans of the same closed candle', () => {
  let r: TestResources;
  let sim: BinanceSim;
  before(async () => {
    r = await testResources('scan-concurrency');
    sim = await startBinanceSim({ symbols: SYMBOLS, nowMs: SCAN_NOW, seed: 7 });
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  it('record exactly one row per signal id and exactly one notification per subscriber', async () => {
    // 20 ccxt instances on 2 cores: allow a generous HTTP timeout (a timeout here is machine load, not the subject).
    const config = scanConfig(sim.url, SYMBOLS, {}, 15_000);
    const expected = await expectedSignals(await binanceAt(sim.url), config, SYMBOLS, '1h', SCAN_NOW);
    assert.ok(expected.length >= 2, `fixture must signal (got ${expected.length})`);

    // Each scan is its own "container": its own runtime, SDK clients and ccxt instance.
    const reports = await Promise.all(
      Array.from({ length: SCANS }, (_, i) =>
        runScan(runtimeFor(r, config).deps({ log: silentLog, remainingMs: () => 60_000, clock: testClock(SCAN_NOW + i) }), '1h'),
      ),
    );
    assert.ok(reports.every((rep) => rep.failed === 0 && rep.scanned === SYMBOLS.length), JSON.stringify(reports.flatMap((rep) => rep.failures).slice(0, 5)));
    assert.equal(reports.reduce((n, rep) => n + rep.signalled, 0), expected.length, 'each signal recorded by exactly one scan');
    assert.equal(reports.reduce((n, rep) => n + rep.duplicates, 0), expected.length * (SCANS - 1));

    const rows = (await r.doc.send(new ScanCommand({ TableName: r.tables.SignalsTable! }))).Items ?? [];
    assert.deepEqual(rows.map((row) => row.id).sort(), expected.map((s) => s.id).sort());
    const pending = await r.doc.send(
      new QueryCommand({ TableName: r.tables.SignalsTable!, IndexName: 'outbox-pending', KeyConditionExpression: 'outbox = :p', ExpressionAttributeValues: { ':p': 'PENDING' } }),
    );
    assert.equal(pending.Count, 0, 'no outbox row left pending');

    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.equal(sent.length, expected.length * 2);
    assert.deepEqual(new Set(sent.map((n) => n.id)).size, sent.length, 'no notification twice');
    assert.deepEqual(sent.map((n) => n.id).sort(), expected.flatMap((s) => [`${s.id}#chat#111`, `${s.id}#chat#222`]).sort());
  });
});
