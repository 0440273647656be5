import { timeframeMs, type Timeframe } from '../core/timeframe.js';
import type { BotConfig } from '../config/schema.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { createReplayExchange } from '../replay/replay-exchange.js';
import type { OhlcvFile } from '../replay/ohlcv-files.js';
import type { ScanRuntime } from '../runtime/scan-runtime.js';
import type { MonitorRuntime } from '../monitor/monitor-runtime.js';
import { runMonitor } from '../monitor/run-monitor.js';
import { runScan } from '../scan/run-scan.js';
import type { Logger } from '@aws-lambda-powertools/logger';
import { powertoolsLog } from '../runtime/powertools-log.js';
import type { ConsoleSink } from './console-sink.js';

export interface ReplaySummary {
  readonly steps: number;
  readonly signalled: number;
  readonly failed: number;
  /** Paper positions closed by the monitor during the replay (0 without a monitor). */
  readonly closed: number;
}

/** A clock the replay moves forward by hand. */
export function manualClock(start: number): Clock & { set(ms: number): void } {
  let now = start;
  return { now: () => now, set: (ms) => void (now = ms) };
}

/**
 * Replays recorded candles through the live scan pipeline: for every recorded candle close,
 * in time order, the clock is set just after the close and `runScan` runs exactly as the
 * scheduled function would, against the replay exchange, the local tables and queue.
 * The first `warmup` candles of each series are skipped (no strategy can fire there).
 */
export async function replayFiles(
  runtime: ScanRuntime,
  files: readonly OhlcvFile[],
  log: Log,
  options: { monitor?: MonitorRuntime; onStep?: (done: number, total: number) => void } = {},
): Promise<ReplaySummary> {
  const clock = manualClock(0);
  const exchange = createReplayExchange('replay', files, clock);
  const deps = runtime.deps({ log, remainingMs: () => Number.MAX_SAFE_INTEGER, clock, exchange: async () => exchange });
  // The monitor runs after every replayed close, like the deployed one-minute schedule does
  // after every live close: it closes paper positions on the same candles and delivers their events.
  const monitorDeps = options.monitor?.deps({ log, remainingMs: () => Number.MAX_SAFE_INTEGER, clock, exchange: async () => exchange });
  const warmup = Math.max(...runtime.config.strategies.map((s) => s.warmup));

  const closes = new Map<number, Set<Timeframe>>();
  for (const f of files) {
    const tfMs = timeframeMs(f.timeframe);
    for (let i = warmup; i < f.rows.length; i++) {
      const close = Number(f.rows[i]![0]) + tfMs;
      if (!closes.has(close)) closes.set(close, new Set());
      closes.get(close)!.add(f.timeframe);
    }
  }
  const steps = [...closes.entries()].sort((a, b) => a[0] - b[0]);
  let signalled = 0;
  let failed = 0;
  let closed = 0;
  let done = 0;
  for (const [close, timeframes] of steps) {
    clock.set(close + 1000);
    for (const tf of timeframes) {
      const report = await runScan(deps, tf);
      signalled += report.signalled;
      failed += report.failed;
    }
    if (monitorDeps) closed += (await runMonitor(monitorDeps)).closed;
    options.onStep?.(++done, steps.length);
  }
  return { steps: steps.length, signalled, failed, closed };
}

/** The bot config with its exchanges replaced by the recorded series. */
export function replayConfig(config: BotConfig, files: readonly OhlcvFile[]): BotConfig {
  const timeframes = [...new Set(files.map((f) => f.timeframe))];
  return Object.freeze({
    ...config,
    exchanges: [{ id: 'replay', symbols: [...new Set(files.map((f) => f.symbol))], timeframes, timeoutMs: 10_000, apiBase: undefined }],
    // Recorded series decide the timeframes: every strategy runs on all of them.
    strategies: config.strategies.map((s) => ({ ...s, timeframes: undefined })),
  });
}

/** `npm start -- --replay`: replays `files` with the monitor, printing notifications through `sink`, then a summary. */
export async function runReplay(runtime: ScanRuntime, monitor: MonitorRuntime, files: readonly OhlcvFile[], sink: ConsoleSink, logger: Logger, _tradesJson?: string): Promise<void> {
  console.log(`replaying ${files.length} series: ${files.map((f) => `${f.symbol} ${f.timeframe} (${f.rows.length})`).join(', ')}`);
  sink.start();
  const summary = await replayFiles(runtime, files, powertoolsLog(logger), { monitor });
  await sink.stop();
  const printed = await sink.drain();
  console.log(
    `replay done: ${summary.steps} candle closes scanned, ${summary.signalled} signals recorded, ${summary.failed} symbol failures, ` +
      `${summary.closed} paper positions closed, ${printed} late notifications printed.`,
  );
}
