/**
 * The operations command group: /status, /dashboard (every chat), /pause, /resume, /stats
 * (admins: `telegram.adminChatIds`). `createOpsDeps` (lib/runtime/bot-commands.ts) wires the adapters once per container;
 * `opsCommands` builds the commands.
 *
 * Reads/writes: StateTable `scan#<tf>`, `breaker#<exchange>` (GetItem), `control` (GetItem,
 * UpdateItem); PositionsTable portfolio and `stats` rows (GetItem), GSI `position-lists`
 * (Query); UsersTable profile (GetItem, UpdateItem), GSIs `subscribers` and `dashboards`
 * (Query); SQS GetQueueAttributes on the notify queue and its dead-letter queue.
 */
import type { DashboardSource } from '../dashboard/dashboard-data.js';
import type { HealthDeps } from '../health/read-health.js';
import type { ControlStore } from '../ports/control.js';
import type { Log } from '../ports/log.js';
import type { PositionStore } from '../ports/positions.js';
import type { TelegramPort } from '../ports/telegram.js';
import type { UserStore } from '../ports/users.js';
import type { SubscribersRead } from '../ports/users.js';
import type { BotCommand } from './command.js';
import { dashboardCommand } from './commands/ops-dashboard.js';
import { pauseCommand, resumeCommand } from './commands/ops-pause.js';
import type { LiveCommandDeps } from './commands/live-common.js';
import { livePauseLine, resumeLiveLines } from './commands/live-resume.js';
import { statsCommand } from './commands/ops-stats.js';
import { statusCommand } from './commands/ops-status.js';

export interface OpsDeps {
  readonly health: HealthDeps;
  readonly control: ControlStore;
  readonly users: Pick<UserStore, 'get' | 'setDashboard' | 'dashboards'>;
  readonly positions: Pick<PositionStore, 'getPortfolio' | 'getStats' | 'listOpen'>;
  readonly telegram: Pick<TelegramPort, 'sendMessage' | 'pinChatMessage'>;
  readonly strategies: readonly string[];
  subscribers(): Promise<SubscribersRead>;
  readonly log: Log;
  /** Live trading (issue 15): /resume also clears live halts; absent → paper only. */
  readonly live?: LiveCommandDeps;
}

export function opsCommands(deps: OpsDeps): BotCommand[] {
  const { live } = deps;
  const source: DashboardSource = { positions: deps.positions, control: deps.control, log: deps.log };
  return [
    statusCommand({ health: deps.health }),
    dashboardCommand({ users: deps.users, telegram: deps.telegram, source, log: deps.log }),
    pauseCommand({ control: deps.control, livePause: (live?.exchanges ?? []).map(livePauseLine) }),
    resumeCommand({ control: deps.control, ...(live ? { live: (now: number) => resumeLiveLines(live, now) } : {}) }),
    statsCommand({ positions: deps.positions, strategies: deps.strategies, subscribers: deps.subscribers, users: deps.users, control: deps.control, log: deps.log }),
  ];
}
