import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeScanHandler } from '../../functions/scan.js';
import { localContext } from '../../lib/aws/lambda-context.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { FAST_STRATEGIES } from '../support/scan-fixture.js';
import { captureStdout } from '../support/capture-stdout.js';
import { createDynamoUserStore } from '../../lib/store/users/user-store.js';
import { tempDir } from '../support/temp-dir.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT'];


/** Invokes the handler expecting a rejection; returns the error (fails the test if it resolved). */
async function invocationError(handler: ReturnType<typeof makeScanHandler>, event: unknown, requestId: string): Promise<Error & { code?: string }> {
  const { result } = await captureStdout(() =>
    handler(event, localContext('scan', 60_000, requestId)).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    ),
  );
  assert.ok(result instanceof Error, 'the invocation should have failed');
  return result;
}

describe('functions/scan handler (middy + Powertools) on the live clock', () => {
  let r: TestResources;
  let sim: BinanceSim;
  let configPath: string;
  before(async () => {
    r = await testResources('scan-handler');
    // USERS_TABLE is in the environment: notifications go to the subscribed chats. One chat subscribed to everything.
    const users = createDynamoUserStore({ client: r.doc, table: r.tables.UsersTable! });
    await users.register(42, Date.now());
    await users.subscribe({ chatId: 42, symbol: '*', strategy: '*', timeframe: '*' }, Date.now());
    // The handler reads the wall clock: the simulator serves candles up to "now".
    sim = await startBinanceSim({ symbols: SYMBOLS, nowMs: Date.now() });
    configPath = join(tempDir('candlebot-handler-'), 'candlebot.config.yml');
    writeFileSync(
      configPath,
      stringify({
        exchanges: [{ id: 'binance', symbols: [...SYMBOLS, 'NOPE/USDT'], timeframes: ['1m'], apiBase: sim.url, timeoutMs: 5000 }],
        strategies: FAST_STRATEGIES,
        scan: { candles: 100, reserveMs: 1000 },
        telegram: { adminChatIds: [42] },
      }),
    );
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  const env = () => ({ ...r.env, CANDLEBOT_CONFIG_PATH: configPath });

  // Issue 14 (deliberate): the counts are no longer metrics, they stay in the `scan finished` line; the one scan
  // metric is ScanFailureRatio {timeframe} (lib/runtime/metric-catalogue.ts).
  it('scans, returns the counts, logs the report and emits the ScanFailureRatio metric', async () => {
    // The simulator and the handler must agree on which 1m candle just closed: keep clear of a minute boundary.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((res) => setTimeout(res, 61_000 - intoMinute));
    sim.setNow(Date.now());
    const handler = makeScanHandler({ env: env() });
    const { result, lines } = await captureStdout(() => handler({ timeframe: '1m' }, localContext('scan', 60_000, 'req-1')));
    assert.equal(result.timeframe, '1m');
    assert.equal(result.scanned, SYMBOLS.length);
    assert.equal(result.failed, 1, 'NOPE/USDT is not listed');
    assert.equal(result.skipped, 0);
    const json = lines;
    const finished = json.find((j) => j.message === 'scan finished');
    assert.ok(finished, 'report logged');
    assert.equal(finished.function_request_id, 'req-1', 'Lambda context injected into logs');
    assert.equal(finished.scanned, SYMBOLS.length);
    assert.equal(finished.failed, 1);
    assert.equal(finished.signalled, result.signalled);
    assert.equal(typeof finished.durationMs, 'number');
    assert.equal(finished.failureRatio, 1 / (SYMBOLS.length + 1));
    const emf = json.find((j) => j._aws !== undefined);
    assert.ok(emf, 'EMF metrics flushed');
    assert.equal(emf.ScanFailureRatio, 1 / (SYMBOLS.length + 1), 'failed / (scanned + failed)');
    assert.equal(emf.timeframe, '1m');
    assert.equal(emf.SymbolsScanned, undefined, 'counts stay in the log line');
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.equal(sent.length, result.signalled, 'one notification per signal for the single subscribed chat');
    assert.ok(sent.every((n) => n.chatId === 42));
  });

  it('rejects a malformed event with a specific error and changes nothing', async () => {
    const result = await invocationError(makeScanHandler({ env: env() }), { timeframe: '2w' }, 'req-2');
    assert.equal(result.code, 'INVALID_EVENT');
    assert.match(result.message, /timeframe/);
    assert.deepEqual(await drainQueue(r.sqs, r.queues.NotifyQueue!), []);
  });

  it('fails fast naming the missing environment variable', async () => {
    const { SIGNALS_TABLE: _omit, ...partial } = env();
    const result = await invocationError(makeScanHandler({ env: partial }), { timeframe: '1m' }, 'req-3');
    assert.equal(result.code, 'INVALID_ENV');
    assert.match(result.message, /SIGNALS_TABLE/);
  });

  it('fails fast on a bad config file, naming the field', async () => {
    const bad = join(tempDir('candlebot-handler-'), 'bad.yml');
    writeFileSync(bad, stringify({ exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['7m'] }], strategies: [{ name: 'ema-cross' }] }));
    const result = await invocationError(makeScanHandler({ env: { ...env(), CANDLEBOT_CONFIG_PATH: bad } }), { timeframe: '1m' }, 'req-4');
    assert.equal(result.code, 'INVALID_CONFIG');
    assert.match(result.message, /exchanges\[0\]\.timeframes\[0\]/);
  });
});
