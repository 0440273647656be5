import type { BotCommand, CommandInfo } from '../command.js';
import { escapeHtml } from '../../core/format.js';

/**
 * /help: every command with its usage, from the assembled list (so it never goes stale); admin
 * commands only for admin chats. Paginated like every long answer.
 */
/** The usage without the command name (commands may write it either way). */
export function argsOf(c: BotCommand): string {
  const usage = c.usage.trim();
  const prefix = `/${c.name}`;
  return (usage.toLowerCase().startsWith(prefix) ? usage.slice(prefix.length) : usage).trim();
}

/** /help as /help and the command menu show it. */
export const helpInfo: CommandInfo = {
  name: 'help',
  usage: '',
  description: 'this list',
};

export function helpCommand(all: () => readonly BotCommand[]): BotCommand {
  return {
    ...helpInfo,
    async run(ctx) {
      const visible = all().filter((c) => ctx.isAdmin || !c.admin);
      const lines = visible.map((c) => {
        const args = argsOf(c);
        const usage = args === '' ? '' : `\n  <code>/${escapeHtml(c.name)} ${escapeHtml(args)}</code>`;
        return `<b>/${escapeHtml(c.name)}</b>${c.admin ? ' (admin)' : ''} — ${escapeHtml(c.description)}${usage}`;
      });
      await ctx.replyLines('<b>candlebot commands</b>', lines);
    },
  };
}
