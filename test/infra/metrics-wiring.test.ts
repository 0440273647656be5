/**
 * Metrics wiring (issue 14): what the handlers emit is exactly the catalogue
 * (lib/runtime/metric-catalogue.ts), and nothing in the generated template watches nothing.
 *
 * The real handlers (scan, monitor, notify, webhook, health, reconcile) run scenarios on the local stack —
 * successes and the failures that provoke each metric: a symbol the exchange does not list, an
 * exchange down, a paused scan, a notification queue that does not exist (outbox stuck), a
 * position on an exchange no longer configured, a chat that blocked the bot, Telegram 5xx, a
 * malformed message, a webhook that cannot load its config (5xx), a corrupt heartbeat row, a
 * DynamoDB endpoint that throttles (a proxy to DynamoDB Local on 127.0.0.1), an unknown bot order at
 * a live exchange (reconcile adopts it and alerts: LiveTradingAlerts). Their stdout/stderr
 * (Powertools log lines and EMF blobs) is captured. Then:
 *   (a) every emitted (namespace, metric, dimension names, function) is catalogued, and every
 *       catalogue entry is emitted by some scenario; every-run metrics once per run, non-zero
 *       ones never 0;
 *   (b) in the packaged template, every metric an alarm (MetricName or Metrics[].MetricStat) or
 *       a dashboard metric widget names is candlebot/* with exactly the dimension names emitted,
 *       or AWS/* with dimension values that reference a resource of the template;
 *   (c) every alarm has AlarmActions and OKActions;
 *   (d) every field and message a dashboard log widget or a query definition uses is present in
 *       the captured log lines; the dashboard holds at most 50 metrics;
 *   (e) the same for what only a config with a live exchange adds (the shipped config trades on
 *       paper, so the packaged template has none of it): the LiveTradingAlert alarm and the
 *       dashboard's live row, from infra/alarms.cjs and infra/dashboard.cjs with a live exchange.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { stringify } from 'yaml';
import { makeHealthHandler } from '../../functions/health.js';
import { makeMonitorHandler } from '../../functions/monitor.js';
import { makeNotifyHandler } from '../../functions/notify.js';
import { makeReconcileHandler } from '../../functions/reconcile.js';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import { createCcxtTrading } from '../../lib/exchange/trading/ccxt-trading.js';
import { makeScanHandler } from '../../functions/scan.js';
import { makeWebhookHandler } from '../../functions/webhook.js';
import { localContext } from '../../lib/aws/lambda-context.js';
import { monitorEnvSchema, parseEnv, scanEnvSchema } from '../../lib/config/env.js';
import { parseConfig } from '../../lib/config/load.js';
import type { BotConfig } from '../../lib/config/schema.js';
import type { Clock } from '../../lib/ports/clock.js';
import type { ExchangePort } from '../../lib/ports/exchange.js';
import { createMonitorRuntime, type MonitorRuntime } from '../../lib/runtime/monitor.js';
import { METRIC_CATALOGUE, METRIC_NAMESPACE, dimensionSet, type FunctionName } from '../../lib/runtime/metric-catalogue.js';
import { createScanRuntime, type ScanRuntime } from '../../lib/runtime/scan.js';
import { createDynamoControlStore } from '../../lib/store/state/control-store.js';
import { createDynamoUserStore } from '../../lib/store/users/user-store.js';
import { HOUR, openerFor, positionSignal, storeFor, T0 } from '../positions/fixture.js';
import { bar, scriptedExchange } from '../positions/scripted-exchange.js';
import { testClock } from '../support/clock.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram/index.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { packagedTemplate, type CfnTemplate } from '../support/packaged-template.js';
import { FAST_STRATEGIES, SCAN_NOW } from '../support/scan-fixture.js';
import { tempDir } from '../support/temp-dir.js';
import { captureJsonOutput } from '../support/capture-stdout.js';
import { receiveAsSqsEvent } from '../support/queue.js';

const require = createRequire(import.meta.url);
const { configTimeframes, readConfig } = require('../../infra/scan-schedules.cjs') as { configTimeframes(c: unknown): string[]; readConfig(): unknown };
const alarmsCjs = require('../../infra/alarms.cjs') as { alarmResources(parts: Record<string, unknown>): CfnTemplate['Resources']; catalogueFacts(): unknown; timeframeSecondsFn(): unknown };
const dashboardCjs = require('../../infra/dashboard.cjs') as {
  dashboardBody(parts: Record<string, unknown>): { body: { widgets: { type: string; properties: Record<string, unknown> }[] }; metricCount: number };
  stackFunctions(): string[];
  stackTables(): string[];
};

type Line = Record<string, unknown>;
interface Emission {
  readonly fn: FunctionName;
  readonly namespace: string;
  readonly name: string;
  readonly dims: string;
  readonly value: unknown;
}

const SIM_SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT'];
const USER_CHAT = 4343;
const SECRET = 'metrics-wiring-secret_0123456789abcdef';
const quiet = () => new Logger({ serviceName: 'candlebot' });
const dimKey = (names: readonly string[]) => [...names].sort().join(',');

/** A DynamoDB endpoint on 127.0.0.1 that throttles the first `throttle` requests, then forwards to DynamoDB Local. */
async function throttlingProxy(target: string, throttle: number): Promise<{ url: string; close(): Promise<void> }> {
  let left = throttle;
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (left > 0) {
        left--;
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' }));
        return;
      }
      const forward = request({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      forward.on('error', (error) => res.destroy(error));
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The EMF metrics of captured lines: one emission per (metric, dimension set). */
function emissionsOf(fn: FunctionName, lines: readonly Line[]): Emission[] {
  const out: Emission[] = [];
  for (const line of lines) {
    const aws = line['_aws'] as { CloudWatchMetrics?: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } | undefined;
    for (const directive of aws?.CloudWatchMetrics ?? []) {
      for (const dims of directive.Dimensions) for (const m of directive.Metrics) out.push({ fn, namespace: directive.Namespace, name: m.Name, dims: dimKey(dims), value: line[m.Name] });
    }
  }
  return out;
}

/** Every key path of a log line (`dropped.blocked`, `events.failed`…). */
function keyPaths(line: Line, prefix = ''): string[] {
  return Object.entries(line).flatMap(([k, v]) => {
    const path = `${prefix}${k}`;
    return v && typeof v === 'object' && !Array.isArray(v) ? [path, ...keyPaths(v as Line, `${path}.`)] : [path];
  });
}

const QUERY_WORDS = new Set(['fields', 'filter', 'stats', 'sort', 'limit', 'parse', 'by', 'as', 'and', 'or', 'not', 'like', 'in', 'asc', 'desc', 'display', 'dedup', 'SOURCE']);

/** The log fields a Logs Insights query reads (not @-fields, aliases, functions, literals), and its message tests. */
function queryUses(query: string): { fields: string[]; messages: string[]; patterns: RegExp[] } {
  const body = query.replace(/SOURCE '[^']*'\s*\|/g, '');
  const aliases = new Set([...body.matchAll(/\bas\s+([A-Za-z_]\w*)/g), ...body.matchAll(/\(\?<([A-Za-z_]\w*)>/g)].map((m) => m[1]!));
  const messages = [...body.matchAll(/\bmessage\s*=\s*"([^"]*)"/g)].map((m) => m[1]!);
  const patterns = [...body.matchAll(/\bmessage\s+like\s+\/((?:[^/\\]|\\.)*)\//g)].map((m) => new RegExp(m[1]!));
  const bare = body.replace(/"[^"]*"/g, ' ').replace(/\/(?:[^/\\\n]|\\.)*\//g, ' ');
  const fields = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w.@])(@?[A-Za-z_][\w.]*)(\s*\()?/g)) {
    const [, word, call] = m;
    if (call || word!.startsWith('@') || QUERY_WORDS.has(word!) || aliases.has(word!)) continue;
    fields.add(word!);
  }
  return { fields: [...fields], messages, patterns };
}

/** `${X}` / `${X.Attr}` of a Fn::Sub string → `{{ref:X}}`, so that the dashboard body parses as JSON. */
const subRefs = (text: string): string => text.replace(/\$\{([A-Za-z0-9:]+)(?:\.[A-Za-z]+)?\}/g, '{{ref:$1}}');

/** The resource a dimension value references (Ref, GetAtt, Sub), or undefined for a literal. */
function referenced(value: unknown): string | undefined {
  if (typeof value === 'string') return /^\{\{ref:([A-Za-z0-9]+)\}\}$/.exec(value)?.[1];
  const v = value as Record<string, unknown> | undefined;
  if (typeof v?.['Ref'] === 'string') return v['Ref'];
  if (Array.isArray(v?.['Fn::GetAtt'])) return String((v['Fn::GetAtt'] as unknown[])[0]);
  if (typeof v?.['Fn::GetAtt'] === 'string') return (v['Fn::GetAtt'] as string).split('.')[0];
  if (typeof v?.['Fn::Sub'] === 'string') return /^\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}$/.exec(v['Fn::Sub'])?.[1];
  return undefined;
}

interface WatchedMetric {
  readonly where: string;
  readonly namespace: string;
  readonly name: string;
  readonly dims: readonly { readonly name: string; readonly value: unknown }[];
}

/** A dashboard body as infra/dashboard.cjs returns it (`${…}` references for Fn::Sub), parsed like the template's. */
const bodyOf = (body: unknown): { widgets: { type: string; properties: Record<string, unknown> }[] } => JSON.parse(subRefs(JSON.stringify(body)));

function dashboardOf(template: CfnTemplate): { body: { widgets: { type: string; properties: Record<string, unknown> }[] } } {
  const dashboards = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
  assert.equal(dashboards.length, 1, 'one dashboard (OperationsDashboard)');
  const raw = dashboards[0]!.Properties['DashboardBody'];
  const text = typeof raw === 'string' ? raw : typeof raw?.['Fn::Sub'] === 'string' ? raw['Fn::Sub'] : undefined;
  assert.ok(text, `DashboardBody must be a string or Fn::Sub of a string: ${JSON.stringify(raw).slice(0, 200)}`);
  return { body: JSON.parse(subRefs(text)) };
}

/** Every metric an alarm or a dashboard metric widget names (`dashboard`: another body than the template's). */
function watchedMetrics(template: CfnTemplate, dashboard = dashboardOf(template).body): WatchedMetric[] {
  const out: WatchedMetric[] = [];
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
    const p = r.Properties;
    if (p['MetricName']) out.push({ where: `alarm ${id}`, namespace: p['Namespace'], name: p['MetricName'], dims: (p['Dimensions'] ?? []).map((d: { Name: string; Value: unknown }) => ({ name: d.Name, value: d.Value })) });
    for (const q of p['Metrics'] ?? []) {
      const m = q.MetricStat?.Metric;
      if (m) out.push({ where: `alarm ${id} (${q.Id})`, namespace: m.Namespace, name: m.MetricName, dims: (m.Dimensions ?? []).map((d: { Name: string; Value: unknown }) => ({ name: d.Name, value: d.Value })) });
    }
  }
  for (const w of dashboard.widgets) {
    if (w.type !== 'metric') continue;
    for (const entry of (w.properties['metrics'] as unknown[][]) ?? []) {
      const plain = entry.filter((e) => typeof e === 'string') as string[];
      assert.ok(!plain.includes('.'), `widget "${String(w.properties['title'])}": write every metric out in full (no "." shorthand)`);
      const [namespace, name, ...pairs] = plain;
      const dims = [];
      for (let i = 0; i < pairs.length; i += 2) dims.push({ name: pairs[i]!, value: pairs[i + 1] });
      out.push({ where: `dashboard widget "${String(w.properties['title'])}"`, namespace: namespace!, name: name!, dims });
    }
  }
  return out;
}

describe('metrics wiring: the handlers emit exactly the catalogue; alarms and the dashboard watch only what is emitted', () => {
  let template: CfnTemplate;
  let r: TestResources;
  let rs: TestResources;
  let sim: BinanceSim;
  let fake: FakeTelegram;
  let dir: string;
  const emitted: Emission[] = [];
  const logLines: Line[] = [];
  const runs = new Map<FunctionName, number>();

  /** Runs one invocation of `fn`, keeping its log lines and metrics. */
  async function invoke<T>(fn: FunctionName, call: () => Promise<T>): Promise<T> {
    const { result, lines } = await captureJsonOutput(() => call().then((value) => ({ value }), (error: unknown) => ({ error })));
    logLines.push(...lines.filter((l) => l['_aws'] === undefined));
    emitted.push(...emissionsOf(fn, lines));
    runs.set(fn, (runs.get(fn) ?? 0) + 1);
    if ('error' in result) throw result.error;
    return result.value;
  }
  const ctx = (fn: string) => localContext(fn, 60_000, randomUUID());
  const writeConfig = (name: string, raw: unknown): string => {
    const path = join(dir, `${name}.config.yml`);
    writeFileSync(path, stringify(raw));
    return path;
  };
  function scanHandler(res: TestResources, config: BotConfig, clock: Clock, env: Record<string, string> = {}, exchange?: ExchangePort) {
    const real = createScanRuntime(parseEnv(scanEnvSchema, { ...res.env, ...env }), config);
    const runtime: ScanRuntime = { ...real, deps: (o) => real.deps({ ...o, clock, ...(exchange ? { exchange: async () => exchange } : {}) }) };
    return makeScanHandler({ runtime, logger: quiet() });
  }
  function monitorHandler(res: TestResources, config: BotConfig, clock: Clock, exchange: ExchangePort) {
    const env = { ...res.env };
    const real = createMonitorRuntime(parseEnv(monitorEnvSchema, env), config);
    const runtime: MonitorRuntime = { ...real, deps: (o) => real.deps({ ...o, clock, exchange: async () => exchange }) };
    return makeMonitorHandler({ runtime, env, logger: quiet() });
  }
  /** The messages waiting in `res`'s NotifyQueue as one SQS event (plus extra bodies). */
  async function sqsEvent(res: TestResources, extra: readonly string[] = []): Promise<SQSEvent> {
    return receiveAsSqsEvent(res.sqs, res.queues.NotifyQueue!, extra);
  }

  before(async () => {
    dir = tempDir('candlebot-metrics-');
    template = (await packagedTemplate()).template;
    [r, rs] = await Promise.all([testResources('metrics'), testResources('metrics-scan')]);
    sim = await startBinanceSim({ symbols: SIM_SYMBOLS, nowMs: SCAN_NOW });
    fake = await startFakeTelegram({ limits: false });
    for (const res of [r, rs]) {
      const users = createDynamoUserStore({ client: res.doc, table: res.tables.UsersTable! });
      await users.register(USER_CHAT, T0);
      await users.subscribe({ chatId: USER_CHAT, symbol: '*', strategy: '*', timeframe: '*' }, T0);
    }
  });
  after(async () => {
    // The captured log lines, for the README's example answers of the query definitions (off unless asked).
    const dump = process.env['CANDLEBOT_WIRING_LOG'];
    if (dump) writeFileSync(dump, logLines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    await Promise.allSettled([sim?.close(), fake?.close()]);
    r?.close();
    rs?.close();
  });

  it('scenario: health — a corrupt heartbeat row (CorruptRowsIgnored) read through a DynamoDB endpoint that throttles once (DynamoDBErrors)', async () => {
    await r.doc.send(new PutCommand({ TableName: r.tables.StateTable!, Item: { pk: 'scan#1h', timeframe: 42 } }));
    const proxy = await throttlingProxy(r.ddbEndpoint, 1);
    try {
      const config = writeConfig('health', { exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }] });
      const health = makeHealthHandler({ env: { ...r.env, CANDLEBOT_CONFIG_PATH: config, CANDLEBOT_DDB_ENDPOINT: proxy.url }, logger: quiet() });
      const answer = await invoke('health', () => health({ requestContext: { http: { method: 'GET' } } }, ctx('health')));
      assert.match(String((answer as { body?: string }).body), /"status"/);
    } finally {
      await proxy.close();
    }
    assert.deepEqual(emitted.filter((e) => e.name === 'DynamoDBErrors').map((e) => [e.fn, e.value]), [['health', 1]], 'the one throttled attempt, retried by the SDK');
    assert.ok(emitted.some((e) => e.name === 'CorruptRowsIgnored' && e.fn === 'health'));
  });

  it('scenario: scan over the exchange simulator — signals, positions, a symbol not listed; a paused scan; an exchange down (nothing scanned)', async () => {
    const config = parseConfig({
      exchanges: [{ id: 'binance', symbols: [...SIM_SYMBOLS, 'NOPE/USDT'], timeframes: ['1h'], apiBase: sim.url, timeoutMs: 2000 }],
      strategies: FAST_STRATEGIES,
      scan: { candles: 100, concurrency: 4, reserveMs: 1000 },
      risk: { startingBalance: 1000, stakeFixed: 100, maxOpenPositions: 1 },
      telegram: { adminChatIds: [111] },
    });
    const first = await invoke('scan', () => scanHandler(rs, config, testClock(SCAN_NOW))({ timeframe: '1h' }, ctx('scan')));
    assert.ok(first.signalled >= 2, JSON.stringify(first));
    const ratio = emitted.filter((e) => e.name === 'ScanFailureRatio');
    assert.deepEqual(ratio.map((e) => e.value), [1 / (first.scanned + 1)], 'failed / (scanned + failed)');

    await createDynamoControlStore({ client: rs.doc, table: rs.tables.StateTable! }).set({ scanningPaused: true }, 111, SCAN_NOW);
    await invoke('scan', () => scanHandler(rs, config, testClock(SCAN_NOW + 2000))({ timeframe: '1h' }, ctx('scan')));
    assert.equal(emitted.filter((e) => e.name === 'ScanFailureRatio').at(-1)?.value, 0, 'paused: 0');
    await createDynamoControlStore({ client: rs.doc, table: rs.tables.StateTable! }).set({ scanningPaused: false }, 111, SCAN_NOW);

    const down = parseConfig({
      exchanges: [{ id: 'bybit', symbols: ['BTC/USDT'], timeframes: ['1h'], apiBase: 'http://127.0.0.1:1', timeoutMs: 500 }],
      strategies: [{ name: 'ema-cross' }],
      telegram: { adminChatIds: [111] },
    });
    const failed = await invoke('scan', () => scanHandler(r, down, testClock(SCAN_NOW))({ timeframe: '1h' }, ctx('scan')));
    assert.equal(failed.scanned, 0);
    assert.equal(emitted.filter((e) => e.name === 'ScanFailureRatio').at(-1)?.value, 1, 'nothing scanned: 1');
  });

  it('scenario: scan whose notifications cannot be enqueued (the queue does not exist): OutboxStuck', async () => {
    const config = parseConfig({
      exchanges: [{ id: 'binance', symbols: SIM_SYMBOLS, timeframes: ['1h'], apiBase: sim.url, timeoutMs: 2000 }],
      strategies: FAST_STRATEGIES,
      scan: { candles: 100, concurrency: 4, reserveMs: 1000 },
      telegram: { adminChatIds: [111] },
    });
    // No paper trading here: these signals open no position (the monitor scenario owns r's positions).
    const { POSITIONS_TABLE: _none, ...noPositions } = { ...r.env, NOTIFY_QUEUE_URL: `${r.queues.NotifyQueue!}-missing` };
    const real = createScanRuntime(parseEnv(scanEnvSchema, noPositions), config);
    const runtime: ScanRuntime = { ...real, deps: (o) => real.deps({ ...o, clock: testClock(SCAN_NOW) }) };
    const result = await invoke('scan', () => makeScanHandler({ runtime, logger: quiet() })({ timeframe: '1h' }, ctx('scan')));
    assert.ok(result.signalled >= 1, JSON.stringify(result));
    const stuck = emitted.filter((e) => e.name === 'OutboxStuck' && e.fn === 'scan');
    assert.equal(stuck.length, 1);
    assert.equal(stuck[0]!.value, result.signalled, 'every recorded signal is left in the outbox');
  });

  it('scenario: monitor — a position closes at its stop; a position on an exchange no longer configured fails', async () => {
    const config = parseConfig({
      exchanges: [{ id: 'binance', symbols: ['BARA/USDT'], timeframes: ['1h'] }],
      strategies: [{ name: 'ema-cross' }],
      risk: { startingBalance: 10_000, stakeFixed: 100, maxOpenPositions: 10, feeRate: 0.001 },
      telegram: { adminChatIds: [111] },
    });
    const store = storeFor(r);
    const long = positionSignal({ symbol: 'BARA/USDT', entry: 100 });
    const orphan = positionSignal({ exchange: 'kraken', symbol: 'ETH/USDT', entry: 100 });
    for (const s of [long, orphan]) assert.equal((await openerFor(store, config, testClock(T0 + HOUR + 5000), [USER_CHAT]).open(s)).status, 'opened');
    const exchange = scriptedExchange();
    exchange.set('BARA/USDT', [bar(T0, 100, 100.5, 99.5, 100), bar(T0 + HOUR, 100, 101, 99, 100.5), bar(T0 + 2 * HOUR, 100.5, 100.8, 96, 96.5), bar(T0 + 3 * HOUR, 96.4, 96.6, 96.2, 96.5)]);
    const result = await invoke('monitor', () => monitorHandler(r, config, testClock(T0 + 3 * HOUR + 5000), exchange)({}, ctx('monitor')));
    assert.equal(result.closed, 1, JSON.stringify(result));
    assert.equal(result.failed, 1, 'the kraken position');
    assert.deepEqual(emitted.filter((e) => e.name === 'MonitorFailures').map((e) => e.value), [1]);
  });

  it('scenario: notify — the signals and position events enqueued above, a blocked chat, Telegram 5xx, a malformed body', async () => {
    const configPath = writeConfig('notify', {
      exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }],
      strategies: [{ name: 'ema-cross' }],
      telegram: { delivery: { perChatIntervalMs: 100, globalPerSecond: 30, charts: false } },
    });
    const users = createDynamoUserStore({ client: r.doc, table: r.tables.UsersTable! });
    for (const chat of [501, 502]) await users.register(chat, Date.now());
    fake.blockChat(501);
    fake.script(({ chatId }) => (chatId === 502 ? { status: 502 } : undefined));
    const note = (chatId: number) => JSON.stringify({ v: 1, id: `wiring-${chatId}-${randomUUID()}#chat#${chatId}`, kind: 'daily-summary', chatId, text: 'summary', parseMode: 'HTML', sourceId: `wiring-${chatId}`, createdAt: Date.now() });
    for (const res of [rs, r]) {
      const handler = makeNotifyHandler({ env: { ...res.env, CANDLEBOT_CONFIG_PATH: configPath, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot }, logger: quiet() });
      const event = await sqsEvent(res, res === r ? [note(501), note(502), 'not json'] : []);
      assert.ok(event.Records.length >= 1, 'notifications waiting');
      await invoke('notify', () => handler(event, ctx('notify')));
    }
    fake.script(undefined);
    assert.ok(logLines.some((l) => l['message'] === 'notification sent' && typeof l['signalId'] === 'string'), 'a signal notification delivered, with its signalId');
    assert.ok(logLines.some((l) => l['message'] === 'notification dropped' && l['chatId'] === 501));
  });

  it('scenario: webhook — a command answered (200), and a webhook that cannot load its config (500: WebhookServerErrors)', async () => {
    const configPath = writeConfig('webhook', { exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }], telegram: { adminChatIds: [111] } });
    const env = { ...r.env, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.apiRoot };
    const update = (chatId: number) => ({
      version: '2.0',
      routeKey: 'POST /telegram/webhook',
      rawPath: '/telegram/webhook',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      requestContext: { http: { method: 'POST', path: '/telegram/webhook' } },
      body: JSON.stringify({ update_id: Date.now(), message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private' }, from: { id: chatId, is_bot: false, first_name: 'T' }, text: '/start' } }),
      isBase64Encoded: false,
    });
    const ok = makeWebhookHandler({ env: { ...env, CANDLEBOT_CONFIG_PATH: configPath }, logger: quiet() });
    assert.equal((await invoke('webhook', () => ok(update(7401), ctx('webhook'))) as { statusCode: number }).statusCode, 200);
    const broken = makeWebhookHandler({ env: { ...env, CANDLEBOT_CONFIG_PATH: join(dir, 'missing.config.yml') }, logger: quiet() });
    assert.equal((await invoke('webhook', () => broken(update(7402), ctx('webhook'))) as { statusCode: number }).statusCode, 500);
    assert.deepEqual(emitted.filter((e) => e.name === 'WebhookServerErrors').map((e) => [e.fn, e.value]), [['webhook', 1]]);
  });

  it('scenario: reconcile — a live exchange (the Binance simulator with an account) holding an open order with a bot id and no row: adopted and alerted (LiveTradingAlerts); a paper-only config emits nothing', async () => {
    const keys = { apiKey: 'wiring-live-key', secret: 'wiring-live-secret' };
    const liveSim = await startBinanceSim({ symbols: ['BTC/USDT'], nowMs: Date.now(), account: { ...keys, balances: { USDT: 1000 } } });
    try {
      liveSim.setPrice('BTC/USDT', 100);
      const trading = await createCcxtTrading({ exchange: 'binance', keys, sandbox: true, apiBase: liveSim.url, timeoutMs: 5000 });
      await trading.placeOrder({ clientOrderId: clientOrderId('wiring-orphan', 'entry'), symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.1, price: 90 });
      const live = writeConfig('reconcile', {
        exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'], apiBase: liveSim.url, timeoutMs: 5000, trading: { mode: 'live', budget: 200, stake: 20, dailyLossLimit: 50 } }],
        strategies: [{ name: 'ema-cross' }],
        telegram: { adminChatIds: [111] },
      });
      const env = { ...r.env, LIVE_TABLE: r.tables['LiveTable']!, CANDLEBOT_CONFIG_PATH: live, CANDLEBOT_BINANCE_API_KEY: keys.apiKey, CANDLEBOT_BINANCE_SECRET: keys.secret };
      const result = await invoke('reconcile', () => makeReconcileHandler({ env, logger: quiet() })({ 'detail-type': 'Scheduled Event', source: 'aws.events' }, ctx('reconcile')));
      assert.ok(result.alerts >= 1, JSON.stringify(result));
      assert.deepEqual(emitted.filter((e) => e.name === 'LiveTradingAlerts').map((e) => [e.fn, e.value]), [['reconcile', result.alerts]]);
      const paper = writeConfig('reconcile-paper', { exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }] });
      const before = emitted.length;
      await invoke('reconcile', () => makeReconcileHandler({ env: { CANDLEBOT_CONFIG_PATH: paper }, logger: quiet() })({}, ctx('reconcile')));
      assert.equal(emitted.length, before, 'a paper-only config publishes nothing');
    } finally {
      await liveSim.close();
    }
  });

  it('(a) every emitted metric is in the catalogue (namespace, name, dimensions, function) and every catalogue entry is emitted', () => {
    assert.ok(emitted.length > 0, 'the scenarios emitted metrics');
    for (const e of emitted) {
      const spec = METRIC_CATALOGUE.find((m) => m.name === e.name);
      assert.ok(spec, `${e.fn} emitted ${e.namespace}/${e.name}, which is not in lib/runtime/metric-catalogue.ts`);
      assert.equal(e.namespace, METRIC_NAMESPACE, e.name);
      assert.equal(e.dims, dimKey(dimensionSet(spec)), `${e.name}: dimensions`);
      assert.ok(spec.emittedBy.includes(e.fn), `${e.name} emitted by ${e.fn}, not listed in its emittedBy`);
      if (spec.when === 'non-zero') assert.ok(typeof e.value === 'number' && e.value > 0, `${e.name} is published only when > 0 (got ${String(e.value)})`);
    }
    const names = new Set(emitted.map((e) => e.name));
    assert.deepEqual(METRIC_CATALOGUE.map((m) => m.name).filter((n) => !names.has(n)), [], 'catalogue entries no scenario emitted');
    // every-run metrics: once per invocation of their function
    assert.equal(emitted.filter((e) => e.name === 'ScanFailureRatio').length, runs.get('scan'));
    assert.equal(emitted.filter((e) => e.name === 'MonitorFailures').length, runs.get('monitor'));
  });

  /** (b) for a template (and a dashboard body): every watched metric emitted with its dimensions, or an AWS metric of a template resource. */
  function checkWatched(t: CfnTemplate, dashboard?: ReturnType<typeof bodyOf>): void {
    const emittedDims = new Map<string, Set<string>>();
    for (const e of emitted) emittedDims.set(`${e.namespace}/${e.name}`, (emittedDims.get(`${e.namespace}/${e.name}`) ?? new Set()).add(e.dims));
    const timeframes = new Set(configTimeframes(readConfig()));
    const watched = watchedMetrics(t, dashboard);
    assert.ok(watched.some((w) => w.where.startsWith('dashboard')), 'the dashboard has metric widgets');
    for (const w of watched) {
      const label = `${w.where}: ${w.namespace}/${w.name} {${w.dims.map((d) => d.name).join(', ')}}`;
      if (w.namespace === METRIC_NAMESPACE) {
        assert.ok(emittedDims.get(`${w.namespace}/${w.name}`)?.has(dimKey(w.dims.map((d) => d.name))), `${label}: never emitted with exactly these dimensions`);
        for (const d of w.dims) {
          if (d.name === 'service') assert.equal(d.value, 'candlebot', label);
          if (d.name === 'timeframe') assert.ok(timeframes.has(String(d.value)), `${label}: timeframe ${String(d.value)} is not scanned`);
        }
      } else {
        assert.match(w.namespace, /^AWS\//, `${label}: neither candlebot nor AWS`);
        assert.ok(w.dims.length > 0, `${label}: no dimension`);
        for (const d of w.dims) {
          const id = referenced(d.value);
          assert.ok(id && t.Resources[id], `${label}: dimension ${d.name} = ${JSON.stringify(d.value)} does not reference a resource of the template`);
        }
      }
    }
  }

  it('(b) every metric an alarm or a dashboard widget names is emitted with those dimensions, or an AWS metric of a resource in the template', () => {
    checkWatched(template);
  });

  it('(c) every alarm has AlarmActions and OKActions', () => {
    const alarms = Object.entries(template.Resources).filter(([, res]) => res.Type === 'AWS::CloudWatch::Alarm');
    assert.ok(alarms.length > 0);
    for (const [id, alarm] of alarms) {
      for (const key of ['AlarmActions', 'OKActions']) assert.ok(Array.isArray(alarm.Properties[key]) && alarm.Properties[key].length > 0, `${id}: no ${key}`);
    }
  });

  /** (d) for a dashboard body and the template's query definitions. */
  function checkLogFields(dashboard: ReturnType<typeof bodyOf>): void {
    const queries: [string, string][] = [];
    for (const w of dashboard.widgets) if (w.type === 'log') queries.push([`widget "${String(w.properties['title'])}"`, String(w.properties['query'])]);
    for (const [id, res] of Object.entries(template.Resources)) if (res.Type === 'AWS::Logs::QueryDefinition') queries.push([id, String(res.Properties['QueryString'])]);
    assert.deepEqual(
      ['QuerySignalTrail', 'QueryNotificationTrail', 'QueryFailuresByCode', 'QuerySlowestSymbols'].filter((id) => !template.Resources[id]),
      [],
      'the four query definitions',
    );
    const present = new Set(logLines.flatMap((l) => keyPaths(l)));
    const messages = logLines.map((l) => String(l['message']));
    for (const [where, query] of queries) {
      const uses = queryUses(query);
      assert.ok(uses.fields.length > 0, `${where}: no field found in ${query}`);
      for (const field of uses.fields) assert.ok(present.has(field), `${where}: field "${field}" is in no captured log line`);
      for (const m of uses.messages) assert.ok(messages.includes(m), `${where}: no captured line has message "${m}"`);
      for (const p of uses.patterns) assert.ok(messages.some((m) => p.test(m)), `${where}: no captured message matches ${String(p)}`);
    }
    const metricCount = dashboard.widgets.filter((w) => w.type === 'metric').reduce((n, w) => n + (w.properties['metrics'] as unknown[]).length, 0);
    assert.ok(metricCount <= 50, `the dashboard holds ${metricCount} metrics (free up to 50)`);
  }

  it('(d) every field and message a dashboard log widget or a query definition uses is in the captured log lines; ≤ 50 dashboard metrics', () => {
    checkLogFields(dashboardOf(template).body);
  });

  it('(e) with a live exchange: the LiveTradingAlert alarm and the dashboard’s live row watch what reconcile emits and logs; still ≤ 50 metrics, and a paper dashboard has no live entry', () => {
    const timeframes = configTimeframes(readConfig());
    const parts = { timeframes, functions: dashboardCjs.stackFunctions(), tables: dashboardCjs.stackTables() };
    const liveDashboard = dashboardCjs.dashboardBody({ ...parts, liveExchanges: ['binance'] });
    const alarms = alarmsCjs.alarmResources({ stage: 'dev', timeframes, timeframeSeconds: alarmsCjs.timeframeSecondsFn(), functions: parts.functions, monitorRateSeconds: 60, alertEmail: '', catalogue: alarmsCjs.catalogueFacts(), liveExchanges: ['binance'] });
    assert.ok(alarms['LiveTradingAlertAlarm'], 'the LiveTradingAlert alarm');
    // The live template: the packaged resources plus the live alarms (the dashboard checked is the live body).
    const liveTemplate: CfnTemplate = { ...template, Resources: { ...template.Resources, ...alarms } };
    const body = bodyOf(liveDashboard.body);
    assert.ok(watchedMetrics(liveTemplate, body).some((w) => w.name === 'LiveTradingAlerts' && w.where.startsWith('dashboard')), 'the live row shows LiveTradingAlerts');
    assert.ok(body.widgets.some((w) => w.type === 'log' && String(w.properties['query']).includes('reconcile finished')));
    checkWatched(liveTemplate, body);
    checkLogFields(body);
    assert.ok(liveDashboard.metricCount <= 50, String(liveDashboard.metricCount));
    const paper = JSON.stringify(dashboardCjs.dashboardBody(parts).body);
    assert.ok(!/Reconcile|LiveTable|LiveTrading/.test(paper), 'no live entry on a paper dashboard');
  });
});
