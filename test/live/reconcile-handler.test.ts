/**
 * The reconcile function's real handler (functions/reconcile.ts: runtime built from the
 * environment and the config file, keys from the local variables, the ccxt adapter, DynamoDB
 * Local and the SQS emulator) against the Binance simulator on 127.0.0.1: a paper-only config
 * returns at once without any AWS call; an empty live run; a run that finishes an in-flight entry
 * (filled at the exchange meanwhile: settled, protected with an OCO); an unknown bot order adopted
 * and alerted (LiveTradingAlerts published).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { stringify } from 'yaml';
import { makeReconcileHandler } from '../../functions/reconcile.js';
import { localContext } from '../../lib/aws/lambda-context.js';
import { parseConfig } from '../../lib/config/load.js';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import { createCcxtTrading } from '../../lib/exchange/trading/ccxt-trading.js';
import { createLiveOpener } from '../../lib/live/live-opener.js';
import { silentLog } from '../../lib/ports/log.js';
import { createReconcileRuntime } from '../../lib/runtime/reconcile.js';
import { createDynamoLiveStore } from '../../lib/store/live/live-store.js';
import { captureJsonOutput } from '../support/capture-stdout.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { tempDir } from '../support/temp-dir.js';
import { candleBefore, liveSignal } from './fixture.js';

const KEYS = { apiKey: 'handler-test-key', secret: 'handler-test-secret' };
const ADMIN = 901;
const SCHEDULED = { 'detail-type': 'Scheduled Event', source: 'aws.events' };
const quiet = () => new Logger({ serviceName: 'candlebot' });
const ctx = () => localContext('reconcile', 50_000, randomUUID());

describe('reconcile handler (real runtime from env + config file, DynamoDB Local, SQS emulator, ccxt → Binance simulator)', () => {
  let r: TestResources;
  let sim: BinanceSim;
  let dir: string;
  let liveRaw: Record<string, unknown>;
  let env: Record<string, string>;

  before(async () => {
    dir = tempDir('candlebot-reconcile-handler-');
    r = await testResources('reconcile-handler');
    sim = await startBinanceSim({ symbols: ['BTC/USDT', 'ETH/USDT'], nowMs: Date.now(), account: { ...KEYS, balances: { USDT: 10_000 } } });
    sim.setPrice('BTC/USDT', 101);
    sim.setPrice('ETH/USDT', 50);
    liveRaw = {
      exchanges: [
        {
          id: 'binance',
          symbols: ['BTC/USDT', 'ETH/USDT'],
          timeframes: ['1h'],
          apiBase: sim.url,
          timeoutMs: 5000,
          trading: { mode: 'live', sandbox: true, budget: 500, stake: 50, dailyLossLimit: 100, entryTimeoutMinutes: 15 },
        },
      ],
      strategies: [{ name: 'ema-cross' }],
      telegram: { adminChatIds: [ADMIN] },
    };
    const path = join(dir, 'live.config.yml');
    writeFileSync(path, stringify(liveRaw));
    env = {
      ...r.env,
      LIVE_TABLE: r.tables['LiveTable']!,
      CANDLEBOT_CONFIG_PATH: path,
      CANDLEBOT_BINANCE_API_KEY: KEYS.apiKey,
      CANDLEBOT_BINANCE_SECRET: KEYS.secret,
    };
  });
  after(async () => {
    await sim?.close();
    r?.close();
  });

  it('a paper-only config: returns at once, reads no table variable and makes no AWS call', async () => {
    const path = join(dir, 'paper.config.yml');
    writeFileSync(path, stringify({ exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }] }));
    const calls = join(dir, 'paper-calls.jsonl');
    // No LIVE_TABLE, no queue: a live runtime would refuse this environment.
    const handler = makeReconcileHandler({ env: { CANDLEBOT_CONFIG_PATH: path, CANDLEBOT_AWS_CALL_LOG: calls, AWS_REGION: 'us-east-1' }, logger: quiet() });
    const { result, lines } = await captureJsonOutput(() => handler(SCHEDULED, ctx()));
    assert.deepEqual(result, { exchanges: [], alerts: 0, failed: 0 });
    assert.equal(existsSync(calls), false, 'no AWS SDK call recorded');
    assert.equal(lines.filter((l) => l['_aws'] !== undefined).length, 0, 'no metric');
  });

  it('a live exchange without rows or orders: an empty run, no order sent, nothing written, no metric', async () => {
    const handler = makeReconcileHandler({ env, logger: quiet() });
    const { result, lines } = await captureJsonOutput(() => handler({}, ctx()));
    assert.deepEqual(result, { exchanges: ['binance'], alerts: 0, failed: 0 });
    const done = lines.find((l) => l['message'] === 'reconcile finished');
    assert.ok(done, 'the reconcile finished line');
    assert.deepEqual([done['exchanges'], done['ordersChecked'], done['settled'], done['closed'], done['adopted'], done['failed']], [1, 0, 0, 0, 0, 0]);
    assert.deepEqual(done['liveExchanges'], ['binance']);
    assert.equal(lines.filter((l) => l['_aws'] !== undefined).length, 0, 'LiveTradingAlerts only when > 0');
    assert.deepEqual(sim.orders(), []);
    const budget = await createDynamoLiveStore({ client: r.doc, table: r.tables['LiveTable']! }).getBudget('binance');
    assert.equal(budget, undefined, 'no budget row before the first entry (balances are kept on it once it exists)');
  });

  it('an in-flight entry filled at the exchange meanwhile: the run settles it, places the OCO and tells the subscriber', async () => {
    // The scan's part, through this function's own wiring: the entry (limit 100 × 1.002) rests below the market (101).
    const config = parseConfig(liveRaw);
    const runtime = createReconcileRuntime(env, config, [ADMIN]);
    const signal = liveSignal('BTC/USDT', 100, candleBefore(Date.now()));
    const opened = await createLiveOpener(runtime.deps({ log: silentLog, remainingMs: () => 50_000 })).open(signal);
    assert.equal(opened.status, 'opened', JSON.stringify(opened));
    const entryId = clientOrderId(signal.id, 'entry');
    const store = createDynamoLiveStore({ client: r.doc, table: r.tables['LiveTable']! });
    const before = await store.getOrder(entryId);
    assert.ok(before?.ok);
    assert.equal(before.value.status, 'open', 'in flight: resting at the exchange');
    sim.setPrice('BTC/USDT', 99.5); // fills the resting limit
    await drainQueue(r.sqs, r.queues['NotifyQueue']!);

    const handler = makeReconcileHandler({ env, logger: quiet() });
    const { result, lines } = await captureJsonOutput(() => handler(SCHEDULED, ctx()));
    assert.deepEqual(result, { exchanges: ['binance'], alerts: 0, failed: 0 });
    const done = lines.find((l) => l['message'] === 'reconcile finished')!;
    assert.deepEqual([done['ordersChecked'], done['settled'], done['protectionsPlaced']], [1, 1, 1], JSON.stringify(done));
    const order = await store.getOrder(entryId);
    assert.ok(order?.ok);
    assert.equal(order.value.status, 'filled');
    const position = await store.getPosition(signal.id);
    assert.ok(position?.ok);
    assert.equal(position.value.status, 'open');
    assert.equal(position.value.protection.state, 'placed');
    const legs = sim.orders().filter((o) => o.clientOrderId === position.value.protection.stopClientOrderId || o.clientOrderId === position.value.protection.targetClientOrderId);
    assert.equal(legs.length, 2, 'the OCO legs rest at the exchange');
    const told = await drainQueue(r.sqs, r.queues['NotifyQueue']!);
    assert.ok(told.some((n) => /filled/i.test(n.text)), told.map((n) => `${n.chatId}: ${n.text}`).join('\n---\n'));

    const budget = await store.getBudget('binance');
    assert.ok(budget?.ok);
    assert.ok((budget.value.balances?.['USDT']?.total ?? 0) > 0, `the exchange's balances kept for /balance: ${JSON.stringify(budget.value.balances)}`);

    // A second run finds nothing new to do: converged.
    const again = await captureJsonOutput(() => makeReconcileHandler({ env, logger: quiet() })(SCHEDULED, ctx()));
    const second = again.lines.find((l) => l['message'] === 'reconcile finished')!;
    assert.deepEqual([second['settled'], second['protectionsPlaced'], second['failed']], [0, 0, 0]);
    assert.equal(sim.orders().filter((o) => o.clientOrderId === entryId).length, 1, 'never sent twice');
  });

  it('an open order with a bot client order id and no row: adopted, the admins alerted, LiveTradingAlerts published', async () => {
    const trading = await createCcxtTrading({ exchange: 'binance', keys: KEYS, sandbox: true, apiBase: sim.url, timeoutMs: 5000 });
    const orphan = clientOrderId(`orphan-${randomUUID()}`, 'entry');
    await trading.placeOrder({ clientOrderId: orphan, symbol: 'ETH/USDT', side: 'buy', type: 'limit', amount: 0.5, price: 40 });
    const handler = makeReconcileHandler({ env, logger: quiet() });
    const { result, lines } = await captureJsonOutput(() => handler(SCHEDULED, ctx()));
    assert.ok(result.alerts >= 1, JSON.stringify(result));
    const emf = lines.filter((l) => l['_aws'] !== undefined);
    assert.deepEqual(emf.map((l) => l['LiveTradingAlerts']), [result.alerts]);
    const done = lines.find((l) => l['message'] === 'reconcile finished')!;
    assert.equal(done['adopted'], 1);
    const row = await createDynamoLiveStore({ client: r.doc, table: r.tables['LiveTable']! }).getOrder(orphan);
    assert.ok(row?.ok);
    assert.equal(row.value.adopted, true);
    const alerts = (await drainQueue(r.sqs, r.queues['NotifyQueue']!)).filter((n) => n.chatId === ADMIN);
    assert.ok(alerts.some((n) => n.text.includes(orphan)), alerts.map((n) => n.text).join('\n---\n'));
  });
});
