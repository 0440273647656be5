import type { BotCommand, CommandInfo } from '../command.js';
import { readHealth, type HealthDeps } from '../../health/read-health.js';
import { renderStatusText } from '../../health/status-text.js';

/** /status as /help and the command menu show it. */
export const statusInfo: CommandInfo = {
  name: 'status',
  usage: '/status',
  description: 'health of the bot: scans, exchanges, queues, paper trading',
};

/** /status: the same health report as GET /health, rendered for the chat (open to every chat: it holds no secret). */
export function statusCommand(deps: { readonly health: HealthDeps }): BotCommand {
  return {
    ...statusInfo,
    async run(ctx) {
      await ctx.reply(renderStatusText(await readHealth(deps.health)));
    },
  };
}
