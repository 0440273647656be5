/**
 * /stats (admin): what can be read cheaply, every read a GetItem or a bounded Query (no Scan):
 * subscribed chats and subscriptions (GSI `subscribers`, per configured symbol and `*`),
 * pinned dashboards (GSI `dashboards`), the paper portfolio row, each configured strategy's
 * all-time statistics row, and the pause switch. Not shown: signals of the last 24 h and
 * delivery counts (SignalsTable and DeliveriesTable have no time index to Query).
 */
import type { BotCommand, CommandInfo } from '../command.js';
import { formatSigned } from '../../core/dashboard-text.js';
import { escapeHtml, formatPrice } from '../../core/format.js';
import type { ControlState, ControlStore } from '../../ports/control.js';
import type { Log } from '../../ports/log.js';
import type { PortfolioState, PositionLedger, PositionQueries, TradeStats } from '../../ports/positions.js';
import type { UserStore } from '../../ports/users.js';
import type { SubscribersRead } from '../../ports/users.js';
import { describeControl } from './ops-pause.js';

export const STATS_MAX_DASHBOARDS = 1000;

export interface OpsStatsDeps {
  readonly positions: Pick<PositionLedger, 'getPortfolio'> & Pick<PositionQueries, 'getStats'>;
  /** Configured strategy names. */
  readonly strategies: readonly string[];
  subscribers(): Promise<SubscribersRead>;
  readonly users: Pick<UserStore, 'dashboards'>;
  readonly control: Pick<ControlStore, 'get'>;
  readonly log: Log;
}

export interface StatsView {
  readonly subscribers: SubscribersRead;
  readonly dashboards: number;
  readonly dashboardsCapped: boolean;
  readonly portfolio?: PortfolioState;
  readonly strategies: readonly { readonly name: string; readonly stats?: TradeStats }[];
  readonly control: ControlState;
}

export function renderStatsText(v: StatsView): string {
  const plus = (capped: boolean) => (capped ? '+' : '');
  const lines = [
    '<b>📈 candlebot stats</b>',
    '',
    '<b>Chats</b>',
    `subscribed chats: ${v.subscribers.chats.length}${plus(v.subscribers.truncated)} · subscriptions: ${v.subscribers.subscriptions}${plus(v.subscribers.truncated)} · dashboards: ${v.dashboards}${plus(v.dashboardsCapped)}`,
    '',
    '<b>Paper portfolio</b>',
  ];
  if (v.portfolio) {
    const p = v.portfolio;
    lines.push(
      `cash + stakes <code>${formatPrice(p.available + p.reserved, 8)}</code> (start <code>${formatPrice(p.start, 8)}</code>) · open ${p.openCount} · closed ${p.closedCount}`,
      `realised PnL <code>${formatSigned(p.realisedGross - p.fees)}</code> · fees <code>${formatPrice(p.fees, 6)}</code>`,
    );
  } else lines.push('no paper trade yet');
  lines.push('', '<b>Strategies</b> (all time)');
  for (const s of v.strategies) {
    const t = s.stats;
    lines.push(
      t && t.count > 0
        ? `<code>${escapeHtml(s.name)}</code>: ${t.count} trades, ${t.wins}/${t.losses} won/lost, PnL <code>${formatSigned(t.netPnl)}</code>, max drawdown <code>${formatPrice(t.maxDrawdown, 6)}</code>`
        : `<code>${escapeHtml(s.name)}</code>: no closed trade`,
    );
  }
  lines.push('', '<b>Switches</b>', describeControl(v.control));
  return lines.join('\n');
}

/** /stats as /help and the command menu show it. */
export const statsInfo: CommandInfo = {
  name: 'stats',
  usage: '/stats',
  description: 'admin: chats, subscriptions, paper portfolio and strategy statistics',
  admin: true,
};

export function statsCommand(deps: OpsStatsDeps): BotCommand {
  return {
    ...statsInfo,
    async run(ctx) {
      const names = [...new Set(deps.strategies)];
      const [subscribers, dashboards, portfolio, control, stats] = await Promise.all([
        deps.subscribers(),
        deps.users.dashboards(STATS_MAX_DASHBOARDS),
        deps.positions.getPortfolio(),
        deps.control.get(),
        Promise.all(names.map((strategy) => deps.positions.getStats({ kind: 'strategy', strategy }))),
      ]);
      if (portfolio && !portfolio.ok) deps.log.warn('/stats: invalid portfolio row', { problem: portfolio.problem });
      const strategies = names.map((name, i) => {
        const read = stats[i];
        if (read && !read.ok) deps.log.warn('/stats: invalid statistics row', { problem: read.problem });
        return read?.ok ? { name, stats: read.value } : { name };
      });
      await ctx.reply(
        renderStatsText({
          subscribers,
          dashboards: dashboards.length,
          dashboardsCapped: dashboards.length >= STATS_MAX_DASHBOARDS,
          ...(portfolio?.ok ? { portfolio: portfolio.value } : {}),
          strategies,
          control,
        }),
      );
    },
  };
}
