/**
 * The command menu Telegram shows (setMyCommands), from the commands' own definitions: every
 * command module exports its info (name, usage, description, admin flag), listed here in /help
 * order — the user group, the market-data group, the ops group, the live-trading group, then /help. No wiring needed
 * (test/bot/command-menu.test.ts checks the list against the assembled bot).
 */
import type { CommandInfo } from './command.js';
import { chartInfo } from './commands/data-chart.js';
import { pnlInfo } from './commands/data-pnl.js';
import { positionsInfo } from './commands/data-positions.js';
import { signalsInfo } from './commands/data-signals.js';
import { helpInfo } from './commands/help.js';
import { listInfo } from './commands/list.js';
import { balanceInfo } from './commands/live-balance.js';
import { ordersInfo } from './commands/live-orders.js';
import { panicInfo } from './commands/live-panic.js';
import { dashboardInfo } from './commands/ops-dashboard.js';
import { pauseInfo, resumeInfo } from './commands/ops-pause.js';
import { statsInfo } from './commands/ops-stats.js';
import { statusInfo } from './commands/ops-status.js';
import { settingsInfo } from './commands/settings.js';
import { startInfo } from './commands/start.js';
import { stopInfo } from './commands/stop.js';
import { subscribeInfo } from './commands/subscribe.js';
import { unsubscribeInfo } from './commands/unsubscribe.js';

export interface MenuEntry {
  readonly command: string;
  readonly description: string;
}

const COMMANDS: readonly CommandInfo[] = Object.freeze([
  // user group (lib/bot/user-commands.ts)
  startInfo,
  stopInfo,
  subscribeInfo,
  unsubscribeInfo,
  listInfo,
  settingsInfo,
  // market-data group (lib/bot/market-data-commands.ts)
  signalsInfo,
  positionsInfo,
  pnlInfo,
  chartInfo,
  // ops group (lib/bot/ops-commands.ts)
  statusInfo,
  dashboardInfo,
  pauseInfo,
  resumeInfo,
  statsInfo,
  // live-trading group (lib/bot/live-commands.ts)
  panicInfo,
  ordersInfo,
  balanceInfo,
  helpInfo,
]);

/** Every command of the bot, in /help order, without building anything. */
export function listBotCommands(): readonly CommandInfo[] {
  return COMMANDS;
}

/** setMyCommands entries: Telegram allows ≤ 100, names [a-z0-9_]{1,32}, descriptions 1-256 characters. */
export function commandMenu(commands: readonly CommandInfo[], options: { admin: boolean }): MenuEntry[] {
  return commands
    .filter((c) => options.admin || !c.admin)
    .filter((c) => /^[a-z0-9_]{1,32}$/.test(c.name))
    .slice(0, 100)
    .map((c) => {
      const text = c.description.trim() || c.name;
      return { command: c.name, description: text.length > 256 ? `${text.slice(0, 255)}…` : text };
    });
}
