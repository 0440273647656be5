/** infra/scan-schedules.cjs (used by serverless.yml) must agree with lib/core/timeframe.ts. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scheduleExpression, TIMEFRAMES } from '../../lib/core/timeframe.js';

const require = createRequire(import.meta.url);
const schedules = require('../../infra/scan-schedules.cjs') as {
  (): Promise<{ schedule: { rate: string[]; input: { timeframe: string } } }[]>;
  scheduleExpression(tf: string): string;
  configTimeframes(config: unknown): string[];
  validatedConfig(file?: string): { exchanges: { timeframes: string[] }[] };
  readConfig(): unknown;
  TIMEFRAMES: string[];
};

const dir = mkdtempSync(join(tmpdir(), 'candlebot-scan-schedules-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('scan schedules', () => {
  test('support exactly the timeframes of lib/core/timeframe.ts', () => {
    assert.deepEqual(schedules.TIMEFRAMES, [...TIMEFRAMES]);
  });

  test('use the same cron expression as scheduleExpression(tf) for every timeframe', () => {
    for (const tf of TIMEFRAMES) assert.equal(schedules.scheduleExpression(tf), scheduleExpression(tf), tf);
  });

  test('known closes: 5m, 1h, 4h, 1d', () => {
    assert.equal(schedules.scheduleExpression('5m'), 'cron(0/5 * * * ? *)');
    assert.equal(schedules.scheduleExpression('1h'), 'cron(0 * * * ? *)');
    assert.equal(schedules.scheduleExpression('4h'), 'cron(0 0/4 * * ? *)');
    assert.equal(schedules.scheduleExpression('1d'), 'cron(0 0 * * ? *)');
  });

  test('reject an unknown timeframe', () => {
    assert.throws(() => schedules.scheduleExpression('7m'), /unsupported timeframe "7m"/);
  });

  test('collect the distinct timeframes of every exchange, shortest first', () => {
    const config = { exchanges: [{ timeframes: ['4h', '15m'] }, { timeframes: ['1h', '15m'] }] };
    assert.deepEqual(schedules.configTimeframes(config), ['15m', '1h', '4h']);
    assert.deepEqual(schedules.configTimeframes({}), []);
  });

  test('the resolver turns candlebot.config.yml into one schedule event per timeframe', async () => {
    const events = await schedules();
    assert.ok(events.length > 0);
    for (const e of events) {
      assert.deepEqual(e.schedule.rate, [schedules.scheduleExpression(e.schedule.input.timeframe)]);
    }
    assert.equal(new Set(events.map((e) => e.schedule.input.timeframe)).size, events.length);
  });

  test('validate the config as the functions load it, plus the deployment checks, and refuse without a stack trace', () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, 'exchanges: [{ id: kraken, symbols: [BTC/USDT], timeframes: [1h, 2w] }]\nstrategies: [{ name: ema-cross }]\nrisk: { stakeFraction: -0.1 }\n');
    assert.throws(
      () => schedules.validatedConfig(file),
      (e: Error) =>
        /^candlebot: invalid config file .*bad\.yml:\n/.test(e.message) &&
        /exchanges\[0\]\.timeframes\[1\]: Invalid option/.test(e.message) &&
        /risk\.stakeFraction: /.test(e.message) &&
        e.stack === e.message,
    );
    writeFileSync(file, 'exchanges: [{ id: kraken, symbols: [BTC/USDT], timeframes: [1h] }]\nstrategies: [{ name: ema-cross }]\n');
    assert.throws(() => schedules.validatedConfig(file), /exchanges\[0\]\.id: exchange "kraken" is not bundled/);
    assert.deepEqual(schedules.configTimeframes(schedules.validatedConfig()), schedules.configTimeframes(schedules.readConfig()), 'the shipped config passes');
  });
});
