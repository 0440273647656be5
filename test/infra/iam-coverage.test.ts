/**
 * IAM coverage: every AWS SDK call each deployed function makes is allowed by that function's
 * role in the *generated* CloudFormation template (`npm run package`).
 *
 * DynamoDB Local and the SQS emulator ignore IAM, so a missing permission only shows in AWS
 * (AccessDeniedException). Here every function's real handler runs scenarios on the local stack
 * with CANDLEBOT_AWS_CALL_LOG set: the SDK clients the runtime builds (lib/aws/clients.ts) record
 * each command with the tables, indexes, queues and transaction/batch items it names
 * (lib/aws/call-recorder.ts). Each recorded call is then mapped to the IAM actions it needs
 * (a TransactWriteItems Delete item needs dynamodb:DeleteItem on its table, a Query on an index
 * needs the index ARN, SendMessageBatch needs sqs:SendMessage…; test/support/iam-check.ts) and
 * checked against the function's role. A function of the template with no scenario here fails.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { stringify } from 'yaml';
import { makeAlertsHandler } from '../../functions/alerts.js';
import { makeHealthHandler } from '../../functions/health.js';
import { makeMonitorHandler } from '../../functions/monitor.js';
import { makeNotifyHandler } from '../../functions/notify.js';
import { makeReconcileHandler } from '../../functions/reconcile.js';
import { makeScanHandler } from '../../functions/scan.js';
import { makeSummaryHandler } from '../../functions/summary.js';
import { makeWebhookHandler } from '../../functions/webhook.js';
import { appendAwsCallLog, type AwsCallRecord } from '../../lib/aws/call-recorder.js';
import { createDocumentClient, createSqsClient } from '../../lib/aws/clients.js';
import { localContext } from '../../lib/aws/lambda-context.js';
import { monitorEnvSchema, parseEnv, scanEnvSchema } from '../../lib/config/env.js';
import { parseConfig } from '../../lib/config/load.js';
import type { BotConfig } from '../../lib/config/schema.js';
import type { OhlcvRow } from '../../lib/core/candle.js';
import { createMonitorRuntime, type MonitorRuntime } from '../../lib/runtime/monitor.js';
import { notificationSchema, type NotificationInput } from '../../lib/core/notification.js';
import type { Clock } from '../../lib/ports/clock.js';
import type { ExchangePort } from '../../lib/ports/exchange.js';
import { silentLog } from '../../lib/ports/log.js';
import { healthEnvSchema } from '../../lib/health/env.js';
import type { HealthReport } from '../../lib/health/evaluate.js';
import { createHealthDepsFromEnv } from '../../lib/runtime/health-deps.js';
import { asciiJson } from '../../lib/queue/sqs-notification-queue.js';
import { createReconcileRuntime, type ReconcileRuntime } from '../../lib/runtime/reconcile.js';
import { createScanRuntime, type ScanRuntime } from '../../lib/runtime/scan.js';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import { createCcxtTrading } from '../../lib/exchange/trading/ccxt-trading.js';
import { createDynamoControlStore } from '../../lib/store/state/control-store.js';
import { createDynamoSignalStore } from '../../lib/store/signals/signal-store.js';
import { tradeItem } from '../../lib/store/positions/trade-rows.js';
import { createDynamoUserStore } from '../../lib/store/users/user-store.js';
import { createDynamoLiveStore } from '../../lib/store/live/live-store.js';
import { lastClosedOpenTime } from '../../lib/core/timeframe.js';
import { chartSpec } from '../notify/support.js';
import { getItem, HOUR, openerFor, positionSignal, storeFor, T0 } from '../positions/fixture.js';
import { bar, scriptedExchange } from '../positions/scripted-exchange.js';
import { testClock } from '../support/clock.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram/index.js';
import { startFakeSecretsManager, type FakeSecretsManager } from '../support/fake-secrets-manager.js';
import { checkCalls, localNames, type CoverageReport, type LocalNames } from '../support/iam-check.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue, receiveAsSqsEvent } from '../support/queue.js';
import { packagedTemplate, type CfnTemplate } from '../support/packaged-template.js';
import { FAST_STRATEGIES, SCAN_NOW } from '../support/scan-fixture.js';
import { ADMIN_CHAT, SECRET, startHarness, type Harness } from '../webhook/harness.js';
import { tempDir } from '../support/temp-dir.js';

process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';

/** The deployed functions (serverless.yml) and their logical ids in the template. */
const FUNCTIONS = ['scan', 'monitor', 'notify', 'webhook', 'health', 'summary', 'alerts', 'reconcile'] as const;
type Fn = (typeof FUNCTIONS)[number];
const logicalId = (fn: string): string => `${fn[0]!.toUpperCase()}${fn.slice(1)}LambdaFunction`;

const quiet = () => new Logger({ serviceName: 'candlebot-iam', logLevel: 'SILENT' });
const SIM_SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT'];
const USER_CHAT = 4242;
const LIVE_KEYS = { apiKey: 'iam-live-api-key', secret: 'iam-live-api-secret' };

describe('IAM coverage: every AWS call of every function is allowed by its role in the generated template', () => {
  let template: CfnTemplate;
  /** Paper trading + reversal scenarios (scripted candles, test clocks). */
  let r: TestResources;
  /** The scan over the exchange simulator (its own tables: its positions are not the scripted ones). */
  let rs: TestResources;
  /** Live trading: scan and reconcile over a simulator with an account (its own tables). */
  let rl: TestResources;
  let sim: BinanceSim;
  let fake: FakeTelegram;
  let h: Harness;
  /** Secrets Manager for the functions that read the Telegram secret (TELEGRAM_SECRET_ID as in the template). */
  let sm: FakeSecretsManager;
  let dir: string;
  const logOf = (fn: Fn) => join(dir, `${fn}.jsonl`);
  const envFor = (fn: Fn, res: TestResources, extra: Record<string, string> = {}): Record<string, string> => ({ ...res.env, ...extra, CANDLEBOT_AWS_CALL_LOG: logOf(fn) });
  const calls = (fn: Fn): AwsCallRecord[] => {
    try {
      return readFileSync(logOf(fn), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AwsCallRecord);
    } catch {
      return [];
    }
  };
  const names = (): LocalNames => localNames(r, rs, rl, h.res);
  /** The deployed environment's exchange keys part: the template's secret prefix (the fake serves `<prefix>binance`). */
  const exchangeSecretEnv = (fn: Fn): Record<string, string> => {
    const prefix = String(template.Resources[logicalId(fn)]?.Properties['Environment']?.Variables?.['EXCHANGE_SECRET_PREFIX']);
    sm.put(`${prefix}binance`, JSON.stringify(LIVE_KEYS));
    return { EXCHANGE_SECRET_PREFIX: prefix, CANDLEBOT_SECRETS_ENDPOINT: sm.endpoint };
  };
  /** The deployed environment's Telegram part: the template's secret name (served by the fake), no token variable. */
  const telegramSecretEnv = (fn: Fn): Record<string, string> => {
    const secretId = String(template.Resources[logicalId(fn)]?.Properties['Environment']?.Variables?.['TELEGRAM_SECRET_ID']);
    sm.put(secretId, JSON.stringify({ botToken: fake.token, webhookSecret: SECRET }));
    return { TELEGRAM_SECRET_ID: secretId, CANDLEBOT_SECRETS_ENDPOINT: sm.endpoint };
  };
  const writeConfig = (name: string, raw: unknown): string => {
    const path = join(dir, `${name}.config.yml`);
    writeFileSync(path, stringify(raw));
    return path;
  };

  before(async () => {
    dir = tempDir('candlebot-iam-');
    const packaged = await packagedTemplate();
    console.log(packaged.ms === null ? '# template: packaged earlier in this test run' : `# npm run package took ${(packaged.ms / 1000).toFixed(1)} s`);
    template = packaged.template;
    [r, rs, rl] = await Promise.all([testResources('iam'), testResources('iam-scan'), testResources('iam-live')]);
    sim = await startBinanceSim({ symbols: SIM_SYMBOLS, nowMs: SCAN_NOW });
    fake = await startFakeTelegram({ limits: false });
    sm = await startFakeSecretsManager();
    h = await startHarness();
    for (const res of [r, rs]) {
      const users = createDynamoUserStore({ client: res.doc, table: res.tables.UsersTable! });
      await users.register(USER_CHAT, T0);
      await users.subscribe({ chatId: USER_CHAT, symbol: '*', strategy: '*', timeframe: '*' }, T0);
      await users.setDashboard(USER_CHAT, 77, undefined, T0);
    }
  });
  after(async () => {
    await Promise.allSettled([sim?.close(), fake?.close(), h?.close(), sm?.close()]);
    r?.close();
    rs?.close();
    rl?.close();
  });

  /** The scan handler on the runtime createScanRuntime builds from the recording env; clock (and exchange) scripted. */
  function scanHandler(res: TestResources, config: BotConfig, clock: Clock, exchange?: ExchangePort) {
    const real = createScanRuntime(parseEnv(scanEnvSchema, envFor('scan', res)), config);
    const runtime: ScanRuntime = { ...real, deps: (o) => real.deps({ ...o, clock, ...(exchange ? { exchange: async () => exchange } : {}) }) };
    return makeScanHandler({ runtime, logger: quiet() });
  }
  /** The monitor handler likewise; its dashboard refresh is built by the handler from the same env. */
  function monitorHandler(res: TestResources, config: BotConfig, clock: Clock, exchange?: ExchangePort) {
    const env = envFor('monitor', res);
    const real = createMonitorRuntime(parseEnv(monitorEnvSchema, env), config);
    const runtime: MonitorRuntime = { ...real, deps: (o) => real.deps({ ...o, clock, ...(exchange ? { exchange: async () => exchange } : {}) }) };
    return makeMonitorHandler({ runtime, env, logger: quiet() });
  }
  const ctx = (fn: string) => localContext(fn, 60_000, randomUUID());

  it('scenario: scan over the exchange simulator — signals recorded and fanned out, positions opened and refused, a repeated run', async () => {
    const config = parseConfig({
      exchanges: [{ id: 'binance', symbols: [...SIM_SYMBOLS, 'NOPE/USDT'], timeframes: ['1h'], apiBase: sim.url, timeoutMs: 2000 }],
      strategies: FAST_STRATEGIES,
      scan: { candles: 100, concurrency: 4, reserveMs: 1000 },
      risk: { startingBalance: 1000, stakeFixed: 100, maxOpenPositions: 1 },
      telegram: { adminChatIds: [111] },
    });
    const first = await scanHandler(rs, config, testClock(SCAN_NOW))({ timeframe: '1h' }, ctx('scan'));
    assert.ok(first.signalled >= 2, `the fixture must signal at least twice (one open, one refused): ${JSON.stringify(first)}`);
    const again = await scanHandler(rs, config, testClock(SCAN_NOW + 1000))({ timeframe: '1h' }, ctx('scan'));
    assert.equal(again.signalled, 0);
    await createDynamoControlStore({ client: rs.doc, table: rs.tables.StateTable! }).set({ scanningPaused: true }, 111, SCAN_NOW);
    assert.equal((await scanHandler(rs, config, testClock(SCAN_NOW + 2000))({ timeframe: '1h' }, ctx('scan'))).paused, true);
    await drainQueue(rs.sqs, rs.queues.NotifyQueue!);

    // The monitor over the same simulator (ccxt), three days later: its markets cache has expired and is written back.
    const later = SCAN_NOW + 3 * 86_400_000;
    sim.setNow(later);
    const monitored = await monitorHandler(rs, config, testClock(later))({}, ctx('monitor'));
    assert.ok(monitored.listed >= 1, JSON.stringify(monitored));
    await drainQueue(rs.sqs, rs.queues.NotifyQueue!);
  });

  it('scenario: live trading — the scan places entry orders of a live exchange, reconcile follows them and adopts an unknown bot order (keys from Secrets Manager)', async () => {
    const clock = testClock(SCAN_NOW);
    const liveSim = await startBinanceSim({ symbols: SIM_SYMBOLS, nowMs: SCAN_NOW, wallClock: () => clock.now(), account: { ...LIVE_KEYS, balances: { USDT: 100_000 } } });
    try {
      const raw = {
        exchanges: [
          {
            id: 'binance',
            symbols: SIM_SYMBOLS,
            timeframes: ['1h'],
            apiBase: liveSim.url,
            timeoutMs: 5000,
            trading: { mode: 'live', sandbox: true, budget: 1000, stake: 50, dailyLossLimit: 200, maxOpenPositions: 10 },
          },
        ],
        strategies: FAST_STRATEGIES,
        scan: { candles: 100, concurrency: 4, reserveMs: 1000 },
        telegram: { adminChatIds: [111] },
      };
      const config = parseConfig(raw);
      const live = { LIVE_TABLE: rl.tables['LiveTable']! };
      const scanEnv = envFor('scan', rl, { ...live, ...exchangeSecretEnv('scan') });
      const realScan = createScanRuntime(parseEnv(scanEnvSchema, scanEnv), config, undefined, scanEnv);
      const scan = makeScanHandler({ runtime: { ...realScan, deps: (o) => realScan.deps({ ...o, clock }) }, logger: quiet() });
      const scanned = await scan({ timeframe: '1h' }, ctx('scan'));
      assert.ok(scanned.signalled >= 1, JSON.stringify(scanned));
      assert.ok(liveSim.orders().length >= 1, 'the scan placed at least one live order');

      // An order with a bot id and no row (adopted), then reconcile a minute later (reads, fills, protections, balances).
      const trading = await createCcxtTrading({ exchange: 'binance', keys: LIVE_KEYS, sandbox: true, apiBase: liveSim.url, timeoutMs: 5000, clock });
      await trading.placeOrder({ clientOrderId: clientOrderId('iam-orphan', 'entry'), symbol: 'ETH/USDT', side: 'buy', type: 'limit', amount: 0.01, price: Math.floor(liveSim.price('ETH/USDT') * 0.5) });
      // The market falls just below the stop of every live position the scan left open: the stop legs trigger and
      // fill above their limit (stop × 0.995), so reconcile closes those positions (the close transaction).
      const open = await createDynamoLiveStore({ client: rl.doc, table: rl.tables['LiveTable']! }).listOpenPositions('binance', 50);
      assert.ok(open.items.length >= 1, 'the scan left a protected live position open');
      for (const p of open.items) liveSim.setPrice(p.symbol, p.stop * 0.998);
      clock.advance(61_000);
      const configPath = writeConfig('reconcile', raw);
      // As deployed (serverless.yml): no USERS_TABLE for reconcile.
      const { USERS_TABLE: _users, ...reconcileEnv } = envFor('reconcile', rl, { ...live, CANDLEBOT_CONFIG_PATH: configPath, ...exchangeSecretEnv('reconcile') });
      const realReconcile = createReconcileRuntime(reconcileEnv, config);
      const runtime: ReconcileRuntime = { ...realReconcile, deps: (o) => realReconcile.deps({ ...o, clock }) };
      const result = await makeReconcileHandler({ runtime, logger: quiet() })({ 'detail-type': 'Scheduled Event', source: 'aws.events' }, ctx('reconcile'));
      assert.deepEqual(result.exchanges, ['binance']);
      assert.ok(result.alerts >= 1, `the adopted order is alerted: ${JSON.stringify(result)}`);
      // The real handler from the environment alone (paper-only config): no AWS call at all.
      const paper = writeConfig('reconcile-paper', { exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }] });
      const before = calls('reconcile').length;
      assert.deepEqual(await makeReconcileHandler({ env: envFor('reconcile', rl, { CANDLEBOT_CONFIG_PATH: paper }), logger: quiet() })({}, ctx('reconcile')), { exchanges: [], alerts: 0, failed: 0 });
      assert.equal(calls('reconcile').length, before);
      await drainQueue(rl.sqs, rl.queues.NotifyQueue!);
    } finally {
      await liveSim.close();
    }
  });

  it('scenario: scan with the exchange down — the circuit breaker opens, then one trial after the cooldown', async () => {
    const config = parseConfig({
      exchanges: [{ id: 'bybit', symbols: ['BTC/USDT'], timeframes: ['1h'], apiBase: 'http://127.0.0.1:1', timeoutMs: 500 }],
      strategies: [{ name: 'ema-cross' }],
      breaker: { failureThreshold: 1, cooldownSeconds: 10 },
      telegram: { adminChatIds: [111] },
    });
    const clock = testClock(SCAN_NOW);
    const first = await scanHandler(r, config, clock)({ timeframe: '1h' }, ctx('scan'));
    assert.equal(first.failed, 1, JSON.stringify(first));
    clock.advance(1000);
    assert.equal((await scanHandler(r, config, clock)({ timeframe: '1h' }, ctx('scan'))).skipped, 1, 'circuit open');
    clock.advance(11_000);
    assert.equal((await scanHandler(r, config, clock)({ timeframe: '1h' }, ctx('scan'))).failed, 1, 'the trial fails');
  });

  it('scenario: reversals through the scan (outbox re-drive) — old stop hit on the signal candle (close), plain reversal; the monitor progresses and closes', async () => {
    const config = parseConfig({
      exchanges: [{ id: 'binance', symbols: ['BARA/USDT', 'BARB/USDT'], timeframes: ['1h'] }],
      strategies: [{ name: 'ema-cross' }],
      risk: { startingBalance: 10_000, stakeFixed: 100, maxOpenPositions: 100, feeRate: 0.001 },
      telegram: { adminChatIds: [111] },
    });
    const exchange = scriptedExchange();
    const barOf = (row: OhlcvRow) => ({ time: row[0], open: row[1], high: row[2], low: row[3], close: row[4] });
    // (a) the short's own candle (T0+2h) hits the long's stop (97): the scan closes the long at its stop, then opens the short.
    // (b) the short's candle touches neither: the scan reverses the long.
    const plans = [
      { symbol: 'BARA/USDT', signalBar: bar(T0 + 2 * HOUR, 100.5, 100.8, 96, 96.5), next: bar(T0 + 3 * HOUR, 96.4, 96.6, 96.2, 96.5) },
      { symbol: 'BARB/USDT', signalBar: bar(T0 + 2 * HOUR, 100.5, 101.5, 99.8, 100.3), next: bar(T0 + 3 * HOUR, 100.4, 100.6, 100.1, 100.2) },
    ].map((p) => ({
      ...p,
      rows: [bar(T0, 100, 100.5, 99.5, 100), bar(T0 + HOUR, 100, 101, 99, 100.5), p.signalBar, p.next],
      long: positionSignal({ symbol: p.symbol, entry: 100 }),
      short: positionSignal({ symbol: p.symbol, side: 'short', candleTime: T0 + 2 * HOUR, entry: p.next[1], bar: barOf(p.signalBar) }),
    }));
    for (const p of plans) {
      assert.equal((await openerFor(storeFor(r), config, testClock(T0 + HOUR + 5000)).open(p.long)).status, 'opened');
      exchange.set(p.symbol, p.rows.slice(0, 3)); // T0+2h is forming at this monitor run
    }
    const progressed = await monitorHandler(r, config, testClock(T0 + 2 * HOUR + 5000), exchange)({}, ctx('monitor'));
    assert.equal(progressed.listed, 2, JSON.stringify(progressed));
    for (const p of plans) assert.equal((await getItem(r, `position#${p.long.id}`, 'position'))?.lastChecked, T0 + HOUR);

    // The scan that found the shorts died after recording them; the next scan re-drives them.
    const clock = testClock(T0 + 3 * HOUR + 5000);
    const signals = createDynamoSignalStore({ client: r.doc, table: r.tables.SignalsTable!, leaseMs: 60_000, ttlDays: 90 });
    for (const p of plans) {
      assert.equal((await signals.record(p.short, [], clock.now())).status, 'recorded');
      exchange.set(p.symbol, p.rows);
    }
    clock.advance(60_001);
    await scanHandler(r, config, clock, exchange)({ timeframe: '1h' }, ctx('scan'));
    const [a, b] = plans as [(typeof plans)[0], (typeof plans)[0]];
    assert.equal((await getItem(r, `position#${a.long.id}`, 'position'))?.status, 'closed', '(a) closed at its stop');
    assert.equal((await getItem(r, `position#${b.long.id}`, 'position'))?.status, 'closed', '(b) reversed');
    for (const p of plans) assert.equal((await getItem(r, `position#${p.short.id}`, 'position'))?.status, 'open');

    // The next candle hits the shorts' stops (entry × 1.03): the monitor closes both.
    for (const p of plans) exchange.set(p.symbol, [...p.rows, bar(T0 + 4 * HOUR, p.next[4], 120, p.next[4], 119), bar(T0 + 5 * HOUR, 119, 119, 119, 119)]);
    const closed = await monitorHandler(r, config, testClock(T0 + 5 * HOUR + 5000), exchange)({}, ctx('monitor'));
    assert.equal(closed.closed, 2, JSON.stringify(closed));
    await drainQueue(r.sqs, r.queues.NotifyQueue!);
  });

  it('scenario: notify — a message, a chart, a dashboard, 5xx, 429, a blocked chat, malformed bodies', async () => {
    const users = createDynamoUserStore({ client: r.doc, table: r.tables.UsersTable! });
    for (const chat of [201, 202, 203, 204, 205, 206]) await users.register(chat, Date.now());
    fake.blockChat(205);
    fake.script(({ chatId }) => (chatId === 203 ? { status: 502 } : chatId === 204 ? { status: 429, retryAfter: 1 } : undefined));
    const configPath = writeConfig('notify', {
      exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }],
      strategies: [{ name: 'ema-cross' }],
      telegram: { delivery: { perChatIntervalMs: 1000, globalPerSecond: 25, charts: true, chartCandles: 150 } },
    });
    const handler = makeNotifyHandler({ env: envFor('notify', r, { CANDLEBOT_CONFIG_PATH: configPath, ...telegramSecretEnv('notify'), TELEGRAM_API_ROOT: fake.apiRoot }), logger: quiet() });
    const note = (chatId: number, extra: Partial<NotificationInput> = {}): string =>
      asciiJson(notificationSchema.parse({ v: 1, id: `iam-${chatId}-${randomUUID()}#chat#${chatId}`, kind: 'signal', chatId, text: `<b>BUY</b> BTC/USDT`, parseMode: 'HTML', sourceId: `iam-${chatId}`, createdAt: Date.now(), ...extra }));
    const bodies = [note(201), note(202, { chart: chartSpec() }), note(206, { kind: 'dashboard', text: 'dashboard v1' }), note(203), note(204), note(205), 'not json at all'];
    const queueUrl = r.queues.NotifyQueue!;
    const event = await receiveAsSqsEvent(r.sqs, queueUrl, bodies);
    assert.equal(event.Records.length, bodies.length);
    const result = await handler(event, ctx('notify'));
    assert.equal(result.batchItemFailures.length, 2, '5xx and 429 are retried');
    assert.equal((await users.get(205))?.active, false, 'the blocked chat is deactivated');
    assert.ok(fake.photos.length >= 1, 'the chart was sent as a photo');
    fake.script(undefined);
  });

  it('scenario: webhook — user, market-data and admin commands', async () => {
    const wall = Date.now();
    const webSim = await startBinanceSim({ symbols: ['BTC/USDT', 'ETH/USDT'], nowMs: wall });
    try {
      const configPath = writeConfig('webhook', {
        exchanges: [{ id: 'binance', symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h'], apiBase: webSim.url, timeoutMs: 5000 }],
        strategies: [{ name: 'ema-cross' }],
        telegram: { adminChatIds: [ADMIN_CHAT], commands: { perMinute: 600, burst: 100 } },
      });
      const { TELEGRAM_BOT_TOKEN: _token, TELEGRAM_WEBHOOK_SECRET: _secret, ...webhookEnv } = h.env;
      h.handler = makeWebhookHandler({ env: envFor('webhook', h.res, { ...webhookEnv, CANDLEBOT_CONFIG_PATH: configPath, ...telegramSecretEnv('webhook') }), logger: quiet() });
      // One open position and one recorded signal for /positions, /chart, /signals, /pnl.
      const config = parseConfig({ exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }] });
      const signalTime = lastClosedOpenTime(wall, '1h') - HOUR;
      const signal = positionSignal({ candleTime: signalTime, entry: 1000, stop: 1, target: 1_000_000 });
      assert.equal((await openerFor(storeFor(h.res), config, testClock(signalTime + HOUR + 1000)).open(signal)).status, 'opened');
      await createDynamoSignalStore({ client: h.res.doc, table: h.res.tables.SignalsTable!, leaseMs: 60_000, ttlDays: 90 }).record(signal, [], signalTime + HOUR);
      const chat = 7301;
      const script = [
        [chat, '/start'], [chat, '/help'], [chat, '/subscribe BTC/USDT'], [chat, '/subscribe ETH/USDT ema-cross 1h'], [chat, '/list'],
        [chat, '/settings tz Europe/Berlin'], [chat, '/unsubscribe BTC/USDT'], [chat, '/signals'], [chat, '/positions'], [chat, '/pnl'],
        [chat, '/chart BTC/USDT 1h'], [chat, '/stop'], [chat, '/start'],
        [ADMIN_CHAT, '/start'], [ADMIN_CHAT, '/status'], [ADMIN_CHAT, '/stats'], [ADMIN_CHAT, '/pause trading'], [ADMIN_CHAT, '/resume'], [ADMIN_CHAT, '/dashboard'],
      ] as const;
      for (const [c, text] of script) {
        const res = await h.send(h.text(c, text));
        assert.equal(res.statusCode, 200, `${text}: ${String(res.body)}`);
      }
      assert.ok(h.texts(chat).length >= script.filter(([c]) => c === chat).length - 1, 'the commands answered');

      // Live trading commands (an exchange trading live, LIVE_TABLE): /orders, /balance, /panic confirmed before any trade
      // (the budget row is created with the panic), /resume.
      const liveConfigPath = writeConfig('webhook-live', {
        exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'], trading: { mode: 'live', budget: 200, stake: 20, dailyLossLimit: 50 } }],
        strategies: [{ name: 'ema-cross' }],
        telegram: { adminChatIds: [ADMIN_CHAT], commands: { perMinute: 600, burst: 100 } },
      });
      h.handler = makeWebhookHandler({ env: envFor('webhook', h.res, { ...webhookEnv, CANDLEBOT_CONFIG_PATH: liveConfigPath, LIVE_TABLE: h.res.tables['LiveTable']!, ...telegramSecretEnv('webhook') }), logger: quiet() });
      for (const text of ['/orders', '/balance', '/panic']) assert.equal((await h.send(h.text(ADMIN_CHAT, text))).statusCode, 200, text);
      const ask = h.fake.messages(ADMIN_CHAT).at(-1)!;
      const confirm = ((ask.replyMarkup as { inline_keyboard?: { callback_data: string }[][] } | undefined)?.inline_keyboard ?? []).flat()[0];
      assert.ok(confirm, `the /panic confirmation button: ${ask.text}`);
      assert.equal((await h.send(h.callback(ADMIN_CHAT, ask.messageId, confirm.callback_data))).statusCode, 200);
      const panicked = await createDynamoLiveStore({ client: h.res.doc, table: h.res.tables['LiveTable']! }).getBudget('binance');
      assert.ok(panicked?.ok && panicked.value.panic !== undefined, 'the panic is requested on the (new) budget row');
      for (const text of ['/balance', '/resume']) assert.equal((await h.send(h.text(ADMIN_CHAT, text))).statusCode, 200, text);
    } finally {
      await webSim.close();
    }
  });

  it('scenario: health and summary — GET /health, a scheduled summary with trades of the day before', async () => {
    const healthConfig = writeConfig('health', { exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }] });
    const health = makeHealthHandler({ env: envFor('health', r, { CANDLEBOT_CONFIG_PATH: healthConfig }), logger: quiet() });
    const report = await health({ requestContext: { http: { method: 'GET' } } }, ctx('health'));
    assert.ok(report.statusCode === 200 || report.statusCode === 503, String(report.statusCode));
    assert.match(String(report.body), /"status"/);
    // With the outbox probes (a bounded Query of both `outbox-pending` indexes), on recording clients.
    const healthEnv = parseEnv(healthEnvSchema, envFor('health', r, { CANDLEBOT_CONFIG_PATH: healthConfig }));
    const onCall = appendAwsCallLog(logOf('health'));
    const aws = { region: healthEnv.AWS_REGION, credentials: { accessKeyId: r.env.AWS_ACCESS_KEY_ID, secretAccessKey: r.env.AWS_SECRET_ACCESS_KEY }, onCall };
    const withOutboxes = makeHealthHandler({
      deps: createHealthDepsFromEnv(healthEnv, {
        config: parseConfig({ exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }] }),
        ddb: createDocumentClient({ ...aws, endpoint: r.ddbEndpoint }),
        sqs: createSqsClient({ ...aws, endpoint: r.sqsEndpoint }),
        clock: { now: () => Date.now() },
        log: silentLog,
        outboxes: true,
      }),
      logger: quiet(),
    });
    const outboxReport = await withOutboxes({ requestContext: { http: { method: 'GET' } } }, ctx('health'));
    const outboxes = (JSON.parse(String(outboxReport.body)) as HealthReport).outboxes;
    assert.deepEqual(outboxes.map((o) => [o.name, o.overdue !== null]), [['signals', true], ['position events', true]], JSON.stringify(outboxes));

    const DAY = 86_400_000;
    const yesterday = Math.floor(Date.now() / DAY) * DAY - DAY;
    await r.doc.send(
      new PutCommand({
        TableName: r.tables.PositionsTable!,
        Item: tradeItem({
          positionId: 'iam-trade', strategy: 'ema-cross', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', side: 'long', qty: 1, stake: 100,
          entryTime: yesterday - DAY, entryPrice: 100, exitTime: yesterday + 1000, exitPrice: 105, exitReason: 'target', gross: 5, fees: 0.2, pnl: 4.8,
          bars: 3, durationMs: 3 * HOUR, closedAt: yesterday + 1000, strategySeq: 1, symbolSeq: 1,
        }),
      }),
    );
    const summaryConfig = writeConfig('summary', { exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }], telegram: { adminChatIds: [111] } });
    const summary = makeSummaryHandler({ env: envFor('summary', r, { CANDLEBOT_CONFIG_PATH: summaryConfig }), logger: quiet() });
    const sent = await summary({ 'detail-type': 'Scheduled Event', source: 'aws.events' }, ctx('summary'));
    assert.ok(sent.enqueued >= 1, JSON.stringify(sent));
    await drainQueue(r.sqs, r.queues.NotifyQueue!);
  });

  it('scenario: alerts — an alarm state change told to the admin chats with the token read from the secret (its only AWS call)', async () => {
    const configPath = writeConfig('alerts', { exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }], telegram: { adminChatIds: [111, 112] } });
    const alerts = makeAlertsHandler({ env: envFor('alerts', r, { CANDLEBOT_CONFIG_PATH: configPath, STAGE: 'dev', ...telegramSecretEnv('alerts'), TELEGRAM_API_ROOT: fake.apiRoot }), logger: quiet() });
    const message = { AlarmName: 'candlebot-dev-scan-errors', AlarmDescription: 'scan failed', NewStateValue: 'ALARM', OldStateValue: 'OK', NewStateReason: 'Threshold Crossed: 1 datapoint [2.0 (06/12/26 14:00:00)] was greater than or equal to the threshold (1.0).', StateChangeTime: '2026-12-06T14:05:00.000+0000', Region: 'US East (N. Virginia)' };
    const event = { Records: [{ EventSource: 'aws:sns', EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:candlebot-dev-alerts:sub', Sns: { TopicArn: 'arn:aws:sns:us-east-1:000000000000:candlebot-dev-alerts', Message: JSON.stringify(message) } }] };
    const result = await alerts(event, ctx('alerts'));
    assert.equal(result.alerts[0]?.sent, 2, JSON.stringify(result));
    assert.deepEqual([...new Set(calls('alerts').map((c) => `${c.service} ${c.command}`))], ['secretsmanager GetSecretValue']);
    // The on-failure destination is SendMessage by Lambda with this role (no SDK call of the function): checked in test/infra/alarms.test.ts.
  });

  it('the scan’s close transaction (issue 12: DeleteItem of the market lock on PositionsTable) is among the recorded calls', () => {
    const deletes = calls('scan').filter((c) => c.command === 'TransactWriteItems' && c.items?.some((i) => i.kind === 'Delete' && i.tableName === r.tables.PositionsTable));
    assert.ok(deletes.length >= 1, 'the reversal scenario must drive the scan through the close transaction');
  });

  it('notify, webhook and alerts read the Telegram secret at runtime (GetSecretValue recorded, checked against their roles below)', () => {
    for (const fn of ['notify', 'webhook', 'alerts'] as const) {
      const reads = calls(fn).filter((c) => c.service === 'secretsmanager');
      assert.ok(reads.length >= 1, `${fn}: no GetSecretValue recorded`);
      assert.deepEqual([...new Set(reads.map((c) => `${c.command} ${c.secretId}`))], [`GetSecretValue ${telegramSecretEnv(fn).TELEGRAM_SECRET_ID}`], fn);
    }
  });

  it('reconcile’s close transaction (a protective stop filled: Delete of the live market lock on LiveTable) is among the recorded calls', () => {
    const deletes = calls('reconcile').filter((c) => c.command === 'TransactWriteItems' && c.items?.some((i) => i.kind === 'Delete' && i.tableName === rl.tables['LiveTable']));
    assert.ok(deletes.length >= 1, 'the live scenario must drive reconcile through the close transaction');
  });

  it('scan and reconcile read the live exchange’s API keys at runtime from this stage’s exchange secret (GetSecretValue recorded, checked against their roles below)', () => {
    for (const fn of ['scan', 'reconcile'] as const) {
      const reads = calls(fn).filter((c) => c.service === 'secretsmanager');
      assert.ok(reads.length >= 1, `${fn}: no GetSecretValue recorded`);
      assert.deepEqual([...new Set(reads.map((c) => `${c.command} ${c.secretId}`))], [`GetSecretValue ${exchangeSecretEnv(fn).EXCHANGE_SECRET_PREFIX}binance`], fn);
    }
  });

  it('every function of the generated template has a scenario here that recorded its AWS calls', () => {
    const inTemplate = Object.entries(template.Resources).filter(([, res]) => res.Type === 'AWS::Lambda::Function').map(([id]) => id).sort();
    assert.deepEqual(inTemplate, FUNCTIONS.map(logicalId).sort(), 'a new function needs a scenario in test/infra/iam-coverage.test.ts (and its name in FUNCTIONS)');
    // Floors well below what the scenarios record today: a scenario that silently stops calling AWS fails.
    const floors: Record<Fn, number> = { scan: 10, monitor: 8, notify: 6, webhook: 10, health: 3, summary: 4, alerts: 1, reconcile: 6 };
    for (const fn of FUNCTIONS) {
      const distinct = new Set(calls(fn).map((c) => JSON.stringify(c)));
      assert.ok(distinct.size >= floors[fn], `${fn}: only ${distinct.size} distinct calls recorded`);
    }
  });

  for (const fn of FUNCTIONS) {
    it(`${fn}: every AWS call it made is allowed by its role in the generated template`, () => {
      const recorded = calls(fn);
      assert.ok(recorded.length > 0, `${fn}: no call recorded`);
      const report: CoverageReport = checkCalls(template, logicalId(fn), recorded, names());
      console.log(`# ${fn} (${report.role}): ${recorded.length} calls → ${report.needed.length} permissions: ${report.needed.map((n) => `${n.action} ${n.resource}`).join(', ')}`);
      if (report.unused.length) console.log(`# ${fn}: granted but not exercised here: ${report.unused.map((g) => `${g.action} ${g.resource}`).join(', ')}`);
      assert.deepEqual(report.violations, [], `${fn}: calls its role does not allow:\n${report.violations.join('\n')}`);
    });
  }
});
