import type { BotCommand, CommandInfo } from '../command.js';
import type { UserStore } from '../../ports/users.js';
import { describeSubscription } from './subscription-args.js';

/** /list as /help and the command menu show it. */
export const listInfo: CommandInfo = {
  name: 'list',
  usage: '',
  description: 'show your subscriptions',
};

/** /list: the chat's subscriptions, paginated. */
export function listCommand(deps: { readonly users: Pick<UserStore, 'list' | 'get'> }): BotCommand {
  return {
    ...listInfo,
    async run(ctx) {
      const [subs, profile] = await Promise.all([deps.users.list(ctx.chatId), deps.users.get(ctx.chatId)]);
      if (subs.length === 0) {
        await ctx.reply('You have no subscriptions. Try /subscribe BTC/USDT or /subscribe all.');
        return;
      }
      const sorted = [...subs].sort((a, b) => a.symbol.localeCompare(b.symbol) || a.strategy.localeCompare(b.strategy) || a.timeframe.localeCompare(b.timeframe));
      const stopped = profile && !profile.active ? ' — notifications stopped (/start)' : '';
      await ctx.replyLines(`<b>Your subscriptions (${subs.length})</b>${stopped}`, sorted.map((s) => `• ${describeSubscription(s)}`));
    },
  };
}
