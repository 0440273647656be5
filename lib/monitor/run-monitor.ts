/**
 * The monitor use case (functions/monitor.ts, every minute): list the open positions (Query
 * on the `position-lists` index, bounded), quarantine rows that fail validation, group the
 * rest by market, fetch each market's candles once through the exchange port (closed ones for
 * the exits, the forming one for the mark), apply the pure rules, save progress or close
 * through the close transaction (a close's event carrying its chart when charts are on: the
 * market's chart candles fetched once more, ./close-chart.ts), mark to market, then deliver the pending position events
 * (opened/closed notifications) through the queue, and last refresh the pinned dashboards
 * (lib/dashboard, when wired: USERS_TABLE set). Concurrent monitors are safe: every write
 * is conditional on the row's version, so each close happens exactly once.
 */
import type { BotConfig, ExchangeConfig } from '../config/schema.js';
import type { Timeframe } from '../core/timeframe.js';
import { refreshAfterMonitor, type DashboardOutcome, type DashboardRefresher } from '../dashboard/after-monitor.js';
import { asCandlebotError, describeError, PermanentError } from '../errors.js';
import { deliverPositionEvents, type EventDeliveryReport } from '../portfolio/deliver-events.js';
import type { Clock } from '../ports/clock.js';
import type { ExchangePort } from '../ports/exchange.js';
import type { Log } from '../ports/log.js';
import type { PositionStore, RowProblem, StoredOpenPosition } from '../ports/positions.js';
import type { NotificationQueue } from '../ports/queue.js';
import type { RecipientResolver } from '../ports/users.js';
import { runBounded } from '../core/bounded.js';
import type { StrategyOf } from '../portfolio/exit-rule.js';
import { monitorMarket, positionFailure, type MarketGroup, type MarketOutcome, type PositionFailure } from './monitor-market.js';

export interface MonitorDeps {
  readonly config: BotConfig;
  readonly store: PositionStore;
  readonly exchange: (config: ExchangeConfig) => Promise<ExchangePort>;
  readonly queue: NotificationQueue;
  readonly clock: Clock;
  readonly log: Log;
  readonly remainingMs: () => number;
  /**
   * Chats told about closed positions. The monitor opens no position (reversals happen in the
   * scan's opener), so the admin's pause switch does not concern it: stops keep working.
   */
  readonly recipients: RecipientResolver;
  /** Refreshes the pinned dashboards after the positions; absent: off (no USERS_TABLE, replay). */
  readonly dashboards?: DashboardRefresher;
  /** Strategies by config name, for their exit rules (lib/portfolio/exit-rule.ts); absent: the registry. */
  readonly strategyOf?: StrategyOf;
}

export interface MonitorReport {
  readonly listed: number;
  /** More open positions than one run lists (LIST_LIMIT): the rest wait for the next run. */
  readonly truncated: boolean;
  readonly quarantined: number;
  readonly closed: number;
  readonly lost: number;
  readonly progressed: number;
  /** Positions whose mark alone was refreshed (no candle closed since their last check). */
  readonly marked: number;
  readonly unchanged: number;
  readonly gaps: number;
  /** Positions of markets not started because the invocation ran low on time. */
  readonly skipped: number;
  readonly failed: number;
  readonly failures: readonly PositionFailure[];
  readonly events: EventDeliveryReport;
  /** The positions' part of the run (the dashboard refresh after it is not counted). */
  readonly durationMs: number;
  /** The dashboard refresh after the positions; absent when off. */
  readonly dashboards?: DashboardOutcome;
}

/** maxOpenPositions is at most 1000 (config schema). */
export const LIST_LIMIT = 1000;
export const EVENT_LIMIT = 50;
const NO_EVENTS: EventDeliveryReport = { found: 0, delivered: 0, skipped: 0, failed: 0, quarantined: 0, listFailed: 0 };

function groupByMarket(positions: readonly StoredOpenPosition[]): MarketGroup[] {
  const groups = new Map<string, { exchange: string; symbol: string; timeframe: Timeframe; positions: StoredOpenPosition[] }>();
  for (const p of positions) {
    const key = `${p.meta.exchange}#${p.position.symbol}#${p.meta.timeframe}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { exchange: p.meta.exchange, symbol: p.position.symbol, timeframe: p.meta.timeframe, positions: [] }));
    g.positions.push(p);
  }
  return [...groups.values()];
}

async function quarantineAll(deps: MonitorDeps, problems: readonly RowProblem[]): Promise<number> {
  let n = 0;
  for (const problem of problems) {
    try {
      if (await deps.store.quarantine(problem, deps.clock.now())) n++;
      deps.log.error('position row failed validation; quarantined (not fixed)', { ...problem });
    } catch (error) {
      deps.log.error('position row failed validation and could not be quarantined', { ...problem, code: asCandlebotError(error).code, error: describeError(error) });
    }
  }
  return n;
}

/** Adapters per exchange (markets prepared); positions that cannot be monitored become failures. */
async function prepareExchanges(deps: MonitorDeps, groups: readonly MarketGroup[]) {
  const ready: { adapter: ExchangePort; group: MarketGroup }[] = [];
  const failures: PositionFailure[] = [];
  const fail = (group: MarketGroup, error: unknown) => failures.push(...group.positions.map((p) => positionFailure(p, error)));
  const ids = [...new Set(groups.map((g) => g.exchange))];
  await Promise.all(
    ids.map(async (id) => {
      const mine = groups.filter((g) => g.exchange === id);
      const config = deps.config.exchanges.find((e) => e.id === id);
      try {
        if (!config) throw new PermanentError(`exchange ${id} holds open positions but is not configured`, { code: 'EXCHANGE_NOT_CONFIGURED' });
        const adapter = await deps.exchange(config);
        const { unknown } = await adapter.prepare([...new Set(mine.map((g) => g.symbol))]);
        for (const group of mine) {
          if (unknown.includes(group.symbol)) fail(group, new PermanentError(`${group.symbol} is not listed on ${id}`, { code: 'BAD_SYMBOL' }));
          else ready.push({ adapter, group });
        }
      } catch (error) {
        deps.log.error('exchange not available to the monitor', { exchange: id, code: asCandlebotError(error).code, error: describeError(error) });
        for (const group of mine) fail(group, error);
      }
    }),
  );
  return { ready, failures };
}

export async function runMonitor(deps: MonitorDeps): Promise<MonitorReport> {
  const { clock, log, config } = deps;
  const started = clock.now();
  const listed = await deps.store.listOpen(LIST_LIMIT);
  if (listed.truncated) log.warn('more open positions than one run lists; the rest wait', { limit: LIST_LIMIT });
  const quarantined = await quarantineAll(deps, listed.corrupt);
  const { ready, failures } = await prepareExchanges(deps, groupByMarket(listed.positions));
  const marketDeps = { store: deps.store, clock, log, recipients: deps.recipients, config, remainingMs: deps.remainingMs, ...(deps.strategyOf ? { strategyOf: deps.strategyOf } : {}) };
  const { results, notStarted } = await runBounded(ready, config.scan.concurrency, () => deps.remainingMs() > config.scan.reserveMs, ({ adapter, group }) =>
    monitorMarket(marketDeps, adapter, group),
  );
  const sum = (f: (o: MarketOutcome) => number) => results.reduce((n, o) => n + f(o), 0);
  for (const o of results) failures.push(...o.failures);
  // One line per failed position (at most 50; the report counts them all): a position's id is the id of its signal.
  for (const { message, ...f } of failures.slice(0, 50)) log.warn('position not monitored', { ...f, signalId: f.positionId, error: message });

  let events = NO_EVENTS;
  try {
    events = await deliverPositionEvents({ store: deps.store, queue: deps.queue, clock, log }, EVENT_LIMIT);
  } catch (error) {
    // Listing failures come back as listFailed; this is a claim, complete, park or quarantine
    // that failed: counted as one failed delivery, the events stay pending for the next run.
    log.error('position events could not be delivered; the next run retries', { code: asCandlebotError(error).code, error: describeError(error) });
    events = { ...NO_EVENTS, failed: 1 };
  }
  const durationMs = clock.now() - started;
  // After the positions: a failed refresh is reported, never thrown (lib/dashboard/after-monitor.ts).
  const dashboards = await refreshAfterMonitor(() => deps.dashboards ?? null, log, clock);
  return {
    listed: listed.positions.length + listed.corrupt.length,
    truncated: listed.truncated,
    quarantined: quarantined + events.quarantined,
    closed: sum((o) => o.closed.length),
    lost: sum((o) => o.lost),
    progressed: sum((o) => o.progressed),
    marked: sum((o) => o.marked),
    unchanged: sum((o) => o.unchanged),
    gaps: sum((o) => o.gaps),
    skipped: notStarted.reduce((n, r) => n + r.group.positions.length, 0),
    failed: failures.length,
    failures,
    events,
    durationMs,
    ...(dashboards ? { dashboards } : {}),
  };
}
