/** functions/monitor refreshes the pinned dashboards after its run when USERS_TABLE is set. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeMonitorHandler } from '../../functions/monitor.js';
import { localContext } from '../../lib/aws/lambda-context.js';
import { createDynamoUserStore } from '../../lib/store/users/user-store.js';
import { captureStdout } from '../support/capture-stdout.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { tempDir } from '../support/temp-dir.js';

describe('monitor handler → dashboards', () => {
  let r: TestResources;
  let configPath: string;
  before(async () => {
    r = await testResources('monitor-dash');
    configPath = join(tempDir('candlebot-mdash-'), 'candlebot.config.yml');
    // No open position: the monitor run needs no exchange.
    writeFileSync(configPath, stringify({ exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }] }));
    const users = createDynamoUserStore({ client: r.doc, table: r.tables.UsersTable! });
    await users.register(777, Date.now());
    assert.equal(await users.setDashboard(777, 5, undefined, Date.now()), true);
  });
  after(() => r.close());

  const run = async (env: Record<string, string>) => {
    const handler = makeMonitorHandler({ env });
    const { result, lines } = await captureStdout(() => handler({}, localContext('monitor', 60_000, 'req-d1')));
    return { result, lines };
  };

  // Issue 14 (deliberate): DashboardsEnqueued is no longer a metric; the outcome is logged (`dashboards refreshed`).
  it('with USERS_TABLE: one dashboard notification for the chat, and the refresh logged', async () => {
    const { result, lines } = await run({ ...r.env, CANDLEBOT_CONFIG_PATH: configPath });
    assert.deepEqual(result, { listed: 0, closed: 0, quarantined: 0, failed: 0, notified: 0 });
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.deepEqual(sent.map((n) => [n.kind, n.chatId]), [['dashboard', 777]]);
    assert.match(sent[0]!.text, /Open positions: 0/);
    assert.equal(lines.find((j) => j.message === 'dashboards refreshed')?.enqueued, 1);
  });

  it('without USERS_TABLE: the monitor runs as before and enqueues no dashboard', async () => {
    const { USERS_TABLE: _omit, ...env } = { ...r.env, CANDLEBOT_CONFIG_PATH: configPath };
    await run(env);
    assert.deepEqual(await drainQueue(r.sqs, r.queues.NotifyQueue!), []);
  });
});
