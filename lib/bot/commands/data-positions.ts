/**
 * /positions — the open paper positions (GSI position-lists, listKey = open), each valued at
 * the latest exchange price (bounded, with timeouts; lib/bot/commands/data-prices.ts). A
 * position whose price cannot be fetched is still listed: with the monitor's last mark when
 * there is one, else "price unavailable". Never fails because an exchange is down.
 */
import type { ExchangeConfig } from '../../config/schema.js';
import { positionRules } from '../../core/positions/index.js';
import { markOf } from '../../monitor/mark.js';
import type { ExchangePort } from '../../ports/exchange.js';
import type { Log } from '../../ports/log.js';
import type { PositionQueries } from '../../ports/positions.js';
import { tradingMarker } from '../../core/live-text.js';
import { CommandInputError, type BotCommand, type CommandInfo } from '../command.js';
import { positionLine, positionsTitle, type Valuation } from './data-render.js';
import { latestPrices, marketKey } from './data-prices.js';

/** Most open positions listed (risk.maxOpenPositions is at most 1000). */
export const MAX_LISTED_POSITIONS = 1000;

export interface PositionsCommandDeps {
  readonly positions: Pick<PositionQueries, 'listOpen'>;
  readonly exchanges: readonly ExchangeConfig[];
  readonly exchange: (c: ExchangeConfig) => Promise<ExchangePort>;
  readonly log: Log;
  readonly showExchange: boolean;
  /** Per exchange request; default 4000. */
  readonly priceTimeoutMs?: number;
  /** Markets priced at once; default 4. */
  readonly priceConcurrency?: number;
  /** No price request starts after this; default 8000 (the bot handles an update in ≤ 20 s). */
  readonly priceBudgetMs?: number;
  /**
   * Live trading (issue 15): the live positions' lines (lib/bot/commands/live-balance.ts), shown
   * after the paper ones, which are then marked 📄 PAPER. Absent when nothing trades live.
   */
  readonly livePositions?: () => Promise<readonly string[]>;
}

/** /positions as /help and the command menu show it. */
export const positionsInfo: CommandInfo = {
  name: 'positions',
  usage: '— open paper positions with unrealised PnL',
  description: 'Open paper positions valued at the latest price',
};

export function positionsCommand(deps: PositionsCommandDeps): BotCommand {
  return {
    ...positionsInfo,
    async run(ctx) {
      if (ctx.args.length > 0) throw new CommandInputError('Usage: /positions (no arguments).');
      const { positions, corrupt, truncated } = await deps.positions.listOpen(MAX_LISTED_POSITIONS);
      if (corrupt.length > 0) deps.log.warn('positions: invalid open rows skipped', { corrupt });
      const live = deps.livePositions ? await deps.livePositions() : [];
      const paper = deps.livePositions ? `${tradingMarker('paper')} ` : '';
      if (positions.length === 0) {
        await (live.length > 0 ? ctx.replyLines(`${paper}<b>No open paper positions.</b>`, live.slice(1)) : ctx.reply('No open positions.'));
        return;
      }
      const markets = positions.map((s) => ({ exchange: s.meta.exchange, symbol: s.position.symbol, timeframe: s.meta.timeframe }));
      const prices = await latestPrices(markets, ctx.now, {
        exchanges: deps.exchanges,
        exchange: deps.exchange,
        log: deps.log,
        timeoutMs: deps.priceTimeoutMs ?? 4000,
        concurrency: deps.priceConcurrency ?? 4,
        budgetMs: deps.priceBudgetMs ?? 8000,
      });
      const rows = positions.map((stored, i) => {
        const price = prices.get(marketKey(markets[i]!));
        const valuation: Valuation =
          price !== undefined
            ? { kind: 'live', mark: markOf(stored.position, price, ctx.now, positionRules(stored.costs)) }
            : stored.mark
              ? { kind: 'stored', mark: stored.mark }
              : { kind: 'unavailable' };
        return { stored, valuation };
      });
      await ctx.replyLines(`${paper}${positionsTitle(rows, truncated)}`, [...rows.map((r) => positionLine(r.stored, r.valuation, deps.showExchange)), ...live]);
    },
  };
}
