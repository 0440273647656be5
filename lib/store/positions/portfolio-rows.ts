/** Portfolio and statistics rows of PositionsTable: schemas and items. */
import { z } from 'zod';
import type { PortfolioState, StatsScope, TradeStats } from '../../ports/positions.js';
import { Expr } from '../dynamo/expr.js';
import { PORTFOLIO_KEY, statsKey } from './keys.js';

const amount = z.number().finite();
const count = z.int().min(0);

/** Tolerance of the conservation check on read (amounts live on a 1e-10 grid; sums are exact in DynamoDB). */
const CONSERVATION_TOLERANCE = 1e-6;

export const portfolioRowSchema = z
  .object({
    pk: z.literal(PORTFOLIO_KEY.pk),
    sk: z.literal(PORTFOLIO_KEY.sk),
    start: amount.min(0),
    available: amount,
    reserved: amount.min(0),
    openCount: count,
    closedCount: count,
    realisedGross: amount,
    fees: amount.min(0),
    createdAt: z.int(),
  })
  .superRefine((row, ctx) => {
    const drift = row.available + row.reserved - (row.start + row.realisedGross - row.fees);
    if (Math.abs(drift) > CONSERVATION_TOLERANCE) {
      ctx.addIssue({ code: 'custom', path: ['available'], message: `balance not conserved: available + reserved − (start + realisedGross − fees) = ${drift}` });
    }
  });

export function toPortfolio(row: z.output<typeof portfolioRowSchema>): PortfolioState {
  const { start, available, reserved, openCount, closedCount, realisedGross, fees, createdAt } = row;
  return { start, available, reserved, openCount, closedCount, realisedGross, fees, createdAt };
}

export function newPortfolioItem(start: number, now: number): Record<string, unknown> {
  return { ...PORTFOLIO_KEY, start, available: start, reserved: 0, openCount: 0, closedCount: 0, realisedGross: 0, fees: 0, createdAt: now };
}

export const statsRowSchema = z
  .object({
    pk: z.literal('stats'),
    sk: z.string().regex(/^(strategy|symbol)#/),
    count,
    wins: count,
    losses: count,
    netPnl: amount,
    grossProfit: amount.min(0),
    grossLoss: amount.max(0),
    fees: amount.min(0),
    peak: amount.min(0),
    maxDrawdown: amount.min(0),
    version: z.int().min(1),
    updatedAt: z.int(),
  })
  .refine((row) => row.wins + row.losses <= row.count && row.peak >= row.netPnl, { message: 'inconsistent counts or peak' });

export function toStats(row: z.output<typeof statsRowSchema>): TradeStats & { readonly version: number } {
  const { count: n, wins, losses, netPnl, grossProfit, grossLoss, fees, peak, maxDrawdown, version } = row;
  return { count: n, wins, losses, netPnl, grossProfit, grossLoss, fees, peak, maxDrawdown, version };
}

/** UpdateItem parts writing `next` over the aggregate read at `seenVersion` (0 = absent). */
export function statsUpdate(scope: StatsScope, next: TradeStats, seenVersion: number, now: number) {
  const e = new Expr();
  const sets = e.sets({ ...next, version: seenVersion + 1, updatedAt: now });
  const condition = seenVersion === 0 ? `attribute_not_exists(${e.n('pk')})` : `${e.n('version')} = ${e.v(seenVersion)}`;
  return { Key: statsKey(scope), UpdateExpression: `SET ${sets.join(', ')}`, ConditionExpression: condition, ...e.parts() };
}
