import { CommandInputError, type BotCommand, type CommandInfo } from '../command.js';
import type { BotConfig } from '../../config/schema.js';
import { isCandlebotError } from '../../errors.js';
import type { UserStore } from '../../ports/users.js';
import { describeSubscription, parseSubscriptionArgs } from './subscription-args.js';

export interface SubscribeDeps {
  readonly users: Pick<UserStore, 'subscribe' | 'get'>;
  readonly config: BotConfig;
  /** Symbols a chat may subscribe to (the scanned markets). */
  symbols(): Promise<readonly string[]>;
}

const ARGS = '<SYMBOL|all> [strategy] [timeframe]';
const USAGE = `/subscribe ${ARGS}`;

/** /subscribe as /help and the command menu show it. */
export const subscribeInfo: CommandInfo = {
  name: 'subscribe',
  usage: `${ARGS} — e.g. /subscribe BTC/USDT ema-cross 1h`,
  description: 'get signals for a market (all = every market), optionally one strategy and timeframe',
};

/**
 * /subscribe BTC/USDT · /subscribe btcusdt ema-cross 1h · /subscribe all. Idempotent: the same
 * subscription twice answers "already subscribed" (safe when Telegram re-delivers the update).
 */
export function subscribeCommand(deps: SubscribeDeps): BotCommand {
  return {
    ...subscribeInfo,
    async run(ctx) {
      const filter = parseSubscriptionArgs(ctx.args, deps.config, { usage: USAGE, markets: await deps.symbols() });
      let result: 'added' | 'exists';
      try {
        result = await deps.users.subscribe({ chatId: ctx.chatId, ...filter }, ctx.now);
      } catch (error) {
        if (isCandlebotError(error) && error.code === 'SUBSCRIPTION_LIMIT') {
          throw new CommandInputError(`You already have the maximum of ${deps.config.telegram.maxSubscriptionsPerChat} subscriptions. Remove some with /unsubscribe (see /list).`);
        }
        throw error;
      }
      const what = describeSubscription(filter);
      const profile = await deps.users.get(ctx.chatId);
      const note = profile && !profile.active ? '\nNotifications are stopped for this chat: send /start to receive them.' : '';
      await ctx.reply(result === 'added' ? `✅ Subscribed: ${what}${note}` : `Already subscribed: ${what}${note}`);
    },
  };
}
