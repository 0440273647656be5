import type { DashboardData, DashboardPosition } from '../core/dashboard-text.js';
import type { ControlStore } from '../ports/control.js';
import type { Log } from '../ports/log.js';
import type { PositionLedger, PositionQueries, StoredOpenPosition } from '../ports/positions.js';

/** What the dashboard reads: open positions (Query on the `position-lists` index), the portfolio row, the pause switch. */
export interface DashboardSource {
  readonly positions: Pick<PositionQueries, 'listOpen'> & Pick<PositionLedger, 'getPortfolio'>;
  readonly control?: Pick<ControlStore, 'get'>;
  readonly log: Log;
  /** Open positions read at most (default 100). */
  readonly maxPositions?: number;
}

export const DEFAULT_DASHBOARD_POSITIONS = 100;

export function toDashboardPosition(stored: StoredOpenPosition): DashboardPosition {
  const { position: p, meta, mark } = stored;
  return {
    strategy: meta.strategy,
    exchange: meta.exchange,
    symbol: p.symbol,
    timeframe: meta.timeframe,
    side: p.side,
    stake: p.stake,
    entryPrice: p.entryPrice,
    stop: p.stop,
    target: p.target,
    ...(mark ? { mark: { price: mark.price, unrealisedPnl: mark.unrealisedPnl, at: mark.at } } : {}),
  };
}

/**
 * Reads the dashboard's data. Invalid rows are left out and logged (the monitor quarantines
 * them); an invalid portfolio row leaves the portfolio lines out. Store errors propagate.
 */
export async function readDashboardData(source: DashboardSource, now: number): Promise<DashboardData> {
  const [open, portfolio, control] = await Promise.all([
    source.positions.listOpen(source.maxPositions ?? DEFAULT_DASHBOARD_POSITIONS),
    source.positions.getPortfolio(),
    source.control?.get(),
  ]);
  if (open.corrupt.length > 0) source.log.warn('dashboard: invalid open-position rows left out', { rows: open.corrupt.slice(0, 10) });
  if (portfolio && !portfolio.ok) source.log.warn('dashboard: invalid portfolio row left out', { problem: portfolio.problem });
  const positions = open.positions.map(toDashboardPosition).sort((a, b) => a.exchange.localeCompare(b.exchange) || a.symbol.localeCompare(b.symbol) || a.strategy.localeCompare(b.strategy));
  return {
    now,
    positions,
    truncated: open.truncated,
    ...(portfolio?.ok ? { portfolio: portfolio.value } : {}),
    ...(control ? { paused: { scanning: control.scanningPaused, trading: control.tradingPaused } } : {}),
  };
}
