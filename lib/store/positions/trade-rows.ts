/** Trade rows of PositionsTable (`trades#<strategy>` / `<position id>`): schema and item. */
import { z } from 'zod';
import { timeframeSchema } from '../../core/timeframe.js';
import type { TradeRecord } from '../../ports/positions.js';
import { tradeKey } from './keys.js';
import { exitNoteSchema, exitReasonSchema } from './rows.js';

const price = z.number().finite().positive();

export const tradeRowSchema = z.object({
  pk: z.string().startsWith('trades#'),
  sk: z.string().min(1),
  positionId: z.string().min(1),
  strategy: z.string().min(1),
  exchange: z.string().min(1),
  symbol: z.string().min(1),
  timeframe: timeframeSchema,
  side: z.enum(['long', 'short']),
  qty: price,
  stake: price,
  entryTime: z.int(),
  entryPrice: price,
  exitTime: z.int(),
  exitPrice: price,
  exitReason: exitReasonSchema,
  exitNote: exitNoteSchema.optional(),
  gross: z.number().finite(),
  fees: z.number().finite().min(0),
  pnl: z.number().finite(),
  bars: z.int().min(0),
  durationMs: z.int().min(0),
  closedAt: z.int(),
  strategySeq: z.int().min(1),
  symbolSeq: z.int().min(1),
});

export function toTrade(row: z.output<typeof tradeRowSchema>): TradeRecord {
  const { pk: _pk, sk: _sk, ...trade } = row;
  return trade;
}

export function tradeItem(trade: TradeRecord): Record<string, unknown> {
  return { ...tradeKey(trade.strategy, trade.positionId), ...trade };
}
