import type { BotCommand, CommandInfo } from '../command.js';
import type { UserStore } from '../../ports/users.js';

/** /start as /help and the command menu show it. */
export const startInfo: CommandInfo = {
  name: 'start',
  usage: '',
  description: 'register this chat for notifications',
};

/** /start: registers the chat, or re-activates it after /stop (settings and subscriptions kept). */
export function startCommand(deps: { readonly users: Pick<UserStore, 'register' | 'list' | 'get'> }): BotCommand {
  return {
    ...startInfo,
    async run(ctx) {
      const before = await deps.users.get(ctx.chatId);
      await deps.users.register(ctx.chatId, ctx.now);
      const subs = await deps.users.list(ctx.chatId);
      const greeting = !before
        ? '👋 Welcome to candlebot: this chat is registered.'
        : before.active
          ? '👋 This chat is already registered; notifications are on.'
          : '👋 Welcome back: notifications are on again for this chat.';
      const lines = [
        greeting,
        subs.length > 0
          ? `You have ${subs.length} subscription${subs.length === 1 ? '' : 's'} (/list).`
          : 'Subscribe to signals with /subscribe BTC/USDT (or /subscribe all).',
        'Send /help to see every command.',
      ];
      await ctx.reply(lines.join('\n'));
    },
  };
}
