/**
 * The user command group: /start, /stop, /subscribe, /unsubscribe, /list, /settings.
 * `createUserDeps` (lib/runtime/bot-commands.ts) wires the adapters once per container;
 * `userCommands` builds the commands.
 *
 * Reads/writes: UsersTable (profile, subscriptions; the subscription transaction) and StateTable
 * `markets#<exchange>` (GetItem: which configured symbols the exchange still lists).
 */
import type { BotConfig } from '../config/schema.js';
import type { Clock } from '../ports/clock.js';
import type { UserStore } from '../ports/users.js';
import type { BotCommand } from './command.js';
import { listCommand } from './commands/list.js';
import { settingsCommand } from './commands/settings.js';
import { startCommand } from './commands/start.js';
import { stopCommand } from './commands/stop.js';
import { subscribeCommand } from './commands/subscribe.js';
import { unsubscribeCommand } from './commands/unsubscribe.js';

export interface UserDeps {
  readonly users: UserStore;
  readonly config: BotConfig;
  /** The markets a chat may subscribe to. */
  symbols(): Promise<readonly string[]>;
}

/** The subscribable symbols are re-read at most this often per container. */
export const SYMBOLS_MEMO_MS = 60_000;

/** Memoises `load` for `ttlMs` on `clock`; a failed load is not kept. */
export function memoFor<T>(load: () => Promise<T>, ttlMs: number, clock: Clock): () => Promise<T> {
  let cached: { value: Promise<T>; at: number } | undefined;
  return () => {
    const now = clock.now();
    if (!cached || now - cached.at >= ttlMs) {
      const value = load();
      const entry = { value, at: now };
      cached = entry;
      value.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.value;
  };
}

export function userCommands(deps: UserDeps): BotCommand[] {
  return [
    startCommand(deps),
    stopCommand(deps),
    subscribeCommand(deps),
    unsubscribeCommand(deps),
    listCommand(deps),
    settingsCommand(deps),
  ];
}
