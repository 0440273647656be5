/**
 * The scenarios `npm run cost` measures, each through a function's real handler (functions/*.ts)
 * on the local stack, in the order a deployed bot runs them: subscribers registered; a timeline
 * of candle closes (every scan schedule of the config at each close, the monitor after it); the
 * daily summary; notify batches of the queued messages; bot commands through the webhook;
 * GET /health; an alarm notification through `alerts` when the tree has that function; reconcile
 * runs when the config trades live (./reconcile-scenario.ts).
 * Every exchange of the config is simulated as Binance (the simulator speaks its API), with its
 * symbols and timeframes.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageBatchCommand } from '@aws-sdk/client-sqs';
import { stringify } from 'yaml';
import { makeHealthHandler } from '../../../functions/health.js';
import { makeMonitorHandler } from '../../../functions/monitor.js';
import { makeNotifyHandler } from '../../../functions/notify.js';
import { makeScanHandler } from '../../../functions/scan.js';
import { makeSummaryHandler } from '../../../functions/summary.js';
import { makeWebhookHandler } from '../../../functions/webhook.js';
import { localDocumentClient, localSqs } from '../../../infra/local-clients.js';
import type { LocalEnv } from '../../../infra/local-stack.js';
import { localContext } from '../../../lib/aws/lambda-context.js';
import { monitorEnvSchema, parseEnv, scanEnvSchema } from '../../../lib/config/env.js';
import { parseConfig } from '../../../lib/config/load.js';
import type { BotConfig } from '../../../lib/config/schema.js';
import type { CostFunction, Sample } from '../../../lib/cost/measurement.js';
import { createMonitorRuntime, type MonitorRuntime } from '../../../lib/runtime/monitor.js';
import { createScanRuntime, type ScanRuntime } from '../../../lib/runtime/scan.js';
import { createDynamoUserStore } from '../../../lib/store/users/user-store.js';
import { BATCH_SIZES, firstError, queuedBySource, sqsEvent, tableBytes, warmUpNote } from './helpers.js';
import { measureReconcile } from './reconcile-scenario.js';
import { measuredSymbol, tfMinutes, type Invoke, type MeasureOptions, type Peers } from './types.js';

export interface ScenarioContext extends MeasureOptions {
  readonly stack: LocalEnv;
  readonly peers: Peers;
  readonly sim: { readonly url: string; setNow(ms: number): void; stats(): Promise<unknown> };
  /** Start of the simulated timeline (aligned to the longest timeframe). */
  readonly start: number;
  readonly invoke: Invoke;
}

export interface ScenarioResult {
  readonly samples: Record<CostFunction, Sample[]>;
  readonly storage: { bytesPerSignal: number; bytesPerMessage: number; bytesPerSubscriber: number };
  readonly notes: string[];
}

const WEBHOOK_SECRET = 'cost-measurement-webhook-secret-0123';
const FIRST_CHAT = 700_001;
const MAX_STEPS = 64;
const ctx = (fn: string, timeoutMs: number) => localContext(`candlebot-${fn}`, timeoutMs, randomUUID());

export async function runScenarios(c: ScenarioContext): Promise<ScenarioResult> {
  const samples: Record<CostFunction, Sample[]> = { scan: [], monitor: [], notify: [], webhook: [], summary: [], health: [], alerts: [], reconcile: [] };
  const notes: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'candlebot-cost-'));
  const doc = localDocumentClient(c.stack.CANDLEBOT_DDB_ENDPOINT);
  const sqs = localSqs(c.stack.CANDLEBOT_SQS_ENDPOINT);
  try {
    const parsed = c.config;
    const timeframes = [...new Set(parsed.exchanges.flatMap((e) => e.timeframes))].sort((a, b) => tfMinutes(a) - tfMinutes(b));
    const symbolsOf = (tf?: string) => [...new Set(parsed.exchanges.flatMap((e, i) => (tf === undefined || e.timeframes.includes(tf as never) ? e.symbols.map((s) => measuredSymbol(s, i)) : [])))];
    const admins = parsed.telegram.adminChatIds.length ? parsed.telegram.adminChatIds : [FIRST_CHAT];
    const telegram = (c.raw['telegram'] ?? {}) as Record<string, unknown>;
    // The user's file as written, with the exchanges simulated and an admin chat (alerts, admin commands) when it has none.
    const configFor = (symbols: readonly string[]) => ({
      ...c.raw,
      exchanges: [{ id: 'binance', symbols, timeframes, apiBase: c.sim.url, timeoutMs: 10_000 }],
      telegram: { ...telegram, adminChatIds: admins, commands: { ...((telegram['commands'] ?? {}) as object), perMinute: 600, burst: 100 } },
    });
    const write = (name: string, cfg: unknown): { path: string; config: BotConfig } => {
      const path = join(dir, `${name}.yml`);
      writeFileSync(path, stringify(cfg));
      return { path, config: parseConfig(cfg, path) };
    };
    const union = write('all', configFor(symbolsOf()));
    const env: Record<string, string> = {
      ...c.stack,
      CANDLEBOT_DDB_ENDPOINT: c.peers.ddb,
      CANDLEBOT_SQS_ENDPOINT: c.peers.sqs,
      CANDLEBOT_CONFIG_PATH: union.path,
      TELEGRAM_BOT_TOKEN: c.peers.token,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: c.peers.telegram,
    };

    c.progress(`registering ${c.subscribers} subscribers (subscribed to every signal)…`);
    const users = createDynamoUserStore({ client: doc, table: c.stack.USERS_TABLE });
    const chats = Array.from({ length: c.subscribers }, (_, i) => FIRST_CHAT + i);
    for (const chat of chats) {
      await users.register(chat, Date.now());
      await users.subscribe({ chatId: chat, symbol: '*', strategy: '*', timeframe: '*' }, Date.now());
    }
    const bytesPerSubscriber = c.subscribers ? (await tableBytes(doc, c.stack.USERS_TABLE)) / c.subscribers : 0;

    // The timeline: every close of the shortest timeframe, the scans due at it, then the monitor.
    let now = c.start;
    const clock = { now: () => now };
    const scanHandlers = new Map(
      timeframes.map((tf) => {
        const { config } = write(`scan-${tf}`, configFor(symbolsOf(tf)));
        const real = createScanRuntime(parseEnv(scanEnvSchema, env), config);
        const runtime: ScanRuntime = { ...real, deps: (o) => real.deps({ ...o, clock }) };
        return [tf, makeScanHandler({ runtime })] as const;
      }),
    );
    const monitorReal = createMonitorRuntime(parseEnv(monitorEnvSchema, env), union.config);
    const monitor = makeMonitorHandler({ runtime: { ...monitorReal, deps: (o) => monitorReal.deps({ ...o, clock }) } as MonitorRuntime, env });
    const step = tfMinutes(timeframes[0]!) * 60_000;
    const steps = Math.min(MAX_STEPS, Math.max(12, Math.ceil((3 * tfMinutes(timeframes.at(-1)!) * 60_000) / step)));
    let signals = 0;
    // Warm-up (not measured): loads the modules (ccxt's exchange, the use cases) and fills the markets
    // cache, as a deployed function's INIT and an earlier run would; a cold sample is then the runtime's
    // first use only, and the module import is the --init-ms assumption.
    const first = timeframes[0]!;
    now = c.start - tfMinutes(timeframes.at(-1)!) * 60_000 + 5000;
    c.sim.setNow(now);
    await c.sim.stats();
    const warmScan = makeScanHandler({ runtime: ((real: ScanRuntime): ScanRuntime => ({ ...real, deps: (o) => real.deps({ ...o, clock }) }))(createScanRuntime(parseEnv(scanEnvSchema, env), union.config)) });
    const warm = await c.invoke(() => warmScan({ timeframe: first }, ctx('scan', 120_000)) as Promise<{ signalled: number }>);
    signals += warm.result.signalled;
    notes.push(warmUpNote('scan', warm.q));
    c.progress(`timeline: ${steps} closes of ${timeframes[0]} (scans of ${timeframes.join(', ')} when due, the monitor after each)…`);
    for (let k = 0; k <= steps; k++) {
      const close = c.start + k * step;
      now = close + 5000;
      c.sim.setNow(now);
      await c.sim.stats(); // the simulator has moved its clock before the scans ask
      for (const tf of timeframes) {
        if (close % (tfMinutes(tf) * 60_000) !== 0) continue;
        const cold = !samples.scan.some((s) => s.group === tf);
        const { result, q } = await c.invoke(() => scanHandlers.get(tf)!({ timeframe: tf }, ctx('scan', 120_000)) as Promise<{ signalled: number }>);
        signals += result.signalled;
        samples.scan.push({ q, x: result.signalled, group: tf, cold });
      }
      // The monitor right after the close (new candles) and minutes later (none new): deployed, most runs are the latter.
      for (const [group, at] of [['close', 30_000], ['between', Math.min(step - 30_000, 5 * 60_000)]] as const) {
        now = close + at;
        const { result, q } = await c.invoke(() => monitor({}, ctx('monitor', 60_000)) as Promise<{ listed: number }>);
        samples.monitor.push({ q, x: result.listed, group, cold: samples.monitor.length === 0 });
      }
      if (k % 8 === 0) c.progress(`  close ${k}/${steps}: ${signals} signals so far`);
    }
    const signalBytes = (await tableBytes(doc, c.stack.SIGNALS_TABLE)) + (await tableBytes(doc, c.stack.POSITIONS_TABLE));

    c.progress('daily summary…');
    const summary = makeSummaryHandler({ env });
    for (const event of [{ 'detail-type': 'Scheduled Event', source: 'aws.events' }, { date: new Date(now).toISOString().slice(0, 10) }]) {
      const { q } = await c.invoke(() => summary(event, ctx('summary', 120_000)));
      samples.summary.push({ q, x: 0, group: 'all', cold: samples.summary.length === 0 });
    }

    c.progress('notify: batches of the queued messages…');
    const notify = makeNotifyHandler({ env });
    let delivered = 0;
    let batches = 0;
    const groups = await queuedBySource(sqs, c.stack.NOTIFY_QUEUE_URL);
    const warmMessage = groups[0]?.shift();
    if (warmMessage) {
      // Warm-up (not measured): telegraf, the chart renderer and its font load on the first message.
      const warmNotify = await c.invoke(() => makeNotifyHandler({ env })(sqsEvent([warmMessage]), ctx('notify', 30_000)));
      notes.push(warmUpNote('notify', warmNotify.q));
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: c.stack.NOTIFY_QUEUE_URL, Entries: [{ Id: '0', ReceiptHandle: warmMessage.ReceiptHandle! }] }));
    }
    for (const group of groups) {
      if (batches >= 18) break;
      // A burst as deployed: one signal's (or close's, or summary's) messages, each chat once; the next
      // burst after the per-chat interval (deployed, bursts are minutes apart).
      for (let i = 0; i < group.length && batches < 18; batches++) {
        const messages = group.slice(i, i + BATCH_SIZES[batches % BATCH_SIZES.length]!);
        i += messages.length;
        const { q } = await c.invoke(() => notify(sqsEvent(messages), ctx('notify', 30_000)));
        samples.notify.push({ q, x: messages.length, group: 'all', cold: samples.notify.length === 0 });
        delivered += messages.length;
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: c.stack.NOTIFY_QUEUE_URL, Entries: messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })) }));
      }
      await new Promise((r) => setTimeout(r, 1100));
    }
    if (delivered === 0) notes.push('notify: no message was queued during the measurement — notify is not measured');
    const bytesPerMessage = delivered ? (await tableBytes(doc, c.stack.DELIVERIES_TABLE)) / delivered : 0;

    c.progress('webhook: bot commands…');
    c.sim.setNow(Date.now());
    await c.sim.stats();
    const webhook = makeWebhookHandler({ env });
    const [symbol] = symbolsOf();
    const commands = ['/start', '/help', '/list', '/signals', '/positions', '/pnl', `/subscribe ${symbol} ema-cross ${timeframes[0]}`, `/unsubscribe ${symbol} ema-cross ${timeframes[0]}`, '/settings tz Europe/Berlin', `/chart ${symbol} ${timeframes[0]}`];
    let update = 1;
    for (const round of [0, 1]) {
      for (const text of commands) {
        const chat = chats[round % Math.max(1, chats.length)] ?? FIRST_CHAT;
        const body = JSON.stringify({ update_id: update++, message: { message_id: update, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private' }, from: { id: chat, is_bot: false, first_name: 'Cost' }, text } });
        const event = { version: '2.0', routeKey: 'POST /telegram/webhook', rawPath: '/telegram/webhook', rawQueryString: '', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET }, requestContext: { http: { method: 'POST', path: '/telegram/webhook' } }, body, isBase64Encoded: false };
        const { result, q, log } = await c.invoke(() => webhook(event, ctx('webhook', 25_000)) as Promise<{ statusCode?: number }>);
        if (result.statusCode !== 200) notes.push(`webhook: "${text}" answered ${String(result.statusCode)}: ${firstError(log)}`);
        samples.webhook.push({ q, x: 0, group: 'all', cold: samples.webhook.length === 0 });
      }
    }

    c.progress('GET /health…');
    const health = makeHealthHandler({ env });
    for (let i = 0; i < 6; i++) {
      const { q } = await c.invoke(() => health({ requestContext: { http: { method: 'GET' } } }, ctx('health', 10_000)));
      samples.health.push({ q, x: 0, group: 'all', cold: i === 0 });
    }

    await measureAlerts(c, env, samples.alerts, notes);
    try {
      samples.reconcile.push(...(await measureReconcile({ config: c.config, raw: c.raw, dir, simUrl: c.sim.url, env, invoke: c.invoke, progress: c.progress }, notes)));
    } catch (error) {
      samples.reconcile.length = 0;
      notes.push(`reconcile: not measured (${(error as Error).message.split('\n')[0]})`);
    }
    return { samples, storage: { bytesPerSignal: signals ? signalBytes / signals : 0, bytesPerMessage, bytesPerSubscriber }, notes };
  } finally {
    doc.destroy();
    sqs.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The alerts function (issue 14), when the tree has it: an SNS event carrying a CloudWatch alarm state change. */
async function measureAlerts(c: ScenarioContext, env: Record<string, string>, out: Sample[], notes: string[]): Promise<void> {
  const file = new URL('../../../functions/alerts.ts', import.meta.url);
  if (!existsSync(file)) return;
  c.progress('alerts: alarm notifications…');
  try {
    const mod = (await import(file.href)) as Record<string, unknown>;
    const make = mod['makeAlertsHandler'] as ((o: { env: Record<string, string> }) => (e: unknown, ctx: unknown) => Promise<unknown>) | undefined;
    if (typeof make !== 'function') throw new Error('functions/alerts.ts exports no makeAlertsHandler');
    const handler = make({ env });
    for (let i = 0; i < 4; i++) {
      const alarm = { AlarmName: `candlebot-dev-ScanStalled-1h`, NewStateValue: i % 2 ? 'OK' : 'ALARM', OldStateValue: i % 2 ? 'ALARM' : 'OK', NewStateReason: 'Threshold Crossed: 2 out of the last 3 datapoints were greater than the threshold (0.5).', StateChangeTime: new Date().toISOString(), Region: 'US East (N. Virginia)', AWSAccountId: '000000000000', AlarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:candlebot-dev-ScanStalled-1h', Trigger: { MetricName: 'ScanFailureRatio', Namespace: 'candlebot', Statistic: 'MAXIMUM', Dimensions: [{ name: 'service', value: 'candlebot' }, { name: 'timeframe', value: '1h' }], Period: 3600, EvaluationPeriods: 3, ComparisonOperator: 'GreaterThanThreshold', Threshold: 0.5, TreatMissingData: 'breaching' } };
      const event = { Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:AlertsTopic:1', Sns: { Type: 'Notification', MessageId: randomUUID(), TopicArn: 'arn:aws:sns:us-east-1:000000000000:AlertsTopic', Subject: `ALARM: "candlebot-dev-ScanStalled-1h"`, Message: JSON.stringify(alarm), Timestamp: new Date().toISOString(), SignatureVersion: '1', Signature: '', SigningCertUrl: '', UnsubscribeUrl: '', MessageAttributes: {} } }] };
      const { q } = await c.invoke(() => handler(event, ctx('alerts', 30_000)));
      out.push({ q, x: 0, group: 'all', cold: i === 0 });
    }
  } catch (error) {
    out.length = 0;
    notes.push(`alerts: not measured (${(error as Error).message.split('\n')[0]})`);
  }
}
