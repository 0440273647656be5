/**
 * The market-data command group: /signals, /positions, /pnl, /chart. `createMarketDataDeps`
 * (lib/runtime/bot-commands.ts) wires the adapters once per container (DynamoDB readers, one
 * ccxt adapter per exchange with the markets cache in StateTable, the chart renderer loaded on
 * first use); `marketDataCommands` builds the commands from them.
 *
 * Reads: SignalsTable GSI `recent` (Query); PositionsTable GSI `position-lists` (Query) and
 * `stats` / `trades#<strategy>` partitions (Query); StateTable `markets#<exchange>` (GetItem,
 * PutItem when the exchange's markets are reloaded).
 */
import { strategyNames, type BotConfig, type ExchangeConfig } from '../config/schema.js';
import type { ChartSpec } from '../core/notification.js';
import type { ExchangePort } from '../ports/exchange.js';
import type { Log } from '../ports/log.js';
import type { ClosedTradesReader, PositionQueries } from '../ports/positions.js';
import type { RecentSignalsReader } from '../ports/recent-signals.js';
import type { BotCommand } from './command.js';
import { chartCommand } from './commands/data-chart.js';
import { pnlCommand } from './commands/data-pnl.js';
import { positionsCommand } from './commands/data-positions.js';
import { signalsCommand } from './commands/data-signals.js';
import type { LiveCommandDeps } from './commands/live-common.js';
import { livePositionsLines } from './commands/live-balance.js';

export interface MarketDataDeps {
  readonly config: BotConfig;
  readonly recentSignals: RecentSignalsReader;
  readonly positions: Pick<PositionQueries, 'listOpen'>;
  readonly trades: ClosedTradesReader;
  /** The exchange adapter of a configured exchange (cached per container). */
  readonly exchange: (c: ExchangeConfig) => Promise<ExchangePort>;
  /** ChartSpec → PNG; throws when it cannot (the command then answers with text). */
  readonly renderChart: (spec: ChartSpec) => Uint8Array | Promise<Uint8Array>;
  readonly log: Log;
  /** /positions: per price request (default 4000), markets at once (4), overall budget (8000). */
  readonly priceTimeoutMs?: number;
  readonly priceConcurrency?: number;
  readonly priceBudgetMs?: number;
  /** /chart: exchange part (default 10000). */
  readonly chartTimeoutMs?: number;
  /** Live trading (issue 15): /positions also lists live positions (paper ones marked 📄 PAPER); absent → paper only. */
  readonly live?: LiveCommandDeps;
}

export function marketDataCommands(deps: MarketDataDeps): BotCommand[] {
  const showExchange = deps.config.exchanges.length > 1;
  const { live } = deps;
  return [
    signalsCommand({ recentSignals: deps.recentSignals, showExchange, log: deps.log }),
    positionsCommand({
      positions: deps.positions,
      exchanges: deps.config.exchanges,
      exchange: deps.exchange,
      log: deps.log,
      showExchange,
      ...(deps.priceTimeoutMs === undefined ? {} : { priceTimeoutMs: deps.priceTimeoutMs }),
      ...(deps.priceConcurrency === undefined ? {} : { priceConcurrency: deps.priceConcurrency }),
      ...(deps.priceBudgetMs === undefined ? {} : { priceBudgetMs: deps.priceBudgetMs }),
      ...(live && live.exchanges.length > 0 ? { livePositions: () => livePositionsLines(live) } : {}),
    }),
    pnlCommand({ trades: deps.trades, strategies: strategyNames(deps.config), log: deps.log }),
    chartCommand({
      config: deps.config,
      exchange: deps.exchange,
      renderChart: deps.renderChart,
      log: deps.log,
      ...(deps.chartTimeoutMs === undefined ? {} : { timeoutMs: deps.chartTimeoutMs }),
    }),
  ];
}
