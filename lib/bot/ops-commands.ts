/**
 * The operations command group: /status, /dashboard (every chat), /pause, /resume, /stats
 * (admins: `telegram.adminChatIds`). `createOpsDeps` wires the adapters once per container;
 * `opsCommands` builds the commands.
 *
 * Reads/writes: StateTable `scan#<tf>`, `breaker#<exchange>` (GetItem), `control` (GetItem,
 * UpdateItem); PositionsTable portfolio and `stats` rows (GetItem), GSI `position-lists`
 * (Query); UsersTable profile (GetItem, UpdateItem), GSIs `subscribers` and `dashboards`
 * (Query); SQS GetQueueAttributes on the notify queue and its dead-letter queue.
 */
import { strategyNames } from '../config/schema.js';
import type { DashboardSource } from '../dashboard/dashboard-data.js';
import type { HealthDeps } from '../health/read-health.js';
import { createHealthDepsFromEnv } from '../health/wiring.js';
import type { ControlStore } from '../ports/control.js';
import type { Log } from '../ports/log.js';
import type { PositionStore } from '../ports/positions.js';
import type { TelegramPort } from '../ports/telegram.js';
import type { UserStore } from '../ports/users.js';
import { createDynamoControlStore } from '../store/state/control-store.js';
import { createDynamoPositionStore } from '../store/positions/position-store.js';
import { fanKeys, readSubscribers, type SubscribersRead } from '../store/users/audience.js';
import { createDynamoUserStore } from '../store/users/user-store.js';
import type { BotCommand } from './command.js';
import { dashboardCommand } from './commands/ops-dashboard.js';
import { pauseCommand, resumeCommand } from './commands/ops-pause.js';
import { statsCommand } from './commands/ops-stats.js';
import { statusCommand } from './commands/ops-status.js';
import type { BotWiringInput } from './wiring-input.js';

export interface OpsDeps {
  readonly health: HealthDeps;
  readonly control: ControlStore;
  readonly users: Pick<UserStore, 'get' | 'setDashboard' | 'dashboards'>;
  readonly positions: Pick<PositionStore, 'getPortfolio' | 'getStats' | 'listOpen'>;
  readonly telegram: Pick<TelegramPort, 'sendMessage' | 'pinChatMessage'>;
  readonly strategies: readonly string[];
  subscribers(): Promise<SubscribersRead>;
  readonly log: Log;
}

export function createOpsDeps(input: BotWiringInput): OpsDeps {
  const { env, config, ddb, sqs, clock, log, telegram } = input;
  const symbols = config.exchanges.flatMap((e) => e.symbols);
  return {
    health: createHealthDepsFromEnv(env, { config, ddb, sqs, clock, log }),
    control: createDynamoControlStore({ client: ddb, table: env.STATE_TABLE }),
    users: createDynamoUserStore({ client: ddb, table: env.USERS_TABLE, maxSubscriptions: config.telegram.maxSubscriptionsPerChat }),
    positions: createDynamoPositionStore({ client: ddb, table: env.POSITIONS_TABLE, ttlDays: config.signals.ttlDays }),
    telegram,
    strategies: strategyNames(config),
    subscribers: () => readSubscribers(ddb, env.USERS_TABLE, fanKeys(symbols)),
    log,
  };
}

export function opsCommands(deps: OpsDeps): BotCommand[] {
  const source: DashboardSource = { positions: deps.positions, control: deps.control, log: deps.log };
  return [
    statusCommand({ health: deps.health }),
    dashboardCommand({ users: deps.users, telegram: deps.telegram, source, log: deps.log }),
    pauseCommand({ control: deps.control }),
    resumeCommand({ control: deps.control }),
    statsCommand({ positions: deps.positions, strategies: deps.strategies, subscribers: deps.subscribers, users: deps.users, control: deps.control, log: deps.log }),
  ];
}
