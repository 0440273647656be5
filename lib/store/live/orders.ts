/**
 * Order changes that move no money: forward-only, versioned advances (status, fills, look-ups)
 * and adopting an order with a bot id found at the exchange without a row. Each is ONE
 * conditional UpdateItem/PutItem: `version = seen AND status = from` — a change read from a
 * stale row, or going backward, is answered `stale` with the current row and never applied.
 * An entry order's final status goes through settleEntry (it releases the reservation).
 */
import { PermanentError } from '../../errors.js';
import { parseBotOrderId } from '../../core/live/client-order-id.js';
import { canAdvance, isFinal } from '../../core/live/order-state.js';
import type { AdvanceResult, LiveOrder, LiveStore, OrderAdvance } from '../../ports/live.js';
import { Expr } from '../dynamo/expr.js';
import { send } from '../dynamo/send.js';
import type { LiveStoreContext } from './context.js';
import { orderKey } from './keys.js';
import { fillFields, listFields, newOrderRow, orderRowSchema, toOrder, type OrderRow } from './order-rows.js';
import { checkRow, decode, readOne, valueOf } from './read.js';

type OrderOps = Pick<LiveStore, 'advanceOrder' | 'adoptOrder' | 'getOrder'>;

/** Fill totals never go down (a decrease means the caller read something older than the row). */
function shrinks(order: LiveOrder, change: OrderAdvance): boolean {
  const f = change.fills;
  return f !== undefined && (f.filled < order.filled || f.cost < order.cost || f.fee < order.fee || f.tradeIds.length < order.fills.length);
}

export function createOrderOps(ctx: LiveStoreContext): OrderOps {
  const { client, table } = ctx;
  const getOrder: OrderOps['getOrder'] = (id) => readOne(ctx, orderKey(id), orderRowSchema, toOrder, `read live order ${id}`);

  async function advanceOrder(change: OrderAdvance): Promise<AdvanceResult> {
    const { clientOrderId: id, version, from, to, now } = change;
    const read = await getOrder(id);
    if (read === undefined) return { status: 'missing' };
    if (!read.ok) throw new PermanentError(`live order ${id} is invalid: ${read.problem.reason}`, { code: 'CORRUPT_ROW' });
    const order = read.value;
    if (order.version !== version || order.status !== from || !canAdvance(from, to) || shrinks(order, change)) return { status: 'stale', current: order };
    if (order.role === 'entry' && isFinal(to)) {
      throw new PermanentError(`live order ${id}: an entry becomes ${to} through settleEntry (its reservation is released there)`, { code: 'ILLEGAL_TRANSITION' });
    }
    const e = new Expr();
    const fields: Record<string, unknown> = {
      status: to,
      version: version + 1,
      updatedAt: now,
      ...(change.fills ? fillFields(change.fills) : {}),
      ...(change.exchangeOrderId === undefined ? {} : { exchangeOrderId: change.exchangeOrderId }),
      ...(change.submittedAt === undefined ? {} : { submittedAt: change.submittedAt }),
      ...(change.reason === undefined ? {} : { reason: change.reason.slice(0, 500) }),
      ...(isFinal(to) ? listFields(order.exchange, id, to, order.createdAt, now, ctx.ttlDays) : {}),
    };
    const add = change.lookup ? ` ADD ${e.n('lookups')} ${e.v(1)}` : '';
    const update = {
      TableName: table,
      Key: orderKey(id),
      UpdateExpression: `SET ${e.sets(fields).join(', ')}${add}`,
      ConditionExpression: `${e.n('version')} = ${e.v(version)} AND ${e.n('status')} = ${e.v(from)}`,
      ...e.parts(),
      ReturnValues: 'ALL_NEW' as const,
    };
    const result = await send(client, { Update: update }, `advance live order ${id} ${from} → ${to}`);
    if (!result.ok) return { status: 'stale', ...(result.old ? { current: valueOf(decode(result.old, orderRowSchema, toOrder)) } : {}) };
    const next = decode(result.attributes ?? {}, orderRowSchema, toOrder);
    if (!next.ok) throw new PermanentError(`live order ${id} is invalid after advancing: ${next.problem.reason}`, { code: 'CORRUPT_ROW' });
    return { status: 'advanced', order: next.value };
  }

  return {
    getOrder,
    advanceOrder,

    async adoptOrder(c) {
      const parsed = parseBotOrderId(c.clientOrderId);
      const row: OrderRow = newOrderRow({
        clientOrderId: c.clientOrderId,
        exchange: c.exchange,
        symbol: c.symbol,
        role: parsed?.role === 'entry' ? 'entry' : 'exit',
        side: c.side,
        type: c.type,
        amount: c.amount,
        ...(c.price === undefined ? {} : { price: c.price }),
        stake: 0,
        status: c.status,
        exchangeOrderId: c.exchangeOrderId,
        filled: c.fills.filled,
        cost: c.fills.cost,
        fee: c.fills.fee,
        feeFromBase: c.fills.feeFromBase,
        baseFee: c.fills.baseFee,
        fills: [...c.fills.tradeIds],
        adopted: true,
        reason: 'found at the exchange with a bot id and no row',
      }, c.now, ctx.ttlDays);
      checkRow(orderRowSchema, row, `adopt live order ${c.clientOrderId}`);
      const put = await send(client, { Put: { TableName: table, Item: row, ConditionExpression: 'attribute_not_exists(pk)' } }, `adopt live order ${c.clientOrderId}`);
      return put.ok ? 'created' : 'exists';
    },
  };
}
