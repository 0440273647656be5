/**
 * Order rows of LiveTable (`order#<clientOrderId> / order`): the zod schema every read goes
 * through (a row that fails is reported as a RowProblem, never fixed), the conversion to the
 * port's LiveOrder, and the list attributes (in flight while not final, then done with a TTL).
 */
import { z } from 'zod';
import { isFinal, ORDER_STATUSES, type OrderStatus } from '../../core/live/order-state.js';
import { timeframeSchema } from '../../core/timeframe.js';
import type { LiveOrder, OrderFills } from '../../ports/live.js';
import { doneList, expiresAt, inFlightList, orderKey, timeSort } from './keys.js';

const amount = z.number().finite().min(0);
const time = z.int();

export const MAX_TRADE_IDS = 1000;

export const orderRowSchema = z
  .object({
    pk: z.string().min(1),
    sk: z.literal('order'),
    clientOrderId: z.string().min(1).max(36),
    positionId: z.string().min(1).optional(),
    signalId: z.string().min(1).optional(),
    exchange: z.string().min(1),
    symbol: z.string().min(1),
    strategy: z.string().min(1).optional(),
    timeframe: timeframeSchema.optional(),
    role: z.enum(['entry', 'exit']),
    side: z.enum(['buy', 'sell']),
    type: z.enum(['limit', 'market']),
    amount: amount,
    price: z.number().finite().positive().optional(),
    stake: amount,
    status: z.enum(ORDER_STATUSES),
    version: z.int().min(1),
    exchangeOrderId: z.string().min(1).optional(),
    filled: amount,
    cost: amount,
    fee: amount,
    feeFromBase: amount,
    baseFee: amount,
    fills: z.array(z.string()).max(MAX_TRADE_IDS),
    lookups: z.int().min(0),
    reason: z.string().optional(),
    adopted: z.boolean().optional(),
    createdAt: time,
    updatedAt: time,
    submittedAt: time.optional(),
    deadline: time.optional(),
    listKey: z.string().optional(),
    listSort: z.string().optional(),
    expiresAt: time.optional(),
  })
  .superRefine((row, ctx) => {
    if (row.pk !== orderKey(row.clientOrderId).pk) ctx.addIssue({ code: 'custom', path: ['pk'], message: `does not match clientOrderId ${row.clientOrderId}` });
    if (!row.adopted && row.positionId === undefined) ctx.addIssue({ code: 'custom', path: ['positionId'], message: 'required unless adopted' });
    if (row.feeFromBase > row.fee) ctx.addIssue({ code: 'custom', path: ['feeFromBase'], message: `${row.feeFromBase} exceeds the fee ${row.fee}` });
    const list = isFinal(row.status) ? doneList(row.exchange) : inFlightList(row.exchange);
    if (row.listKey !== list) ctx.addIssue({ code: 'custom', path: ['listKey'], message: `a ${row.status} order belongs to ${list}` });
  });
export type OrderRow = z.output<typeof orderRowSchema>;

export function toOrder(row: OrderRow): LiveOrder {
  const { pk: _pk, sk: _sk, listKey: _lk, listSort: _ls, expiresAt: _ex, ...order } = row;
  return order;
}

/**
 * The list attributes of an order in `status` at `now`: in flight (sorted by creation), or
 * done (sorted by when it became final) with its TTL.
 */
export function listFields(exchange: string, clientOrderId: string, status: OrderStatus, createdAt: number, now: number, ttlDays: number): Record<string, string | number> {
  if (!isFinal(status)) return { listKey: inFlightList(exchange), listSort: timeSort(createdAt, clientOrderId) };
  return { listKey: doneList(exchange), listSort: timeSort(now, clientOrderId), expiresAt: expiresAt(now, ttlDays) };
}

type Started = 'pk' | 'sk' | 'version' | 'lookups' | 'createdAt' | 'updatedAt' | 'listKey' | 'listSort' | 'expiresAt';
type Totals = 'filled' | 'cost' | 'fee' | 'feeFromBase' | 'baseFee' | 'fills';

/**
 * A new order row (intent, exit, refusal, adoption): its key, version 1, no look-up yet, no fills
 * unless given, created and updated `now`, in the list its status belongs to.
 */
export function newOrderRow(fields: Omit<OrderRow, Started | Totals> & Partial<Pick<OrderRow, Totals>>, now: number, ttlDays: number): OrderRow {
  return {
    ...orderKey(fields.clientOrderId),
    sk: 'order',
    version: 1,
    filled: 0,
    cost: 0,
    fee: 0,
    feeFromBase: 0,
    baseFee: 0,
    fills: [],
    lookups: 0,
    ...fields,
    createdAt: now,
    updatedAt: now,
    ...listFields(fields.exchange, fields.clientOrderId, fields.status, now, now, ttlDays),
  };
}

/** The totals attributes of an order's fills. */
export function fillFields(fills: OrderFills): Record<string, unknown> {
  if (fills.tradeIds.length > MAX_TRADE_IDS) throw new RangeError(`an order with more than ${MAX_TRADE_IDS} trades`);
  return { filled: fills.filled, cost: fills.cost, fee: fills.fee, feeFromBase: fills.feeFromBase, baseFee: fills.baseFee, fills: [...fills.tradeIds] };
}
