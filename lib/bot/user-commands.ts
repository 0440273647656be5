/**
 * The user command group: /start, /stop, /subscribe, /unsubscribe, /list, /settings.
 * `createUserDeps` wires the adapters once per container; `userCommands` builds the commands.
 *
 * Reads/writes: UsersTable (profile, subscriptions; the subscription transaction) and StateTable
 * `markets#<exchange>` (GetItem: which configured symbols the exchange still lists).
 */
import type { BotConfig } from '../config/schema.js';
import type { Clock } from '../ports/clock.js';
import type { UserStore } from '../ports/users.js';
import { createDynamoMarketsCache } from '../store/state/markets-cache.js';
import { createDynamoUserStore } from '../store/users/user-store.js';
import { subscribableSymbols } from '../users/symbols.js';
import type { BotCommand } from './command.js';
import { listCommand } from './commands/list.js';
import { settingsCommand } from './commands/settings.js';
import { startCommand } from './commands/start.js';
import { stopCommand } from './commands/stop.js';
import { subscribeCommand } from './commands/subscribe.js';
import { unsubscribeCommand } from './commands/unsubscribe.js';
import type { BotWiringInput } from './wiring-input.js';

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

export function createUserDeps(input: BotWiringInput): UserDeps {
  const { env, config, ddb, clock } = input;
  const marketsCache = createDynamoMarketsCache({ client: ddb, table: env.STATE_TABLE, retainMs: config.markets.cacheHours * 3_600_000 * 2 });
  return {
    users: createDynamoUserStore({ client: ddb, table: env.USERS_TABLE, maxSubscriptions: config.telegram.maxSubscriptionsPerChat }),
    config,
    symbols: memoFor(() => subscribableSymbols(config, marketsCache), SYMBOLS_MEMO_MS, clock),
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
