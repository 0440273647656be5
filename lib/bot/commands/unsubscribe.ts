import { CommandInputError, type BotCommand, type CommandInfo } from '../command.js';
import type { BotConfig } from '../../config/schema.js';
import type { UserStore } from '../../ports/users.js';
import { ANY, describeSubscription, parseSubscriptionArgs } from './subscription-args.js';

const ARGS = '<SYMBOL|all> [strategy] [timeframe]';
const USAGE = `/unsubscribe ${ARGS}`;

/** /unsubscribe as /help and the command menu show it. */
export const unsubscribeInfo: CommandInfo = {
  name: 'unsubscribe',
  usage: `${ARGS} — e.g. /unsubscribe BTC/USDT, /unsubscribe all`,
  description: 'stop signals for a market (all = every subscription)',
};

/**
 * /unsubscribe removes every subscription matching the arguments: a field left out (or `all`)
 * matches any value, so `/unsubscribe BTC/USDT` removes all BTC/USDT subscriptions and
 * `/unsubscribe all` removes everything. The symbol is not checked against the markets: a
 * market that stopped being scanned can still be unsubscribed. Idempotent.
 */
export function unsubscribeCommand(deps: { readonly users: Pick<UserStore, 'list' | 'unsubscribe'>; readonly config: BotConfig }): BotCommand {
  return {
    ...unsubscribeInfo,
    async run(ctx) {
      const filter = parseSubscriptionArgs(ctx.args, deps.config, { usage: USAGE });
      const matches = (value: string, wanted: string) => wanted === ANY || value === wanted;
      const subs = (await deps.users.list(ctx.chatId)).filter(
        (s) => matches(s.symbol, filter.symbol) && matches(s.strategy, filter.strategy) && matches(s.timeframe, filter.timeframe),
      );
      if (subs.length === 0) throw new CommandInputError(`No subscription matches ${describeSubscription(filter)}. /list shows yours.`);
      // Sequential: bounded by maxSubscriptionsPerChat, and each removal is its own transaction on the chat's count.
      let removed = 0;
      for (const s of subs) if (await deps.users.unsubscribe(s)) removed++;
      const names = subs.slice(0, 10).map((s) => `• ${describeSubscription(s)}`);
      const more = subs.length > 10 ? [`… and ${subs.length - 10} more`] : [];
      await ctx.reply([`🗑 Removed ${removed} subscription${removed === 1 ? '' : 's'}:`, ...names, ...more].join('\n'));
    },
  };
}
