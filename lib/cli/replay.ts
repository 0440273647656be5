import { quoteCurrency } from '../core/format.js';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { timeframeMs, type Timeframe } from '../core/timeframe.js';
import type { BotConfig } from '../config/schema.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { OpenOutcome, PositionOpener, PositionStore } from '../ports/positions.js';
import type { NotificationQueue } from '../ports/queue.js';
import type { NotificationKind } from '../core/notification.js';
import { createReplayExchange } from '../replay/replay-exchange.js';
import type { OhlcvFile } from '../backtest/ohlcv-files.js';
import { allTrades, marketResults, readReplayLedger, tradesReportOf, type MarketResult, type ReplayLedger, type ReplayTradesReport } from '../replay/trades-report.js';
import { summarize } from '../backtest/summary.js';
import { PermanentError } from '../errors.js';
import { replayResultsText, type PortfolioResult } from './replay-report.js';
import type { ProgressLine, ReplayProgress } from './progress.js';
import type { ScanRuntime } from '../runtime/scan.js';
import type { MonitorRuntime } from '../runtime/monitor.js';
import { runMonitor } from '../monitor/run-monitor.js';
import { runScan } from '../scan/run-scan.js';
import type { Logger } from '@aws-lambda-powertools/logger';
import { powertoolsLog } from '../aws/powertools-log.js';
import type { ConsoleSink } from './console-sink.js';

/** Paper positions during a replay; each number says what it counts. */
export interface ReplayPositions {
  /** Positions opened from signals (a reversal's new position included). */
  readonly opened: number;
  /** Signals whose position was refused, by reason (`already-open`, `max-open`, …). */
  readonly refused: Readonly<Record<string, number>>;
  /** Positions closed, by any path: one trade row each. */
  readonly closed: number;
  /** … of which by the monitor (stop/target/time exit checked on a closed candle). */
  readonly closedByMonitor: number;
  /**
   * … of which by the scan while acting on a signal: an opposite signal's reversal (reason
   * `signal`), or the signal candle's own stop/target exit applied before the signal opens.
   */
  readonly closedByScan: number;
  /** Closed positions by exit reason (stop, target, signal, time). */
  readonly closedByReason: Readonly<Record<string, number>>;
  /** Still open when the data ended (the backtest closes these at the last close, reason `end`). */
  readonly stillOpen: number;
}

export interface ReplaySummary {
  /** Candle closes replayed (the scan ran at each). */
  readonly steps: number;
  readonly signalled: number;
  /** Symbol scans that failed. */
  readonly failed: number;
  /** With a monitor (it reads the ledger): the paper positions; without one, undefined. */
  readonly positions: ReplayPositions | undefined;
  /** Notifications put on the queue (one per message and chat), by kind; the console prints exactly these. */
  readonly notifications: Readonly<Partial<Record<NotificationKind, number>>>;
  /** Distinct chats the notifications went to. */
  readonly chats: number;
  /** With a monitor: the paper trades in the backtest's JSON format (lib/replay/trades-report.ts). */
  readonly trades: ReplayTradesReport | undefined;
  /** With a monitor: per strategy and market, and the paper portfolio (./replay-report.ts prints them). */
  readonly results: ReplayResults | undefined;
}

export interface ReplayResults {
  readonly markets: readonly MarketResult[];
  readonly portfolio: PortfolioResult;
}

/** The paper portfolio at the end: the ledger's equity (cash + open stakes) plus the open positions' last marks. */
async function portfolioResult(store: PositionStore, ledger: ReplayLedger, startingBalance: number): Promise<PortfolioResult> {
  const read = await store.getPortfolio();
  if (read !== undefined && !read.ok) throw new PermanentError(`replay results: portfolio row corrupt (${read.problem.reason})`, { code: 'REPLAY_REPORT' });
  const open = [...ledger.strategies.values()].flatMap((s) => s.open);
  const unrealised = open.reduce((n, p) => n + (p.mark?.unrealisedPnl ?? 0), 0);
  const start = read?.value.start ?? startingBalance;
  const cash = read ? read.value.available + read.value.reserved : start;
  const symbols = [...[...ledger.strategies.values()].flatMap((s) => [...s.trades.map((t) => t.symbol), ...s.open.map((p) => p.position.symbol)])];
  return {
    quotes: [...new Set(symbols.map((s) => quoteCurrency(s) || s))],
    startingBalance: start,
    endingEquity: cash + unrealised,
    unrealised,
    summary: summarize(allTrades(ledger), ledger.span),
    open: open.length,
  };
}

/** A clock the replay moves forward by hand. */
export function manualClock(start: number): Clock & { set(ms: number): void } {
  let now = start;
  return { now: () => now, set: (ms) => void (now = ms) };
}

function countingQueue(queue: NotificationQueue, counts: Map<NotificationKind, number>, chats: Set<number>): NotificationQueue {
  return {
    async send(notifications) {
      await queue.send(notifications);
      for (const n of notifications) {
        counts.set(n.kind, (counts.get(n.kind) ?? 0) + 1);
        chats.add(n.chatId);
      }
    },
  };
}

function countingOpener(opener: PositionOpener, outcomes: OpenOutcome[]): PositionOpener {
  return {
    async open(signal, context) {
      const outcome = await opener.open(signal, context);
      outcomes.push(outcome);
      return outcome;
    },
  };
}

const tally = (keys: readonly string[]) => keys.reduce<Record<string, number>>((m, k) => ((m[k] = (m[k] ?? 0) + 1), m), {});

/**
 * Replays recorded candles through the live scan pipeline: for every recorded candle close,
 * in time order, the clock is set just after the close and `runScan` runs exactly as the
 * scheduled function would, against the replay exchange, the local tables and queue; then the
 * monitor runs, as the deployed one-minute schedule does after every live close.
 *
 * - The first close replayed is that of candle `warmup − 1` (0-based): `warmup` is the fewest
 *   closed candles on which a strategy can fire, and the scan then sees exactly that many.
 * - A close whose next candle is not recorded (the last of a series) is scanned and its
 *   signals recorded and notified, but they open (or reverse) no paper position: their entry,
 *   the next open, is not in the data — as the backtester ignores a signal on the last candle.
 *   So every paper trade's times are candles of the data.
 */
export async function replayFiles(
  runtime: ScanRuntime,
  files: readonly OhlcvFile[],
  log: Log,
  options: { monitor?: MonitorRuntime; onStep?: (progress: ReplayProgress) => void } = {},
): Promise<ReplaySummary> {
  const clock = manualClock(0);
  const exchange = createReplayExchange('replay', files, clock);
  const counts = new Map<NotificationKind, number>();
  const chats = new Set<number>();
  const outcomes: OpenOutcome[] = [];
  const scanDeps = runtime.deps({ log, remainingMs: () => Number.MAX_SAFE_INTEGER, clock, exchange: async () => exchange });
  const deps = {
    ...scanDeps,
    queue: countingQueue(scanDeps.queue, counts, chats),
    positions: scanDeps.positions && countingOpener(scanDeps.positions, outcomes),
  };
  // Signals on a series' last candle: no next open in the data, so no paper position (see above).
  const untraded = { ...deps, positions: undefined };
  // No dashboard refresh in a replay: it replays the positions only.
  const baseMonitorDeps = options.monitor?.deps({ log, remainingMs: () => Number.MAX_SAFE_INTEGER, clock, exchange: async () => exchange, dashboards: false });
  const monitorDeps = baseMonitorDeps && { ...baseMonitorDeps, queue: countingQueue(baseMonitorDeps.queue, counts, chats) };
  const warmup = Math.max(...runtime.config.strategies.map((s) => s.warmup));
  const first = Math.max(0, warmup - 1);

  /** close time → timeframe → whether every series of that timeframe closing then has a next candle. */
  const closes = new Map<number, Map<Timeframe, boolean>>();
  for (const f of files) {
    const tfMs = timeframeMs(f.timeframe);
    for (let i = first; i < f.rows.length; i++) {
      const close = Number(f.rows[i]![0]) + tfMs;
      const at = closes.get(close) ?? new Map<Timeframe, boolean>();
      closes.set(close, at);
      at.set(f.timeframe, (at.get(f.timeframe) ?? true) && i + 1 < f.rows.length);
    }
  }
  const steps = [...closes.entries()].sort((a, b) => a[0] - b[0]);
  let signalled = 0;
  let failed = 0;
  let closedByMonitor = 0;
  let done = 0;
  for (const [close, timeframes] of steps) {
    clock.set(close + 1000);
    for (const [tf, traded] of timeframes) {
      const report = await runScan(traded ? deps : untraded, tf);
      signalled += report.signalled;
      failed += report.failed;
    }
    if (monitorDeps) closedByMonitor += (await runMonitor(monitorDeps)).closed;
    options.onStep?.({ done: ++done, total: steps.length, signals: signalled, opened: outcomes.filter((o) => o.status === 'opened').length });
  }

  let positions: ReplayPositions | undefined;
  let trades: ReplayTradesReport | undefined;
  let results: ReplayResults | undefined;
  if (monitorDeps) {
    const ledger = await readReplayLedger(monitorDeps.store, runtime.config.strategies.map((s) => s.name), files);
    trades = tradesReportOf(ledger);
    positions = positionCounts(trades, outcomes, closedByMonitor);
    results = { markets: marketResults(ledger), portfolio: await portfolioResult(monitorDeps.store, ledger, runtime.config.risk.startingBalance) };
  }
  return { steps: steps.length, signalled, failed, positions, notifications: Object.fromEntries(counts), chats: chats.size, trades, results };
}

function positionCounts(report: ReplayTradesReport, outcomes: readonly OpenOutcome[], closedByMonitor: number): ReplayPositions {
  const all = Object.values(report.strategies);
  const closed = all.reduce((n, s) => n + s.trades.length, 0);
  return {
    opened: outcomes.filter((o) => o.status === 'opened').length,
    refused: tally(outcomes.flatMap((o) => (o.status === 'refused' ? [o.reason] : []))),
    closed,
    closedByMonitor,
    closedByScan: closed - closedByMonitor,
    closedByReason: tally(all.flatMap((s) => s.trades.map((t) => t.exitReason))),
    stillOpen: all.reduce((n, s) => n + s.open.length, 0),
  };
}

/** The bot config with its exchanges replaced by the recorded series. */
export function replayConfig(config: BotConfig, files: readonly OhlcvFile[]): BotConfig {
  const timeframes = [...new Set(files.map((f) => f.timeframe))];
  return Object.freeze({
    ...config,
    exchanges: [{ id: 'replay', symbols: [...new Set(files.map((f) => f.symbol))], timeframes, timeoutMs: 10_000, apiBase: undefined }],
    strategies: replayStrategies(config.strategies, timeframes),
  });
}

/**
 * Recorded series decide the timeframes: every configured strategy runs on each of them. On a
 * recorded timeframe, the entry configured for it is used (or one without timeframes); where a
 * strategy has none, its first entry. So one strategy configured as several entries (different
 * timeframes and params) still runs once per timeframe: its signal ids never collide.
 */
function replayStrategies(entries: BotConfig['strategies'], recorded: readonly Timeframe[]): BotConfig['strategies'] {
  const runsOn = new Map<(typeof entries)[number], Timeframe[]>();
  for (const tf of recorded) {
    for (const name of new Set(entries.map((s) => s.name))) {
      const mine = entries.filter((s) => s.name === name);
      const entry = mine.find((s) => s.timeframes === undefined || s.timeframes.includes(tf)) ?? mine[0]!;
      runsOn.set(entry, [...(runsOn.get(entry) ?? []), tf]);
    }
  }
  return entries.flatMap((s) => (runsOn.has(s) ? [{ ...s, timeframes: runsOn.get(s)! }] : []));
}

const list = (m: Readonly<Record<string, number>>) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

/** The summary lines printed after a replay: every count says what it counts, and the message counts are those printed. */
export function replaySummaryText(s: ReplaySummary): string {
  const n = s.notifications;
  const messages = Object.values(n).reduce((a, b) => a + (b ?? 0), 0);
  const p = s.positions;
  return [
    `replay done: ${s.steps} candle closes scanned, ${s.signalled} signals recorded, ${s.failed} symbol failures.`,
    p
      ? `paper positions: ${p.opened} opened, ${p.closed} closed (${p.closedByMonitor} by the monitor, ${p.closedByScan} by the scan acting on a signal; ` +
        `exits: ${list(p.closedByReason)}), ${p.stillOpen} still open at the end of the data; signals refused a position: ${list(p.refused)}.`
      : 'paper positions: not monitored.',
    `messages: ${messages} printed (one per message and chat, ${s.chats} chat${s.chats === 1 ? '' : 's'}): ` +
      `${n.signal ?? 0} signals, ${n['position-opened'] ?? 0} positions opened, ${n['position-closed'] ?? 0} positions closed.`,
  ].join('\n');
}

/**
 * `npm start -- --replay`: replays `files` with the monitor, printing notifications through
 * `sink` and progress through `progress`, then the counts, the results per strategy and market
 * and the paper portfolio; with `tradesJson`, writes the paper trades there (lib/replay/trades-report.ts).
 */
export async function runReplay(
  runtime: ScanRuntime,
  monitor: MonitorRuntime,
  files: readonly OhlcvFile[],
  sink: ConsoleSink,
  logger: Logger,
  options: { tradesJson?: string | undefined; progress?: ProgressLine } = {},
): Promise<void> {
  console.log(`replaying ${files.length} series: ${files.map((f) => `${f.symbol} ${f.timeframe} (${f.rows.length})`).join(', ')}`);
  sink.start();
  const summary = await replayFiles(runtime, files, powertoolsLog(logger), { monitor, onStep: (p) => options.progress?.update(p) });
  await sink.stop();
  await sink.drain(); // whatever the background poller had not printed yet
  options.progress?.end();
  console.log(replaySummaryText(summary));
  if (summary.results) console.log(replayResultsText(summary.results.markets, summary.results.portfolio));
  if (options.tradesJson !== undefined && summary.trades) {
    const target = resolve(options.tradesJson);
    writeFileSync(target, `${JSON.stringify(summary.trades)}\n`);
    console.log(`paper trades (backtest --json format, per strategy, open positions apart): ${target}`);
  }
}
