/**
 * /dashboard: sends the live dashboard, stores its message id (conditional on the id read, so
 * concurrent /dashboard commands cannot both win) and pins it; the monitor then enqueues an
 * edit every minute (lib/dashboard/refresh.ts) and the notify consumer applies it.
 * `/dashboard off` forgets the message (it stays in the chat, no longer updated).
 */
import { CommandInputError, type BotCommand, type CommandInfo } from '../command.js';
import { renderDashboardText } from '../../core/dashboard-text.js';
import { readDashboardData, type DashboardSource } from '../../dashboard/dashboard-data.js';
import type { Log } from '../../ports/log.js';
import { TelegramApiError, type TelegramPort } from '../../ports/telegram.js';
import type { UserStore } from '../../ports/users.js';

export interface OpsDashboardDeps {
  readonly users: Pick<UserStore, 'get' | 'setDashboard'>;
  readonly telegram: Pick<TelegramPort, 'sendMessage' | 'pinChatMessage'>;
  readonly source: DashboardSource;
  readonly log: Log;
}

const RACE = 'The dashboard of this chat was changed at the same moment by another command: send /dashboard again.';

/** /dashboard as /help and the command menu show it. */
export const dashboardInfo: CommandInfo = {
  name: 'dashboard',
  usage: '/dashboard [off]',
  description: 'pin a live dashboard of the paper positions, updated every minute (/dashboard off stops it)',
};

export function dashboardCommand(deps: OpsDashboardDeps): BotCommand {
  return {
    ...dashboardInfo,
    async run(ctx) {
      const arg = ctx.args[0]?.toLowerCase();
      if (ctx.args.length > 1 || (arg !== undefined && arg !== 'on' && arg !== 'off')) throw new CommandInputError('Usage: /dashboard to pin a live dashboard, /dashboard off to stop it');
      const profile = await deps.users.get(ctx.chatId);
      if (!profile?.active) throw new CommandInputError('Send /start first: dashboards are kept for registered chats.');
      const previous = profile.dashboardMessageId;

      if (arg === 'off') {
        if (previous === undefined) return ctx.reply('There is no dashboard in this chat.');
        const cleared = await deps.users.setDashboard(ctx.chatId, undefined, previous, ctx.now);
        return ctx.reply(cleared ? 'Dashboard stopped: the pinned message is no longer updated.' : RACE);
      }

      const text = renderDashboardText(await readDashboardData(deps.source, ctx.now));
      const sent = await deps.telegram.sendMessage(ctx.chatId, text);
      if (!(await deps.users.setDashboard(ctx.chatId, sent.messageId, previous, ctx.now))) return ctx.reply(RACE);
      try {
        await deps.telegram.pinChatMessage(ctx.chatId, sent.messageId);
      } catch (error) {
        if (!(error instanceof TelegramApiError)) throw error;
        // The dashboard still works unpinned; say why it is not pinned.
        deps.log.warn('/dashboard: pin failed', { chatId: ctx.chatId, failure: error.failure, code: error.code });
        const why = error.kind === 'transient' ? 'Telegram did not answer in time' : 'in a group the bot needs the right to pin messages';
        return ctx.reply(`Dashboard started but not pinned (${why}). It is updated every minute; /dashboard off stops it.`);
      }
      await ctx.reply('📌 Dashboard pinned: it is updated every minute. /dashboard off stops it.');
    },
  };
}
