/**
 * Position rows of LiveTable (`position#<positionId> / position`): schema, conversion to the
 * port's LivePosition and the list attributes (listed while not closed, TTL once closed).
 */
import { z } from 'zod';
import { timeframeSchema } from '../../core/timeframe.js';
import type { LivePosition } from '../../ports/live.js';
import { positionKey, positionSort, positionsList } from './keys.js';

const amount = z.number().finite().min(0);
const price = z.number().finite().positive();
const time = z.int();
export const protectionSchema = z.object({
  generation: z.int().min(0).max(35),
  listClientOrderId: z.string().optional(),
  stopClientOrderId: z.string().optional(),
  targetClientOrderId: z.string().optional(),
  state: z.enum(['placed', 'failed', 'none']),
  reason: z.string().max(1000).optional(),
  at: time,
});
const exitReason = z.enum(['stop', 'target', 'signal', 'panic', 'protection-failed', 'manual', 'rule']);
/** The exit rule's reason (reason `rule` only), as the kit bounds it (lib/portfolio/exit-rule.ts EXIT_NOTE_MAX). */
export const exitNoteSchema = z.string().min(1).max(40);

export const positionRowSchema = z
  .object({
    pk: z.string().min(1),
    sk: z.literal('position'),
    positionId: z.string().min(1),
    signalId: z.string().min(1),
    exchange: z.string().min(1),
    symbol: z.string().min(1),
    strategy: z.string().min(1),
    timeframe: timeframeSchema,
    side: z.literal('long'),
    status: z.enum(['opening', 'open', 'closing', 'closed']),
    entryClientOrderId: z.string().min(1),
    stake: amount,
    qty: amount,
    cost: amount,
    entryFee: amount,
    avgEntry: price.optional(),
    ruleEntry: price,
    ruleStop: price,
    ruleTarget: price,
    stop: price,
    target: price,
    protection: protectionSchema,
    ruleCheckedAt: time.optional(),
    exit: z
      .object({
        clientOrderId: z.string().min(1),
        reason: exitReason,
        note: exitNoteSchema.optional(),
        price: price.optional(),
        amount: amount.optional(),
        proceeds: amount.optional(),
        fee: amount.optional(),
      })
      .optional(),
    pnl: z.number().finite().optional(),
    recipients: z.array(z.int()).max(10_000),
    version: z.int().min(1),
    createdAt: time,
    updatedAt: time,
    closedAt: time.optional(),
    listKey: z.string().optional(),
    listSort: z.string().optional(),
    expiresAt: time.optional(),
  })
  .superRefine((row, ctx) => {
    if (row.pk !== positionKey(row.positionId).pk) ctx.addIssue({ code: 'custom', path: ['pk'], message: `does not match positionId ${row.positionId}` });
    const listed = row.listKey === positionsList(row.exchange);
    if (listed === (row.status === 'closed')) ctx.addIssue({ code: 'custom', path: ['listKey'], message: `a ${row.status} position ${listed ? 'must not be' : 'must be'} listed` });
    if (!(row.stop < row.target)) ctx.addIssue({ code: 'custom', path: ['stop'], message: 'a long needs its stop below its target' });
    if (row.exit?.note !== undefined && row.exit.reason !== 'rule') ctx.addIssue({ code: 'custom', path: ['exit', 'note'], message: `a note goes only with exit reason rule, not ${row.exit.reason}` });
    if ((row.status === 'open' || row.status === 'closing') && !(row.qty > 0)) ctx.addIssue({ code: 'custom', path: ['qty'], message: `an ${row.status} position holds nothing` });
  });
export type PositionRow = z.output<typeof positionRowSchema>;

export function toPosition(row: PositionRow): LivePosition {
  const { pk: _pk, sk: _sk, listKey: _lk, listSort: _ls, expiresAt: _ex, ...position } = row;
  return position;
}

/** The list attributes of a position not closed. */
export const positionListFields = (exchange: string, symbol: string, positionId: string) => ({ listKey: positionsList(exchange), listSort: positionSort(symbol, positionId) });
