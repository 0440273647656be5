/**
 * Every command of the bot, in /help order: the user group, the market-data group, the ops
 * group (admin commands among them), then /help itself, built from this same list
 * (lib/runtime/bot-commands.ts wires the groups).
 */
import type { BotCommand } from '../command.js';
import { helpCommand } from './help.js';

export function assembleCommands(groups: readonly (readonly BotCommand[])[]): readonly BotCommand[] {
  const list: BotCommand[] = [];
  const help = helpCommand(() => list);
  list.push(...groups.flat(), help);
  const seen = new Set<string>();
  for (const c of list) {
    if (seen.has(c.name)) throw new Error(`two bot commands are named /${c.name}`);
    seen.add(c.name);
  }
  return Object.freeze(list);
}
