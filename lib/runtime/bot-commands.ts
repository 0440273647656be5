/**
 * The bot's command groups wired to their adapters (webhook function and local long polling):
 * each group's deps are built once per container from one BotWiringInput, then the commands
 * (lib/bot) are assembled in /help order: user, market data, ops, live trading, /help.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { BotCommand } from '../bot/command.js';
import { assembleCommands } from '../bot/commands/index.js';
import { liveExchangeInfos, type LiveCommandDeps } from '../bot/commands/live-common.js';
import { liveCommands } from '../bot/live-commands.js';
import { marketDataCommands, type MarketDataDeps } from '../bot/market-data-commands.js';
import { opsCommands, type OpsDeps } from '../bot/ops-commands.js';
import { memoFor, SYMBOLS_MEMO_MS, userCommands, type UserDeps } from '../bot/user-commands.js';
import type { WebhookEnv } from '../config/env.js';
import { strategyNames, type BotConfig } from '../config/schema.js';
import { createHealthDepsFromEnv } from './health-deps.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { TelegramPort } from '../ports/telegram.js';
import { createDynamoLiveStore } from '../store/live/live-store.js';
import { createDynamoClosedTrades } from '../store/positions/closed-trades.js';
import { createDynamoRecentSignals } from '../store/signals/recent-signals.js';
import { fanKeys, readSubscribers } from '../store/users/audience.js';
import { subscribableSymbols } from '../users/symbols.js';
import { ccxtExchangeFactory, controlStore, marketsCache, marketsTtlMs, positionStore, userStore } from './adapters.js';

/** What the bot's command groups are wired from (webhook function and local long polling). */
export interface BotWiringInput {
  readonly env: Omit<WebhookEnv, 'TELEGRAM_WEBHOOK_SECRET'>;
  readonly config: BotConfig;
  readonly ddb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly clock: Clock;
  readonly log: Log;
  readonly telegram: TelegramPort;
}

/**
 * /start, /stop, /subscribe, /unsubscribe, /list, /settings. UsersTable (profile, subscriptions;
 * the subscription transaction) and StateTable `markets#<exchange>` (GetItem: which configured
 * symbols the exchange still lists).
 */
export function createUserDeps(input: BotWiringInput): UserDeps {
  const { env, config, ddb, clock } = input;
  const markets = marketsCache(ddb, env.STATE_TABLE, config);
  return {
    users: userStore(ddb, env.USERS_TABLE, config),
    config,
    symbols: memoFor(() => subscribableSymbols(config, markets), SYMBOLS_MEMO_MS, clock),
  };
}

/**
 * /signals, /positions, /pnl, /chart: SignalsTable GSI `recent`; PositionsTable GSI
 * `position-lists` and `stats` / `trades#<strategy>` partitions; one ccxt adapter per exchange
 * with the markets cache in StateTable; the chart renderer loaded on first use.
 */
export function createMarketDataDeps(input: BotWiringInput): MarketDataDeps {
  const { env, config, ddb, clock, log } = input;
  const ccxtExchange = ccxtExchangeFactory(marketsCache(ddb, env.STATE_TABLE, config), marketsTtlMs(config));
  return {
    config,
    recentSignals: createDynamoRecentSignals({ client: ddb, table: env.SIGNALS_TABLE }),
    positions: positionStore(ddb, env.POSITIONS_TABLE, config),
    trades: createDynamoClosedTrades({ client: ddb, table: env.POSITIONS_TABLE }),
    exchange: (c) => ccxtExchange(c, clock),
    // ECharts + resvg load on the first /chart only, not on every cold start of the webhook.
    renderChart: async (spec) => (await import('../chart/render.js')).renderChartPng(spec),
    log,
    live: createLiveDeps(input),
  };
}

/**
 * /panic, /orders, /balance, the live part of /resume and of /positions (issue 15): the config's
 * live exchanges and LiveTable — `budget#<exchange>` (GetItem, UpdateItem; PutItem when /panic finds no row)
 * and GSI `live-lists` (Query). LIVE_TABLE is optional: without it the live commands answer that
 * live trading is not configured here (a paper-only deployment has no table to grant).
 */
export function createLiveDeps(input: BotWiringInput): LiveCommandDeps {
  const { env, config, ddb, log } = input;
  const exchanges = liveExchangeInfos(config.exchanges);
  const table = env.LIVE_TABLE;
  return { exchanges, store: table === undefined || exchanges.length === 0 ? undefined : createDynamoLiveStore({ client: ddb, table }), log };
}

/**
 * /status, /dashboard, /pause, /resume, /stats: StateTable `scan#<tf>`, `breaker#<exchange>`,
 * `control`; PositionsTable portfolio, `stats` rows and GSI `position-lists`; UsersTable profile
 * and GSIs `subscribers` and `dashboards`; SQS GetQueueAttributes on the notify queue and its DLQ.
 */
export function createOpsDeps(input: BotWiringInput): OpsDeps {
  const { env, config, ddb, sqs, clock, log, telegram } = input;
  const symbols = config.exchanges.flatMap((e) => e.symbols);
  return {
    health: createHealthDepsFromEnv(env, { config, ddb, sqs, clock, log }),
    control: controlStore(ddb, env.STATE_TABLE),
    users: userStore(ddb, env.USERS_TABLE, config),
    positions: positionStore(ddb, env.POSITIONS_TABLE, config),
    telegram,
    strategies: strategyNames(config),
    subscribers: () => readSubscribers(ddb, env.USERS_TABLE, fanKeys(symbols)),
    log,
    live: createLiveDeps(input),
  };
}

/** Every command of the bot, in /help order. */
export function allCommands(input: BotWiringInput): readonly BotCommand[] {
  return assembleCommands([userCommands(createUserDeps(input)), marketDataCommands(createMarketDataDeps(input)), opsCommands(createOpsDeps(input)), liveCommands(createLiveDeps(input))]);
}
