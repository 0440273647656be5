/**
 * `npm run cost` measuring for real, on a small config (2 symbols, 1h, fast EMAs so that signals
 * occur, 3 subscribers, no added latency): every function of the template measured through its
 * handler against the local stack, with AWS requests, request units, log bytes and CPU counted;
 * the measurement saved from --json gives the same bill again through --measured.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const TEMPLATE = 'test/cost/fixtures/template.json';

type Q = Record<string, number>;
interface Fn { driver: string; base: Record<string, Q>; perUnit: Q; warmSamples: number; coldSamples: number; meanX: number }
interface Output { bill: { total: { list: number; withFreeTier: number } }; measurement: { subscribers: number; latencyMs: number; functions: Record<string, Fn>; notes: string[]; storage: Q } }

describe('npm run cost: a real measurement of a small config', () => {
  it('measures every function of the template and its saved measurement reproduces the bill', async () => {
    const dir = tempDir('candlebot-cost-');
    const config = join(dir, 'small.yml');
    writeFileSync(
      config,
      stringify({
        exchanges: [{ id: 'binance', symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h'] }],
        strategies: [{ name: 'ema-cross', params: { fast: 2, slow: 4, atr: 3 } }],
        telegram: { adminChatIds: [1] },
      }),
    );
    const args = ['--config', config, '--template', TEMPLATE, '--json', '--subscribers', '3'];
    const out = await runCli('test/bench/cost/cli.ts', [...args, '--latency-ms', '0'], 300_000);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /cost: timeline: 12 closes of 1h/);
    const o = JSON.parse(out.stdout) as Output;
    const m = o.measurement;
    assert.deepEqual([m.subscribers, m.latencyMs], [3, 0]);
    for (const fn of ['scan', 'monitor', 'notify', 'webhook', 'summary', 'health']) {
      const f = m.functions[fn];
      assert.ok(f, `${fn} measured`);
      assert.ok(f.warmSamples >= 1 && f.coldSamples === 1, `${fn}: ${f.warmSamples} warm, ${f.coldSamples} cold`);
      const base = Object.values(f.base)[0]!;
      assert.ok(base['cpuMs']! + f.perUnit['cpuMs']! > 0 && base['wallMs']! + f.perUnit['wallMs']! > 0, `${fn}: CPU and wall time`);
      assert.ok(base['logBytes']! + f.perUnit['logBytes']! > 0, `${fn}: log bytes`);
    }
    const scan = m.functions['scan']!;
    assert.equal(scan.driver, 'signal');
    assert.ok(scan.base['1h']!['ddbRequests']! > 0 && scan.base['1h']!['rru']! > 0, 'the scan reads DynamoDB every run (breaker, control)');
    assert.ok(scan.perUnit['wru']! > 0 && scan.perUnit['sqsRequests']! > 0, 'a signal is written and its messages sent');
    const notify = m.functions['notify']!;
    assert.equal(notify.driver, 'message');
    const callsPerBatch = notify.base['all']!['telegramCalls']! + notify.perUnit['telegramCalls']! * notify.meanX;
    assert.ok(callsPerBatch >= notify.meanX - 1e-9, `a message is one Bot API call at least: ${callsPerBatch} calls for ${notify.meanX} messages`);
    assert.ok(m.storage['bytesPerSignal']! > 0 && m.storage['bytesPerSubscriber']! > 0);
    assert.deepEqual(m.notes.filter((n) => /answered|not measured|no message/.test(n)), [], 'no scenario failed');
    assert.ok(m.notes.some((n) => n.startsWith('scan: the first invocation in this process')), 'the warm-up is reported');

    const saved = join(dir, 'measured.json');
    writeFileSync(saved, out.stdout);
    const again = await runCli('test/bench/cost/cli.ts', [...args, '--measured', saved], 60_000);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((JSON.parse(again.stdout) as Output).bill.total, o.bill.total);
    assert.doesNotMatch(again.stderr, /starting DynamoDB Local/, 'nothing measured with --measured');
  });
});
