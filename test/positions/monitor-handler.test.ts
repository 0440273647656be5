import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeMonitorHandler } from '../../functions/monitor.js';
import { localContext } from '../../lib/aws/lambda-context.js';
import { parseConfig } from '../../lib/config/load.js';
import { lastClosedOpenTime } from '../../lib/core/timeframe.js';
import { testClock } from '../support/clock.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { HOUR, openerFor, positionSignal, storeFor } from './fixture.js';
import { captureStdout } from '../support/capture-stdout.js';
import { tempDir } from '../support/temp-dir.js';

const SCHEDULED = { version: '0', id: 'e1', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: {} };


describe('functions/monitor handler (middy + Powertools) on the live clock', () => {
  let r: TestResources;
  let sim: BinanceSim;
  let configPath: string;
  before(async () => {
    r = await testResources('monitor-handler');
    // Keep clear of an hour boundary: the simulator and the handler must agree on the last closed 1h candle.
    const intoHour = Date.now() % HOUR;
    if (intoHour > HOUR - 20_000) await new Promise((res) => setTimeout(res, HOUR - intoHour + 1000));
    sim = await startBinanceSim({ symbols: ['BTC/USDT'], nowMs: Date.now() });
    const raw = { exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'], apiBase: sim.url, timeoutMs: 5000 }], strategies: [{ name: 'ema-cross' }], telegram: { adminChatIds: [42] } };
    configPath = join(tempDir('candlebot-monitor-'), 'candlebot.config.yml');
    writeFileSync(configPath, stringify(raw));
    // One open position whose entry candle has closed.
    const signalTime = lastClosedOpenTime(Date.now(), '1h') - HOUR;
    const opener = openerFor(storeFor(r), parseConfig(raw), testClock(signalTime + HOUR + 1000), [42]);
    assert.equal((await opener.open(positionSignal({ candleTime: signalTime, entry: 1000, stop: 1, target: 1_000_000 }))).status, 'opened');
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  const env = () => ({ ...r.env, CANDLEBOT_CONFIG_PATH: configPath });

  // Issue 14 (deliberate): the monitor's one metric is MonitorFailures (every run); the counts stay in `monitor finished`.
  it('checks the open positions, delivers the opened notification, logs the report and emits the MonitorFailures metric', async () => {
    const handler = makeMonitorHandler({ env: env() });
    const { result, lines } = await captureStdout(() => handler(SCHEDULED, localContext('monitor', 60_000, 'req-m1')));
    assert.deepEqual(result, { listed: 1, closed: 0, quarantined: 0, failed: 0, notified: 1 });
    const finished = lines.find((j) => j.message === 'monitor finished');
    assert.ok(finished, 'report logged');
    assert.equal(finished.function_request_id, 'req-m1');
    assert.equal(finished.progressed, 1, 'the entry candle was checked and recorded');
    assert.equal(finished.listed, 1);
    assert.equal((finished.events as { delivered: number }).delivered, 1);
    assert.equal(typeof finished.durationMs, 'number');
    const emf = lines.find((j) => j._aws !== undefined);
    assert.equal(emf?.MonitorFailures, 0, 'published on every run, 0 included');
    assert.equal(emf?.PositionsListed, undefined, 'counts stay in the log line');
  });

  it('rejects an event that is not a scheduled event', async () => {
    const handler = makeMonitorHandler({ env: env() });
    const { result } = await captureStdout(() => handler({ timeframe: '1h' }, localContext('monitor', 60_000, 'req-m2')).then(() => undefined, (e: Error & { code?: string }) => e));
    assert.equal(result?.code, 'INVALID_EVENT');
  });

  it('fails fast naming a missing environment variable', async () => {
    const { POSITIONS_TABLE: _omit, ...partial } = env();
    const handler = makeMonitorHandler({ env: partial });
    const { result } = await captureStdout(() => handler({}, localContext('monitor', 60_000, 'req-m3')).then(() => undefined, (e: Error & { code?: string }) => e));
    assert.equal(result?.code, 'INVALID_ENV');
    assert.match(String(result?.message), /POSITIONS_TABLE/);
  });
});
