import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { localDocumentClient } from '../../infra/local-clients.js';
import type { Log } from '../../lib/ports/log.js';
import { runScan } from '../../lib/scan/run-scan.js';
import { createDynamoBreakerStore } from '../../lib/store/state/breaker-store.js';
import { testClock } from '../support/clock.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { runtimeFor, SCAN_NOW, scanConfig } from '../support/scan-fixture.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];

function recordingLog(): Log & { lines: { level: string; message: string; extra?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) => void lines.push({ level, message, ...(extra ? { extra } : {}) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('DynamoDB throttling on the circuit breaker (aws-sdk-client-mock: cannot be provoked on DynamoDB Local)', () => {
  let r: TestResources;
  let sim: BinanceSim;
  before(async () => {
    r = await testResources('scan-aws-faults');
    sim = await startBinanceSim({ symbols: SYMBOLS, nowMs: SCAN_NOW });
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  it('a throttled breaker update is logged with its class; the scan and its signals stand', async () => {
    const breakerClient = localDocumentClient(r.ddbEndpoint);
    const mock = mockClient(breakerClient);
    mock.on(GetCommand).resolves({});
    mock.on(UpdateCommand).rejects(new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput', $metadata: { httpStatusCode: 400 } }));
    const log = recordingLog();
    const base = runtimeFor(r, scanConfig(sim.url, SYMBOLS)).deps({ log, remainingMs: () => 60_000, clock: testClock(SCAN_NOW) });
    const breaker = createDynamoBreakerStore({ client: breakerClient, table: r.tables.StateTable!, failureThreshold: 3, cooldownMs: 300_000, trialMs: 120_000 });
    // Make the exchange fail so the breaker must record a failure (an UpdateItem).
    sim.setFault('BTC/USDT', { kind: 'status', status: 503 });
    sim.setFault('ETH/USDT', { kind: 'status', status: 503 });
    sim.setFault('SOL/USDT', { kind: 'status', status: 503 });
    const report = await runScan({ ...base, breaker }, '1h');
    assert.equal(report.failed, 3);
    const line = log.lines.find((l) => l.message === 'circuit breaker state could not be updated');
    assert.ok(line, JSON.stringify(log.lines));
    assert.equal(line.level, 'error');
    assert.match(String(line.extra?.error), /AWS_TRANSIENT: record|ProvisionedThroughputExceeded/);
    assert.ok(mock.commandCalls(UpdateCommand).length >= 1);
    mock.restore();
  });

  it('a throttled breaker read fails that exchange\'s symbols with a transient code, without crashing the scan', async () => {
    const breakerClient = localDocumentClient(r.ddbEndpoint);
    const mock = mockClient(breakerClient);
    mock.on(GetCommand).rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: { httpStatusCode: 400 } }));
    const log = recordingLog();
    const base = runtimeFor(r, scanConfig(sim.url, SYMBOLS)).deps({ log, remainingMs: () => 60_000, clock: testClock(SCAN_NOW) });
    const breaker = createDynamoBreakerStore({ client: breakerClient, table: r.tables.StateTable!, failureThreshold: 3, cooldownMs: 300_000, trialMs: 120_000 });
    const report = await runScan({ ...base, breaker }, '1h');
    assert.deepEqual(
      report.failures.map((f) => [f.symbol, f.code, f.kind]),
      SYMBOLS.map((s) => [s, 'AWS_TRANSIENT', 'transient']),
    );
    mock.restore();
  });
});
