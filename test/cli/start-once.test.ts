/**
 * `npm start -- --once` ends with ONE summary line (scanned / failed by code / signals) and
 * exits non-zero when nothing could be scanned (every symbol failed).
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../infra/dynamodb-local.js';
import { runStart } from '../support/run-cli.js';
import { FAST_STRATEGIES } from '../support/scan-fixture.js';

describe('npm start -- --once: summary and exit code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'candlebot-once-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('every symbol failed (exchange unreachable): one summary line with the codes, exit non-zero', async () => {
    const port = await freePort(); // nothing listens there: connection refused
    const config = join(dir, 'unreachable.config.yml');
    writeFileSync(
      config,
      stringify({
        exchanges: [{ id: 'binance', symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1m', '5m'], apiBase: `http://127.0.0.1:${port}`, timeoutMs: 2000 }],
        strategies: FAST_STRATEGIES,
        scan: { candles: 100 },
      }),
    );
    const { code, out } = await runStart(['--once', '--config', config], 180_000);
    const summaries = out.split('\n').filter((l) => l.startsWith('scan summary:'));
    assert.equal(summaries.length, 1, out);
    assert.match(summaries[0]!, /^scan summary: 2 timeframe\(s\), 0 scanned, 4 failed \([A-Z_]+ \d+(, [A-Z_]+ \d+)*\), 0 skipped, 0 signal\(s\)/, out);
    assert.match(summaries[0]!, /nothing could be scanned/);
    assert.notEqual(code, 0, out);
    assert.doesNotMatch(out, /\n\s+at /, 'no stack trace');
  });
});
