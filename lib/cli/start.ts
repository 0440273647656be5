/**
 * `npm start`: runs candlebot on this machine. Starts the embedded AWS stack (DynamoDB Local
 * + SQS emulator, tables and queues from infra/*.yml), then either
 *  - live: invokes the scan handler on the same schedules as deployed (just after every
 *    candle close of each configured timeframe), against the real exchanges, or
 *  - `--replay <dir>`: replays recorded candles through the same scan pipeline.
 * Without TELEGRAM_BOT_TOKEN, notifications are read from the local queue and printed; with it,
 * the notify handler delivers them to Telegram through a local poller (lib/queue/local-notify-poller.ts).
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { JavaMissingError, startLocalStack } from '../../infra/local-stack.js';
import { makeMonitorHandler } from '../../functions/monitor.js';
import { makeScanHandler } from '../../functions/scan.js';
import { monitorEnvSchema, parseEnv, scanEnvSchema } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import { scannedTimeframes, type BotConfig } from '../config/schema.js';
import { nextCloseAfter, type Timeframe } from '../core/timeframe.js';
import { describeError, isCandlebotError } from '../errors.js';
import { readOhlcvFiles } from '../replay/ohlcv-files.js';
import { createScanRuntime, type ScanRuntime } from '../runtime/scan-runtime.js';
import { createMonitorRuntime, type MonitorRuntime } from '../monitor/monitor-runtime.js';
import { parseStartArgs, START_USAGE, type StartArgs } from './args.js';
import { createConsoleSink, htmlToConsole, type ConsoleSink } from './console-sink.js';
import { createLocalTelegramSink } from '../notify/local-telegram-sink.js';
import { localContext } from './fake-context.js';
import { startLongPolling, type LongPolling } from './long-polling.js';
import { captureScanReports, onceSummary, type OnceScan } from './once-summary.js';
import { replayConfig, runReplay } from './replay.js';

/** Chat id used for console output when no admin chat is configured. */
const CONSOLE_CHAT = 0;
/** Scans start this long after the close, like the deployed schedule's small delay. */
const AFTER_CLOSE_MS = 2_000;
const SCAN_TIMEOUT_MS = 120_000;

async function main(args: StartArgs): Promise<void> {
  if (args.help) {
    console.log(START_USAGE);
    return;
  }
  const fileConfig = loadConfigFile(args.config);
  const files = args.replay ? readOhlcvFiles(args.replay) : undefined;
  const config = files ? replayConfig(fileConfig, files) : fileConfig;
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const logger = new Logger({ serviceName: 'candlebot', logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'WARN' });

  const stack = await startLocalStack();
  console.log(`local AWS stack up: DynamoDB Local ${stack.ddbEndpoint}, SQS emulator ${stack.sqsEndpoint}`);
  let sink: ConsoleSink | undefined;
  let polling: LongPolling | undefined;
  const stopAll = onceAsync(async () => {
    await polling?.stop();
    await sink?.stop();
    await stack.stop();
  });
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));
  try {
    Object.assign(process.env, stack.env);
    const env = parseEnv(scanEnvSchema, process.env);
    // With a bot token: the chats subscribed in the local users table (as deployed); without: the console ("chat" 0) or the admin chats.
    const recipients = process.env.TELEGRAM_BOT_TOKEN ? undefined : config.telegram.adminChatIds.length > 0 ? config.telegram.adminChatIds : [CONSOLE_CHAT];
    const runtime = createScanRuntime(env, config, recipients);
    const monitor = createMonitorRuntime(parseEnv(monitorEnvSchema, process.env), config, recipients);
    sink = process.env.TELEGRAM_BOT_TOKEN
      ? telegramSink(config, logger, runtime)
      : createConsoleSink({
          sqs: runtime.sqs,
          queueUrl: env.NOTIFY_QUEUE_URL,
          print: (n) => console.log(`\n📨 to chat ${n.chatId}:\n${htmlToConsole(n.text)}\n`),
          warn: (m) => console.warn(m),
        });
    // With a bot token: the bot answers commands locally by long polling (same handlers as the webhook).
    if (process.env.TELEGRAM_BOT_TOKEN) polling = startLongPolling({ env: process.env, config, logger });
    if (files) await runReplay(runtime, monitor, files, sink, logger, args.tradesJson);
    else process.exitCode = await runLive(runtime, monitor, config, sink, logger, args.once);
  } finally {
    await stopAll();
  }
}

/** Resolves with the exit code: with --once, 1 when nothing could be scanned. */
async function runLive(runtime: ScanRuntime, monitor: MonitorRuntime, config: BotConfig, sink: ConsoleSink, logger: Logger, once: boolean): Promise<number> {
  let lastCodes: string[] = [];
  const handler = makeScanHandler({ runtime, logger: captureScanReports(logger, (codes) => (lastCodes = codes)) });
  const monitorHandler = makeMonitorHandler({ runtime: monitor, logger });
  const runMonitorOnce = async () => {
    const result = await monitorHandler({}, localContext('candlebot-local-monitor', SCAN_TIMEOUT_MS, randomUUID()));
    if (result.closed > 0 || result.failed > 0 || result.quarantined > 0) console.log(`[${new Date().toISOString()}] monitor: ${JSON.stringify(result)}`);
  };
  const timeframes = scannedTimeframes(config);
  const invoke = async (tf: Timeframe) => {
    const result = await handler({ timeframe: tf }, localContext('candlebot-local-scan', SCAN_TIMEOUT_MS, randomUUID()));
    console.log(`[${new Date().toISOString()}] scan ${tf}: ${JSON.stringify(result)}`);
  };
  sink.start();
  if (once) {
    const scans: OnceScan[] = [];
    for (const tf of timeframes) {
      lastCodes = [];
      try {
        const result = await handler({ timeframe: tf }, localContext('candlebot-local-scan', SCAN_TIMEOUT_MS, randomUUID()));
        console.log(`[${new Date().toISOString()}] scan ${tf}: ${JSON.stringify(result)}`);
        scans.push({ timeframe: tf, result, codes: lastCodes });
      } catch (e: unknown) {
        console.error(`scan ${tf} failed: ${describeError(e)}`);
        scans.push({ timeframe: tf, codes: [], error: isCandlebotError(e) ? e.code : e instanceof Error ? e.name : 'error' });
      }
    }
    await runMonitorOnce().catch((e: unknown) => console.error(`monitor failed: ${describeError(e)}`));
    await sink.stop();
    await sink.drain(); // print whatever the background poller had not picked up yet
    const summary = onceSummary(scans);
    console.log(summary.line);
    return summary.exitCode;
  }
  console.log(`scanning ${timeframes.join(', ')} just after every candle close. Ctrl-C to stop.`);
  const timers = timeframes.map((tf) => scheduleEvery(tf, () => invoke(tf).catch((e: unknown) => console.error(`scan ${tf} failed: ${describeError(e)}`))));
  // The monitor's deployed schedule is every minute: the same here.
  timers.push(scheduleEvery('1m', () => runMonitorOnce().catch((e: unknown) => console.error(`monitor failed: ${describeError(e)}`))));
  for (const tf of timeframes) console.log(`next ${tf} scan at ${new Date(nextCloseAfter(Date.now(), tf) + AFTER_CLOSE_MS).toISOString()}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  for (const t of timers) t.cancel();
  return 0;
}

/** With TELEGRAM_BOT_TOKEN: the notify handler behind a local SQS poller, sending to Telegram (or TELEGRAM_API_ROOT). */
function telegramSink(config: BotConfig, logger: Logger, runtime: ScanRuntime): ConsoleSink {
  const api = process.env.TELEGRAM_API_ROOT ?? 'https://api.telegram.org';
  console.log(`TELEGRAM_BOT_TOKEN is set: notifications are delivered by the notify handler through ${api}.`);
  if (config.telegram.adminChatIds.length === 0) console.log('note: telegram.adminChatIds is empty: signals go to chat 0, which Telegram refuses (recorded as dropped).');
  return createLocalTelegramSink({ env: process.env, config, logger, sqs: runtime.sqs });
}

/** Calls `run` just after each close of `tf`, re-arming from the wall clock each time. */
function scheduleEvery(tf: Timeframe, run: () => Promise<void>): { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const arm = () => {
    if (cancelled) return;
    const delay = nextCloseAfter(Date.now(), tf) + AFTER_CLOSE_MS - Date.now();
    timer = setTimeout(() => void run().finally(arm), delay);
  };
  arm();
  return {
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}

function onceAsync(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}

Promise.resolve()
  .then(() => main(parseStartArgs(process.argv.slice(2))))
  .catch((error: unknown) => {
  if (error instanceof JavaMissingError) console.error(error.message);
  else if (isCandlebotError(error)) console.error(`candlebot: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
