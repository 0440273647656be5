/**
 * `npm run bench:notify`: the delivery path on the local stack (DynamoDB Local, fauxqs in a
 * child process) against the fake Bot API with its flood limiter ON (1 msg/s per chat, 30/s
 * overall), through 5 local pollers (= maximumConcurrency 5, each its own runtime like a Lambda
 * container), telegraf, DynamoDB stores and send-rate slots as deployed.
 *
 *  1. sustained: a producer enqueues at a steady 24/s to 200 chats for 30 s → delivery rate,
 *     enqueue→send latency p50/p95/max;
 *  2. backlog: 600 notifications queued at once → drain rate (the 25/s global budget);
 *  3. chart rendering (renderChartPng, 150 candles) median.
 * Targets: ≥ 25 msg/s drain, 0 flood-limiter 429s, chart rendering ≤ 150 ms median.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { makeNotifyHandler } from '../../functions/notify.js';
import { notifyEnvSchema, parseEnv } from '../../lib/config/env.js';
import { parseConfig } from '../../lib/config/load.js';
import { createAwsClients } from '../../lib/runtime/adapters.js';
import { createNotifyRuntime } from '../../lib/runtime/notify.js';
import { notificationSchema, type NotificationInput } from '../../lib/core/notification.js';
import { asciiJson } from '../../lib/queue/sqs-notification-queue.js';
import { createLocalNotifyPoller, type SqsHandler } from '../../lib/queue/local-notify-poller.js';
import { DEFAULT_FAKE_TOKEN, startFakeTelegram } from '../support/fake-telegram/index.js';
import { startBenchStack } from './bench-stack.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const CHATS = 200;
const SUSTAINED_RATE = 24;
const SUSTAINED_S = 30;
const BACKLOG = 600;
const POLLERS = 5;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function main(): Promise<void> {
  const stack = await startBenchStack(`bench-notify-${process.pid}`);
  const fake = await startFakeTelegram({});
  try {
    const env = parseEnv(notifyEnvSchema, { ...stack.env, TELEGRAM_BOT_TOKEN: DEFAULT_FAKE_TOKEN, TELEGRAM_API_ROOT: fake.apiRoot });
    const config = parseConfig({
      exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }],
      strategies: [{ name: 'ema-cross' }],
      telegram: { delivery: { perChatIntervalMs: 1000, globalPerSecond: 25, charts: false, chartCandles: 150 } },
    });
    const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
    const pollers = Array.from({ length: POLLERS }, () => {
      const handler = makeNotifyHandler({ runtime: createNotifyRuntime(env, config), logger });
      return createLocalNotifyPoller({ sqs: createAwsClients(env).sqs, queueUrl: env.NOTIFY_QUEUE_URL, handler: handler as SqsHandler, concurrency: 1, waitSeconds: 1 });
    });
    const { sqs } = createAwsClients(env);
    let seq = 0;
    const enqueued = new Map<string, number>();
    const enqueue = async (count: number) => {
      const items: NotificationInput[] = Array.from({ length: count }, () => {
        const i = seq++;
        const chatId = 10_000 + (i % CHATS);
        const text = `bench ${i}`;
        return { v: 1, id: `bench-${i}#chat#${chatId}`, kind: 'signal', chatId, text, parseMode: 'HTML', sourceId: `bench-${i}`, createdAt: Date.now() };
      });
      for (let k = 0; k < items.length; k += 10) {
        const batch = items.slice(k, k + 10);
        await sqs.send(new SendMessageBatchCommand({ QueueUrl: env.NOTIFY_QUEUE_URL, Entries: batch.map((n, j) => ({ Id: String(j), MessageBody: asciiJson(notificationSchema.parse(n)) })) }));
        const now = Date.now();
        for (const n of batch) enqueued.set(n.text, now);
      }
    };
    const deliveredAt = () => new Map(fake.delivered().map((m) => [m.visibleText, m.at]));
    const waitFor = async (total: number, maxMs: number) => {
      const deadline = Date.now() + maxMs;
      while (fake.delivered().length < total && Date.now() < deadline) await sleep(200);
    };
    for (const p of pollers) p.start();

    // 1. Sustained.
    const t0 = Date.now();
    for (let s = 0; s < SUSTAINED_S; s++) {
      const tick = Date.now();
      await enqueue(SUSTAINED_RATE);
      await sleep(Math.max(0, 1000 - (Date.now() - tick)));
    }
    const sustainedTotal = SUSTAINED_RATE * SUSTAINED_S;
    await waitFor(sustainedTotal, 60_000);
    const t1 = Date.now();
    const at = deliveredAt();
    const latencies = [...enqueued].map(([text, sent]) => (at.get(text) ?? NaN) - sent).filter(Number.isFinite);
    const sustainedDelivered = fake.delivered().length;
    const windowStart = t0 + 5000;
    const windowEnd = t0 + SUSTAINED_S * 1000;
    const inWindow = fake.delivered().filter((m) => m.at >= windowStart && m.at < windowEnd).length;

    // 2. Backlog drain.
    const before = fake.delivered().length;
    await enqueue(BACKLOG);
    const b0 = Date.now();
    await waitFor(before + BACKLOG, 90_000);
    const drained = fake.delivered().slice(before);
    const first = drained[0]?.at ?? b0;
    const last = drained.at(-1)?.at ?? b0;
    const ats = drained.map((m) => m.at);
    const maxPerSecond = Math.max(...ats.map((t) => ats.filter((u) => u >= t && u < t + 1000).length));
    await Promise.all(pollers.map((p) => p.stop()));

    // 3. Chart rendering.
    const { renderChartPng } = await import('../../lib/chart/render.js');
    const spec = benchChart(150);
    renderChartPng(spec); // warm-up (font, ECharts registration)
    const renders: number[] = [];
    for (let i = 0; i < 15; i++) {
      const s = performance.now();
      renderChartPng(spec);
      renders.push(performance.now() - s);
    }

    const lines = [
      `notify bench (${POLLERS} pollers, batch 10, 200 chats, limits 1/s per chat + 25/s global, fake limiter 1/s + 30/s):`,
      `  sustained ${SUSTAINED_RATE}/s for ${SUSTAINED_S} s: ${sustainedDelivered}/${sustainedTotal} delivered in ${((t1 - t0) / 1000).toFixed(1)} s; ` +
        `rate in steady window ${(inWindow / ((windowEnd - windowStart) / 1000)).toFixed(1)} msg/s; enqueue→send p50 ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`,
      `  backlog ${BACKLOG}: ${drained.length} delivered, ${(drained.length / Math.max(0.001, (last - first) / 1000)).toFixed(1)} msg/s (first→last send), max ${maxPerSecond} in any 1 s`,
      `  fake flood-limiter 429s: ${fake.rateLimitViolations}; sendMessage calls ${fake.calls.filter((c) => c.method === 'sendMessage').length}`,
      `  chart rendering (150 candles, 1000×560 PNG): median ${pct(renders, 50).toFixed(0)} ms, p95 ${pct(renders, 95).toFixed(0)} ms`,
    ];
    console.log(lines.join('\n'));
    if (process.env.BENCH_DEBUG) {
      for (const v of fake.calls.filter((c) => c.status === 429)) {
        const prev = fake.calls.filter((c) => c.chatId === v.chatId && c.at <= v.at && c !== v && c.status === 200).at(-1);
        const lastSecond = fake.calls.filter((c) => c.status === 200 && c.at > v.at - 1000 && c.at <= v.at).length;
        console.log(`429: chat ${v.chatId} prev accepted ${prev ? v.at - prev.at : '-'} ms before; ${lastSecond} accepted in the second before`);
      }
      const runtime = createNotifyRuntime(env, config);
      const got = new Set(fake.delivered().map((m) => m.visibleText));
      let shown = 0;
      for (let i = 0; i < seq && shown < 20; i++) {
        const chatId = 10_000 + (i % CHATS);
        if (got.has(`bench ${i}`)) continue;
        shown++;
        console.log(`missing bench ${i}:`, JSON.stringify(await runtime.deliveries.get(`bench-${i}#chat#${chatId}`)));
      }
    }
    sqs.destroy();
  } finally {
    await fake.close();
    await stack.stop();
  }
}

function benchChart(candles: number) {
  const t0 = Date.UTC(2026, 0, 1);
  const rows = Array.from({ length: candles }, (_, i) => {
    const o = 100 + Math.sin(i / 7) * 8 + i * 0.05;
    const c = o + Math.cos(i / 3) * 2;
    return [t0 + i * 3_600_000, o, Math.max(o, c) + 1, Math.min(o, c) - 1, c] as [number, number, number, number, number];
  });
  const ema = rows.map((r, i) => (i < 20 ? null : r[4]));
  return { title: 'BTC/USDT 1h ema-cross', timeframeMs: 3_600_000, candles: rows, lines: [{ name: 'EMA 20', values: ema }], levels: { entry: 104, stop: 98, target: 112 } };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
