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
import type { Logger } from '@aws-lambda-powertools/logger';
import { assertJava17 } from '../../infra/java.js';
import { JavaMissingError, startLocalStack } from '../../infra/local-stack.js';
import { makeMonitorHandler } from '../../functions/monitor.js';
import { makeReconcileHandler } from '../../functions/reconcile.js';
import { makeScanHandler } from '../../functions/scan.js';
import { monitorEnvSchema, parseEnv, scanEnvSchema } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import { scannedTimeframes, type BotConfig } from '../config/schema.js';
import { nextCloseAfter, type Timeframe } from '../core/timeframe.js';
import { describeError, isCandlebotError } from '../errors.js';
import { readOhlcvFiles } from '../backtest/ohlcv-files.js';
import { powertoolsLog } from '../aws/powertools-log.js';
import { createScanRuntime, type ScanRuntime } from '../runtime/scan.js';
import { createMonitorRuntime, type MonitorRuntime } from '../runtime/monitor.js';
import { createReconcileRuntime, type ReconcileRuntime } from '../runtime/reconcile.js';
import { parseStartArgs, START_USAGE } from './args.js';
import { consoleHeader, CONSOLE_CHAT, createConsoleSink, htmlToConsole, type ConsoleSink } from './console-sink.js';
import { createStartLogger } from './log-file.js';
import { createProgressLine } from './progress.js';
import { checkExchanges, checkTelegramToken, scheduleLines } from './startup-check.js';
import { createLocalTelegramSink } from './local-telegram-sink.js';
import { localContext } from '../aws/lambda-context.js';
import { startLongPolling, type LongPolling } from './long-polling.js';
import { captureScanReports, onceSummary, type OnceScan } from './once-summary.js';
import { replayConfig, runReplay } from './replay.js';

/** Scans start this long after the close, like the deployed schedule's small delay. */
const AFTER_CLOSE_MS = 2_000;
const SCAN_TIMEOUT_MS = 120_000;

async function main(argv: readonly string[]): Promise<void> {
  const notices: string[] = [];
  const args = parseStartArgs(argv, (line) => notices.push(line));
  if (args.help) {
    console.log(START_USAGE);
    return;
  }
  // Without Java nothing can run: say so first, in one line, before anything else is printed or started.
  assertJava17();
  for (const line of notices) console.error(line);
  const verbose = args.verbose;
  const fileConfig = loadConfigFile(args.config);
  const files = args.replay ? readOhlcvFiles(args.replay) : undefined;
  const config = files ? replayConfig(fileConfig, files) : fileConfig;
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const token = process.env.TELEGRAM_BOT_TOKEN;
  // A refused token stops here, before anything is started.
  if (token) {
    const check = await checkTelegramToken(token, process.env.TELEGRAM_API_ROOT);
    if (check.warning) console.warn(check.warning);
    else console.log(`Telegram bot token OK${check.username ? `: @${check.username}` : ''}.`);
  }
  const level = (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'WARN';
  const logs = createStartLogger({ serviceName: 'candlebot', logLevel: level, verbose });
  const logger = logs.logger;
  console.log(`log lines (JSON, level ${level}; LOG_LEVEL to change): ${logs.where}${verbose ? '' : ' (--verbose prints them here)'}`);

  // A replay runs on the recorded candles' clock: rows it writes expire "months ago", and DynamoDB
  // Local would delete them within seconds, so its tables have no TTL.
  const stack = await startLocalStack({ timeToLive: files === undefined });
  console.log(`local AWS stack up: DynamoDB Local ${stack.ddbEndpoint}, SQS emulator ${stack.sqsEndpoint}`);
  let sink: ConsoleSink | undefined;
  let polling: LongPolling | undefined;
  const stopAll = onceAsync(async () => {
    await polling?.stop();
    await sink?.stop();
    await stack.stop();
    logs.close();
  });
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));
  try {
    Object.assign(process.env, stack.env);
    const env = parseEnv(scanEnvSchema, process.env);
    // With a bot token: the chats subscribed in the local users table (as deployed); without: the console (CONSOLE_CHAT) or the admin chats.
    const recipients = token ? undefined : config.telegram.adminChatIds.length > 0 ? config.telegram.adminChatIds : [CONSOLE_CHAT];
    const runtime = createScanRuntime(env, config, recipients);
    const monitor = createMonitorRuntime(parseEnv(monitorEnvSchema, process.env), config, recipients);
    // Live trading (an exchange in trading.mode live): reconcile every minute, as deployed.
    const reconcile = files ? undefined : createReconcileRuntime(process.env, config, recipients);
    const progress = files ? createProgressLine(process.stdout) : undefined;
    if (!token) {
      console.log(
        `no TELEGRAM_BOT_TOKEN: messages are printed here instead of sent (the console stands in for ${recipients?.[0] === CONSOLE_CHAT ? 'a Telegram chat' : `the admin chats ${recipients?.join(', ')}`}).`,
      );
    }
    sink = token
      ? telegramSink(config, logger, runtime)
      : createConsoleSink({
          sqs: runtime.sqs,
          queueUrl: env.NOTIFY_QUEUE_URL,
          print: (n) => {
            progress?.clear();
            console.log(`\n${consoleHeader(n)}\n${htmlToConsole(n.text)}\n`);
          },
          warn: (m) => {
            progress?.clear();
            console.warn(m);
          },
        });
    // With a bot token: the bot answers commands locally by long polling (same handlers as the webhook).
    if (token) polling = startLongPolling({ env: process.env, config, logger });
    if (files) await runReplay(runtime, monitor, files, sink, logger, { tradesJson: args.tradesJson, progress });
    else process.exitCode = await runLive(runtime, monitor, reconcile, config, sink, logger, args.once);
  } finally {
    await stopAll();
  }
}

/** Resolves with the exit code: with --once, 1 when nothing could be scanned. */
async function runLive(runtime: ScanRuntime, monitor: MonitorRuntime, reconcile: ReconcileRuntime | undefined, config: BotConfig, sink: ConsoleSink, logger: Logger, once: boolean): Promise<number> {
  let lastCodes: string[] = [];
  const handler = makeScanHandler({ runtime, logger: captureScanReports(logger, (codes) => (lastCodes = codes)) });
  const monitorHandler = makeMonitorHandler({ runtime: monitor, logger });
  const reconcileHandler = makeReconcileHandler({ ...(reconcile ? { runtime: reconcile } : {}), logger });
  const runMonitorOnce = async () => {
    const result = await monitorHandler({}, localContext('candlebot-local-monitor', SCAN_TIMEOUT_MS, randomUUID()));
    if (result.closed > 0 || result.failed > 0 || result.quarantined > 0) console.log(`[${new Date().toISOString()}] monitor: ${JSON.stringify(result)}`);
    if (reconcile === undefined || reconcile.live.length === 0) return;
    const reconciled = await reconcileHandler({}, localContext('candlebot-local-reconcile', SCAN_TIMEOUT_MS, randomUUID()));
    console.log(`[${new Date().toISOString()}] reconcile: ${JSON.stringify(reconciled)}`);
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
  // Each exchange once before the scheduler starts: reachable, and its markets (cached for the scans).
  console.log(`checking ${config.exchanges.map((e) => e.id).join(', ')} (markets of the configured symbols)…`);
  const checkDeps = runtime.deps({ log: powertoolsLog(logger), remainingMs: () => SCAN_TIMEOUT_MS });
  for (const check of await checkExchanges(config.exchanges, checkDeps.exchange)) console.log(`  ${check.line}`);
  for (const line of scheduleLines(config, Date.now(), AFTER_CLOSE_MS)) console.log(line);
  console.log(`scanning ${timeframes.join(', ')} just after every candle close. Ctrl-C to stop.`);
  const timers = timeframes.map((tf) => scheduleEvery(tf, () => invoke(tf).catch((e: unknown) => console.error(`scan ${tf} failed: ${describeError(e)}`))));
  // The monitor's (and reconcile's) deployed schedule is every minute: the same here.
  timers.push(scheduleEvery('1m', () => runMonitorOnce().catch((e: unknown) => console.error(`monitor failed: ${describeError(e)}`))));
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
  .then(() => main(process.argv.slice(2)))
  .catch((error: unknown) => {
  if (error instanceof JavaMissingError) console.error(error.message);
  else if (isCandlebotError(error)) console.error(`candlebot: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
