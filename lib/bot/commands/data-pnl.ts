/**
 * /pnl [7d|30d|all] — statistics of the paper trades closed in the window (default 7d): the
 * backtester's definitions (lib/backtest/summary.ts `summarize`, same as lib/core/stats.ts),
 * over the trades in the order they closed, overall and per strategy.
 */
import { summarize } from '../../backtest/summary.js';
import { echo } from '../echo.js';
import type { Log } from '../../ports/log.js';
import type { ClosedTradesReader, TradeRecord } from '../../ports/positions.js';
import { CommandInputError, type BotCommand, type CommandInfo } from '../command.js';
import { periodLabel, pnlLines, PNL_PERIODS, type PnlPeriod } from './data-render.js';

const DAY = 86_400_000;
/** Most trades read for one answer. */
export const MAX_PNL_TRADES = 10_000;

export function parsePnlPeriod(args: readonly string[]): PnlPeriod {
  const usage = `Usage: /pnl [${PNL_PERIODS.join('|')}] (default 7d).`;
  if (args.length > 1) throw new CommandInputError(usage);
  const raw = (args[0] ?? '7d').toLowerCase();
  if (!(PNL_PERIODS as readonly string[]).includes(raw)) {
    throw new CommandInputError(`Unknown period "${echo(args[0]!, 20)}". ${usage}`);
  }
  return raw as PnlPeriod;
}

export function periodStart(period: PnlPeriod, now: number): number | null {
  return period === 'all' ? null : now - (period === '7d' ? 7 : 30) * DAY;
}

const NO_SPAN = { candles: 0, firstTime: null, lastTime: null };
const byClose = (a: TradeRecord, b: TradeRecord): number => a.closedAt - b.closedAt || (a.positionId < b.positionId ? -1 : a.positionId > b.positionId ? 1 : 0);

export interface PnlCommandDeps {
  readonly trades: ClosedTradesReader;
  /** Configured strategy names (read even when they have no statistics row yet). */
  readonly strategies: readonly string[];
  readonly log: Log;
}

/** /pnl as /help and the command menu show it. */
export const pnlInfo: CommandInfo = {
  name: 'pnl',
  usage: '[7d|30d|all] — closed paper trades: win rate, PnL, fees, drawdown',
  description: 'Statistics of closed paper trades',
};

export function pnlCommand(deps: PnlCommandDeps): BotCommand {
  return {
    ...pnlInfo,
    async run(ctx) {
      const period = parsePnlPeriod(ctx.args);
      const { trades, invalid, truncated } = await deps.trades.listClosedSince(periodStart(period, ctx.now), MAX_PNL_TRADES, deps.strategies);
      if (invalid.length > 0) deps.log.warn('pnl: invalid trade rows skipped', { invalid });
      if (trades.length === 0) {
        await ctx.reply(`No closed trades ${period === 'all' ? 'yet' : `in the ${periodLabel(period)}`}.`);
        return;
      }
      const ordered = [...trades].sort(byClose);
      const strategies = [...new Set(ordered.map((t) => t.strategy))].sort();
      const lines = pnlLines(
        summarize(ordered, NO_SPAN),
        strategies.map((strategy) => ({ strategy, summary: summarize(ordered.filter((t) => t.strategy === strategy), NO_SPAN) })),
      );
      if (truncated) lines.push('', `<i>More trades matched than the ${MAX_PNL_TRADES} read: these figures cover ${MAX_PNL_TRADES} of them.</i>`);
      await ctx.replyLines(`<b>Paper trading PnL</b> · ${periodLabel(period)}`, lines);
    },
  };
}
