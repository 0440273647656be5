/**
 * Order rows that move no money and are final at once:
 * - recordRefusal: a refused entry (sizing, a limit of the intent transaction, spot-long-only…)
 *   is written as a `rejected` order row with its reason, in the final list (/orders) with the
 *   TTL of final orders. ONE conditional Put (attribute_not_exists): a repeat changes nothing and
 *   a real order of that id is never overwritten.
 * - finishAdopted: an adopted order (./orders.ts adoptOrder) that the exchange shows final leaves
 *   the in-flight list: ONE versioned UpdateItem (`version = seen AND status = from AND adopted`).
 *   Its money is not on the bot's books (that is why it was alerted), so the budget is untouched.
 */
import { PermanentError } from '../../errors.js';
import { canAdvance } from '../../core/live/order-state.js';
import type { AdvanceResult, LiveStore } from '../../ports/live.js';
import { Expr } from '../dynamo/expr.js';
import { send } from '../dynamo/send.js';
import type { LiveStoreContext } from './context.js';
import { orderKey } from './keys.js';
import { fillFields, listFields, newOrderRow, orderRowSchema, toOrder, type OrderRow } from './order-rows.js';
import { checkRow, decode, readOne, valueOf } from './read.js';

type RefusalOps = Pick<LiveStore, 'recordRefusal' | 'finishAdopted'>;

export function createRefusalOps(ctx: LiveStoreContext): RefusalOps {
  const { client, table } = ctx;
  return {
    async recordRefusal(c) {
      const row: OrderRow = newOrderRow({
        clientOrderId: c.clientOrderId,
        positionId: c.signalId,
        signalId: c.signalId,
        exchange: c.exchange,
        symbol: c.symbol,
        strategy: c.strategy,
        timeframe: c.timeframe,
        role: 'entry',
        side: c.side,
        type: 'limit',
        amount: 0,
        stake: 0,
        status: 'rejected',
        reason: `${c.reason}: ${c.detail}`.slice(0, 500),
      }, c.now, ctx.ttlDays);
      checkRow(orderRowSchema, row, `record refusal ${c.clientOrderId}`);
      const put = await send(client, { Put: { TableName: table, Item: row, ConditionExpression: 'attribute_not_exists(pk)' } }, `record refusal ${c.clientOrderId}`);
      return put.ok ? 'recorded' : 'exists';
    },

    async finishAdopted(c): Promise<AdvanceResult> {
      const { clientOrderId: id, version, from, to, now } = c;
      const read = await readOne(ctx, orderKey(id), orderRowSchema, toOrder, `read live order ${id}`);
      if (read === undefined) return { status: 'missing' };
      if (!read.ok) throw new PermanentError(`live order ${id} is invalid: ${read.problem.reason}`, { code: 'CORRUPT_ROW' });
      const order = read.value;
      if (order.adopted !== true) throw new PermanentError(`live order ${id} is not adopted: it becomes ${to} through settleEntry or advanceOrder`, { code: 'ILLEGAL_TRANSITION' });
      const f = c.fills;
      const shrinks = f.filled < order.filled || f.cost < order.cost || f.fee < order.fee || f.tradeIds.length < order.fills.length;
      if (order.version !== version || order.status !== from || !canAdvance(from, to) || shrinks) return { status: 'stale', current: order };
      const e = new Expr();
      const fields = { status: to, version: version + 1, updatedAt: now, ...fillFields(f), ...listFields(order.exchange, id, to, order.createdAt, now, ctx.ttlDays) };
      const update = {
        TableName: table,
        Key: orderKey(id),
        UpdateExpression: `SET ${e.sets(fields).join(', ')}`,
        ConditionExpression: `${e.n('version')} = ${e.v(version)} AND ${e.n('status')} = ${e.v(from)} AND ${e.n('adopted')} = ${e.v(true)}`,
        ...e.parts(),
        ReturnValues: 'ALL_NEW' as const,
      };
      const result = await send(client, { Update: update }, `finish adopted live order ${id} ${from} → ${to}`);
      if (!result.ok) return { status: 'stale', ...(result.old ? { current: valueOf(decode(result.old, orderRowSchema, toOrder)) } : {}) };
      const next = decode(result.attributes ?? {}, orderRowSchema, toOrder);
      if (!next.ok) throw new PermanentError(`live order ${id} is invalid after finishing: ${next.problem.reason}`, { code: 'CORRUPT_ROW' });
      return { status: 'advanced', order: next.value };
    },
  };
}
