import { lastClosedOpenTime, type Timeframe } from '../core/timeframe.js';
import { strategiesFor, type BotConfig, type ExchangeConfig } from '../config/schema.js';
import { asCandlebotError, describeError, isCandlebotError, isTransient } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ExchangePort } from '../ports/exchange.js';
import type { ControlStore } from '../ports/control.js';
import type { Log } from '../ports/log.js';
import type { PositionOpener } from '../ports/positions.js';
import type { NotificationQueue } from '../ports/queue.js';
import type { SignalStore } from '../ports/signals.js';
import type { BreakerDecision, BreakerStore, HeartbeatStore } from '../ports/state.js';
import type { RecipientResolver } from '../ports/users.js';
import { redrivePending, type RedriveReport } from '../signals/outbox.js';
import { createSignalBatch, logUndelivered, type SignalBatch } from '../signals/publish-batch.js';
import { runBounded } from '../core/bounded.js';
import { evaluateSymbol, type StrategyOf } from './evaluate-symbol.js';
import { signalChart } from './signal-chart.js';

export interface ScanDeps {
  readonly config: BotConfig;
  /** Builds (or returns the container's) adapter for an exchange; may throw a classified error. */
  readonly exchange: (config: ExchangeConfig) => Promise<ExchangePort>;
  readonly signals: SignalStore;
  readonly queue: NotificationQueue;
  readonly breaker: BreakerStore;
  readonly heartbeat: HeartbeatStore;
  readonly clock: Clock;
  readonly log: Log;
  /** Milliseconds left in this invocation. */
  readonly remainingMs: () => number;
  /** Who is notified of a signal (resolved per signal, before it is recorded: the outbox row keeps the list). */
  readonly recipients: RecipientResolver;
  /** Paper trading: opens a position per recorded signal, inside the outbox delivery (absent: off). */
  readonly positions?: PositionOpener | undefined;
  /** The admin's pause switch, read once per run (absent: never paused). */
  readonly control?: ControlStore | undefined;
  /** How a config name becomes its strategy (absent: the registry; tests scan fixture strategies). */
  readonly strategyOf?: StrategyOf | undefined;
}

export interface SymbolFailure {
  readonly exchange: string;
  readonly symbol: string;
  readonly code: string;
  readonly kind: 'transient' | 'permanent';
  readonly message: string;
}

export interface ScanReport {
  readonly timeframe: Timeframe;
  /** Open time of the candle this scan evaluated (the one that just closed). */
  readonly candleTime: number;
  readonly scanned: number;
  readonly failed: number;
  /** Not started: time ran low, or the exchange's circuit is open. */
  readonly skipped: number;
  /** Signals recorded by this invocation (duplicates of earlier recordings not counted). */
  readonly signalled: number;
  readonly duplicates: number;
  /** Signals recorded whose notifications could not be enqueued yet (re-driven later). */
  readonly outboxPending: number;
  /** Signals recorded whose notifications were refused for good: parked as FAILED in the outbox. */
  readonly outboxFailed: number;
  readonly gaps: number;
  readonly failures: readonly SymbolFailure[];
  readonly redrive: Omit<RedriveReport, 'failed' | 'deliveredIds'> & { readonly failed: number };
  readonly durationMs: number;
  /** Scanning paused by the admin (/pause): nothing was done (no exchange call, no heartbeat). */
  readonly paused: boolean;
  /** Trading paused: signals recorded and notified, no paper position opened. */
  readonly tradingPaused: boolean;
}

const REDRIVE_LIMIT = 25;

type SymbolResult =
  | { symbol: string; ok: true; signalled: number; duplicates: number; outboxPending: number; outboxFailed: number; gaps: number }
  | { symbol: string; ok: false; failure: SymbolFailure };

const failureFields = ({ message, ...f }: SymbolFailure) => ({ ...f, error: message }); // `message` is the log line's own

function failure(exchange: string, symbol: string, error: unknown): SymbolFailure {
  return {
    exchange,
    symbol,
    code: isCandlebotError(error) ? error.code : 'UNEXPECTED',
    kind: isTransient(error) ? 'transient' : 'permanent',
    message: describeError(error),
  };
}

/**
 * The scan use case: for one timeframe, every configured exchange and symbol, evaluate the
 * strategies on the candle that just closed and publish new signals through the outbox.
 * A failing symbol is reported and skipped; the others finish.
 */
export async function runScan(scanDeps: ScanDeps, timeframe: Timeframe): Promise<ScanReport> {
  const { config, log, clock } = scanDeps;
  const started = clock.now();
  const candleTime = lastClosedOpenTime(started, timeframe);
  // Read once per run; an unreadable switch fails the run (the next scheduled run reads it again).
  const control = scanDeps.control ? await scanDeps.control.get() : undefined;
  if (control?.scanningPaused) {
    log.info('scanning paused by an admin: nothing scanned', { timeframe, pausedBy: control.updatedBy, since: new Date(control.updatedAt).toISOString() });
    return pausedReport(timeframe, candleTime, clock.now() - started, control.tradingPaused);
  }
  const tradingPaused = control?.tradingPaused === true;
  if (tradingPaused && scanDeps.positions) log.info('trading paused by an admin: signals are recorded and notified, no paper position opens', { timeframe });
  // Trading paused: no opener for this run (new signals and re-driven ones alike open nothing).
  const deps: ScanDeps = tradingPaused ? { ...scanDeps, positions: undefined } : scanDeps;
  const strategies = strategiesFor(config, timeframe);
  const mayStart = () => deps.remainingMs() > config.scan.reserveMs;

  const redrive = await redriveSafely(deps);

  // The run's new signals share their SendMessageBatch and outbox completion (lib/signals/publish-batch.ts).
  const batch = createSignalBatch(deps);
  const perExchange = await Promise.all(
    config.exchanges
      .filter((e) => e.timeframes.includes(timeframe))
      .map((exchangeConfig) => scanExchange(deps, exchangeConfig, timeframe, strategies, mayStart, batch)),
  );
  const undelivered = logUndelivered(deps.log, await batch.flush());

  const results = perExchange.flatMap((r) => r.results);
  // Symbols failed before their own scan (not listed, markets or breaker unreadable): one line each, as scanSymbol logs its own.
  for (const f of perExchange.flatMap((r) => r.failures)) log.warn('symbol failed', { ...failureFields(f), timeframe });
  const failures = [...perExchange.flatMap((r) => r.failures), ...results.flatMap((r) => (r.ok ? [] : [r.failure]))];
  const ok = results.filter((r): r is Extract<SymbolResult, { ok: true }> => r.ok);
  const report: ScanReport = {
    timeframe,
    candleTime,
    scanned: ok.length,
    failed: failures.length,
    skipped: perExchange.reduce((n, r) => n + r.skipped, 0),
    signalled: ok.reduce((n, r) => n + r.signalled, 0),
    duplicates: ok.reduce((n, r) => n + r.duplicates, 0),
    outboxPending: ok.reduce((n, r) => n + r.outboxPending, 0) + undelivered.pending,
    outboxFailed: ok.reduce((n, r) => n + r.outboxFailed, 0) + undelivered.failed,
    gaps: ok.reduce((n, r) => n + r.gaps, 0),
    failures,
    redrive,
    durationMs: clock.now() - started,
    paused: false,
    tradingPaused,
  };
  await deps.heartbeat.put({
    timeframe,
    completedAt: clock.now(),
    candleTime,
    scanned: report.scanned,
    failed: report.failed,
    signalled: report.signalled,
  });
  return report;
}

function pausedReport(timeframe: Timeframe, candleTime: number, durationMs: number, tradingPaused: boolean): ScanReport {
  const none = { scanned: 0, failed: 0, skipped: 0, signalled: 0, duplicates: 0, outboxPending: 0, outboxFailed: 0, gaps: 0, failures: [] };
  return { timeframe, candleTime, ...none, redrive: { found: 0, delivered: 0, skipped: 0, failed: 0 }, durationMs, paused: true, tradingPaused };
}

async function redriveSafely(deps: ScanDeps): Promise<ScanReport['redrive']> {
  try {
    const r = await redrivePending(deps, REDRIVE_LIMIT);
    for (const f of r.failed) deps.log.error('outbox re-drive failed; will retry after the lease', { signalId: f.id, code: asCandlebotError(f.error).code, error: describeError(f.error) });
    for (const id of r.deliveredIds) deps.log.info('signal re-driven: notifications enqueued', { signalId: id });
    if (r.found > 0) deps.log.info('outbox re-driven', { found: r.found, delivered: r.delivered, skipped: r.skipped });
    return { found: r.found, delivered: r.delivered, skipped: r.skipped, failed: r.failed.length };
  } catch (error) {
    // Listing the outbox failed: the scan itself can still run; the next run retries.
    deps.log.error('outbox re-drive could not list pending signals', { code: asCandlebotError(error).code, error: describeError(error) });
    return { found: 0, delivered: 0, skipped: 0, failed: 1 };
  }
}

async function scanExchange(
  deps: ScanDeps,
  exchangeConfig: ExchangeConfig,
  timeframe: Timeframe,
  strategies: ScanDeps['config']['strategies'],
  mayStart: () => boolean,
  batch: SignalBatch,
): Promise<{ results: SymbolResult[]; failures: SymbolFailure[]; skipped: number }> {
  const { log, clock } = deps;
  const id = exchangeConfig.id;
  const allSymbolsFailed = (error: unknown) => {
    const f = failure(id, '*', error);
    return { results: [], failures: exchangeConfig.symbols.map((symbol) => ({ ...f, symbol })), skipped: 0 };
  };
  let decision: BreakerDecision;
  try {
    decision = await deps.breaker.acquire(id, clock.now());
  } catch (error) {
    log.error('circuit breaker state could not be read; exchange not scanned', { exchange: id, timeframe, code: asCandlebotError(error).code, error: describeError(error) });
    return allSymbolsFailed(error);
  }
  if (!decision.allowed) {
    log.warn('exchange skipped: circuit open', { exchange: id, timeframe, code: 'CIRCUIT_OPEN', openUntil: new Date(decision.openUntil).toISOString() });
    return { results: [], failures: [], skipped: exchangeConfig.symbols.length };
  }
  let exchange: ExchangePort;
  let known: readonly string[];
  const failures: SymbolFailure[] = [];
  try {
    exchange = await deps.exchange(exchangeConfig);
    const prepared = await exchange.prepare(exchangeConfig.symbols);
    known = prepared.known;
    for (const symbol of prepared.unknown) {
      failures.push({ exchange: id, symbol, code: 'BAD_SYMBOL', kind: 'permanent', message: `${symbol} is not listed on ${id}` });
    }
  } catch (error) {
    log.error('exchange markets could not be loaded', { exchange: id, timeframe, code: asCandlebotError(error).code, error: describeError(error) });
    if (isTransient(error)) await recordOutcome(deps, id, 'failure');
    return allSymbolsFailed(error);
  }

  const symbolsStarted = clock.now();
  const { results, notStarted } = await runBounded(known, deps.config.scan.concurrency, mayStart, (symbol) =>
    scanSymbol(deps, exchange, symbol, timeframe, strategies, batch),
  );
  if (notStarted.length > 0) log.warn('time running low: symbols not started', { exchange: id, timeframe, count: notStarted.length });
  // The rate limiter spaces one exchange's candle requests: with n requests, the wall time cannot be under (n - 1) × spacing.
  const spacingMs = exchange.candleRequestSpacing?.(deps.config.scan.candles + 1).spacingMs;
  const floor = spacingMs === undefined ? {} : { requestSpacingMs: spacingMs, rateLimitFloorMs: Math.max(0, results.length - 1) * spacingMs };
  log.info('exchange scanned', { exchange: id, timeframe, symbols: results.length, wallMs: clock.now() - symbolsStarted, ...floor });

  const succeeded = results.some((r) => r.ok);
  const transientFailures = results.filter((r) => !r.ok && r.failure.kind === 'transient').length;
  // The exchange answered (any success, or nothing to ask): healthy. Only transient failures
  // of every symbol count against it; permanent ones (bad data, delisted) are not its outage.
  if (succeeded || results.length === 0) await recordOutcome(deps, id, 'success');
  else if (transientFailures > 0) await recordOutcome(deps, id, 'failure');
  return { results, failures, skipped: notStarted.length };
}

/**
 * Updates the exchange's circuit breaker. A failure to write it is logged, not thrown: the
 * scan's results (signals already recorded) stand, and the next scan updates the breaker again.
 */
async function recordOutcome(deps: ScanDeps, exchange: string, outcome: 'success' | 'failure'): Promise<void> {
  try {
    if (outcome === 'success') {
      await deps.breaker.recordSuccess(exchange, deps.clock.now());
      return;
    }
    const state = await deps.breaker.recordFailure(exchange, deps.clock.now());
    if (state.state === 'open') deps.log.error('circuit opened for exchange', { exchange, code: 'CIRCUIT_OPEN', openUntil: new Date(state.openUntil).toISOString() });
  } catch (error) {
    deps.log.error('circuit breaker state could not be updated', { exchange, outcome, code: asCandlebotError(error).code, error: describeError(error) });
  }
}

async function scanSymbol(
  deps: ScanDeps,
  exchange: ExchangePort,
  symbol: string,
  timeframe: Timeframe,
  strategies: ScanDeps['config']['strategies'],
  batch: SignalBatch,
): Promise<SymbolResult> {
  const { log } = deps;
  const started = deps.clock.now();
  const where = { exchange: exchange.id, symbol, timeframe };
  const outboxFields = (signalId: string, error: unknown) => ({ signalId, ...where, code: asCandlebotError(error).code, error: describeError(error) });
  try {
    const evaluation = await evaluateSymbol({ exchange, symbol, timeframe, candles: deps.config.scan.candles, strategies, now: deps.clock.now(), strategyOf: deps.strategyOf });
    if (evaluation.gaps.length > 0) log.warn('candle gaps', { exchange: exchange.id, symbol, gaps: evaluation.gaps.length, first: evaluation.gaps[0] });
    let signalled = 0;
    let duplicates = 0;
    let outboxPending = 0;
    let outboxFailed = 0;
    for (const signal of evaluation.signals) {
      // A store (or recipients) error here propagates: the symbol is reported failed, nothing was recorded.
      const { strategy, exchange: ex, symbol: sym, timeframe: tf } = signal;
      const chats = await deps.recipients.resolve({ strategy, exchange: ex, symbol: sym, timeframe: tf, kind: 'signal' });
      const chart = chats.length > 0 ? signalChart(deps, evaluation.candles, signal, strategies, evaluation.context) : undefined;
      const result = await batch.publish(signal, chats, chart);
      if (result.status === 'duplicate') {
        duplicates++;
        continue;
      }
      signalled++;
      log.info('signal recorded', { signalId: signal.id, ...where, strategy, side: signal.side, entry: signal.entry, stop: signal.stop, target: signal.target });
      if (result.status === 'pending') {
        outboxPending++;
        log.error('signal recorded but notifications not enqueued yet; the outbox re-drives them', outboxFields(signal.id, result.error));
      } else if (result.status === 'failed') {
        outboxFailed++;
        log.error('signal recorded but its notifications were refused for good; parked as FAILED in the outbox', outboxFields(signal.id, result.error));
      }
    }
    log.info('symbol scanned', { ...where, durationMs: deps.clock.now() - started, signals: signalled, duplicates });
    return { symbol, ok: true, signalled, duplicates, outboxPending, outboxFailed, gaps: evaluation.gaps.length };
  } catch (error) {
    const f = failure(exchange.id, symbol, error);
    log.warn('symbol failed', { ...failureFields(f), timeframe, durationMs: deps.clock.now() - started });
    return { symbol, ok: false, failure: f };
  }
}
