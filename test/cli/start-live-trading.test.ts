/**
 * `npm start -- --once` with an exchange trading live (issue 15): the local run wires the live
 * table from infra/tables.yml, reads the keys from the CANDLEBOT_<ID>_* variables and runs
 * reconcile after the scan and the monitor, as the deployed schedule does — against the Binance
 * simulator on 127.0.0.1 through real ccxt.
 */
import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { runStart } from '../support/run-cli.js';
import { FAST_STRATEGIES } from '../support/scan-fixture.js';
import { tempDir } from '../support/temp-dir.js';

const KEYS = { apiKey: 'start-live-key', secret: 'start-live-secret' };

describe('npm start -- --once with a live exchange (simulator)', () => {
  const dir = tempDir('candlebot-start-live-');
  let sim: BinanceSim;
  before(async () => {
    sim = await startBinanceSim({ symbols: ['BTC/USDT'], nowMs: Date.now(), account: { ...KEYS, balances: { USDT: 1000 } } });
  });
  after(async () => {
    await sim?.close();
  });

  it('runs reconcile for the live exchange after the scan and the monitor', async () => {
    const config = join(dir, 'live.config.yml');
    writeFileSync(
      config,
      stringify({
        exchanges: [
          {
            id: 'binance',
            symbols: ['BTC/USDT'],
            timeframes: ['1m'],
            apiBase: sim.url,
            timeoutMs: 5000,
            trading: { mode: 'live', sandbox: true, budget: 100, stake: 20, dailyLossLimit: 30 },
          },
        ],
        strategies: FAST_STRATEGIES,
        scan: { candles: 100 },
      }),
    );
    const withKeys = await runStart(['--once', '--config', config], 240_000, { env: { CANDLEBOT_BINANCE_API_KEY: KEYS.apiKey, CANDLEBOT_BINANCE_SECRET: KEYS.secret } });
    const line = withKeys.out.split('\n').find((l) => /\] reconcile: /.test(l));
    assert.ok(line, `a reconcile line:\n${withKeys.out}`);
    assert.match(line, /reconcile: \{"exchanges":\["binance"\],"alerts":0,"failed":0\}/, withKeys.out);
    assert.equal(withKeys.code, 0, withKeys.out);
    assert.ok(sim.requestLog.some((r) => r.path === '/api/v3/openOrders' || r.path === '/api/v3/account'), 'reconcile asked the simulator about the account');
  });
});
