import type { BotCommand, CommandInfo } from '../command.js';
import type { UserStore } from '../../ports/users.js';

/** /stop as /help and the command menu show it. */
export const stopInfo: CommandInfo = {
  name: 'stop',
  usage: '',
  description: 'stop all notifications to this chat (/start resumes them)',
};

/** /stop: no more notifications for this chat; subscriptions and settings are kept for /start. */
export function stopCommand(deps: { readonly users: Pick<UserStore, 'deactivate'> }): BotCommand {
  return {
    ...stopInfo,
    async run(ctx) {
      await deps.users.deactivate(ctx.chatId, 'stopped', ctx.now);
      await ctx.reply('🔕 Notifications stopped. Your subscriptions are kept: send /start to resume.');
    },
  };
}
