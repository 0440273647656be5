/**
 * The live-trading command group (issue 15): /panic, /orders, /balance (admins); /resume (ops
 * group) also clears a live halt through resumeLiveLines. `createLiveDeps`
 * (lib/runtime/bot-commands.ts) wires the LiveStore when the function has LIVE_TABLE; without it
 * every live command answers that live trading is not configured here.
 *
 * Reads/writes: LiveTable `budget#<exchange>` (GetItem, UpdateItem; PutItem only for /panic before the first trade) and GSI `live-lists` (Query).
 */
import type { BotCommand } from './command.js';
import type { LiveCommandDeps } from './commands/live-common.js';
import { balanceCommand } from './commands/live-balance.js';
import { ordersCommand } from './commands/live-orders.js';
import { panicCommand } from './commands/live-panic.js';

export function liveCommands(deps: LiveCommandDeps): BotCommand[] {
  return [panicCommand(deps), ordersCommand(deps), balanceCommand(deps)];
}
