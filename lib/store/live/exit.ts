/**
 * A live position's changes short of closing, each versioned on the position row:
 *   startExit    ONE TransactWriteItems: Put order#<exit id> (attribute_not_exists) + position
 *                open → closing with the exit's id and reason (version = seen)
 *   cancelExit   closing → open again, the exit cleared (the exit order ended unfilled)
 *   setProtection the OCO ids (or its failure) on an open position
 *   setRuleChecked the last closed candle the exit rule was evaluated on (an open position)
 * A position not in the expected status at the version read is answered `stale` with its
 * current row; a repeated exit (the order row exists) `exists`.
 */
import { PermanentError } from '../../errors.js';
import type { ExitResult, LivePosition, LiveStore } from '../../ports/live.js';
import { Expr } from '../dynamo/expr.js';
import { getItem } from '../dynamo/read.js';
import { send } from '../dynamo/send.js';
import { CONDITION_FAILED, transactWrite } from '../dynamo/transact.js';
import type { LiveStoreContext } from './context.js';
import { orderKey, positionKey } from './keys.js';
import { newOrderRow, orderRowSchema, type OrderRow } from './order-rows.js';
import { exitNoteSchema, positionRowSchema, protectionSchema, toPosition } from './position-rows.js';
import { checkRow, decode, readOne, valueOf } from './read.js';

type ExitOps = Pick<LiveStore, 'startExit' | 'cancelExit' | 'setProtection' | 'setRuleChecked' | 'getPosition'>;

export function createExitOps(ctx: LiveStoreContext): ExitOps {
  const { client, table } = ctx;
  const getPosition: ExitOps['getPosition'] = (id) => readOne(ctx, positionKey(id), positionRowSchema, toPosition, `read live position ${id}`);

  async function current(id: string): Promise<{ current?: LivePosition }> {
    const value = valueOf(await getPosition(id));
    return value ? { current: value } : {};
  }

  /** One versioned UpdateItem of a position in `status`; the new row, or stale with the current one. */
  async function updatePosition(id: string, version: number, status: string, e: Expr, update: string, label: string) {
    const input = {
      TableName: table,
      Key: positionKey(id),
      UpdateExpression: update,
      ConditionExpression: `${e.n('status')} = ${e.v(status)} AND ${e.n('version')} = ${e.v(version)}`,
      ...e.parts(),
      ReturnValues: 'ALL_NEW' as const,
    };
    const result = await send(client, { Update: input }, label);
    if (!result.ok) {
      const old = result.old ? valueOf(decode(result.old, positionRowSchema, toPosition)) : undefined;
      return { ok: false as const, ...(old ? { current: old } : {}) };
    }
    const next = decode(result.attributes ?? {}, positionRowSchema, toPosition);
    if (!next.ok) throw new PermanentError(`${label}: the position does not read back valid: ${next.problem.reason}`, { code: 'CORRUPT_ROW' });
    return { ok: true as const, position: next.value };
  }

  return {
    getPosition,

    async startExit(c): Promise<ExitResult> {
      const read = await getPosition(c.positionId);
      if (read === undefined) return { status: 'stale' };
      if (!read.ok) throw new PermanentError(`live position ${c.positionId} is invalid: ${read.problem.reason}`, { code: 'CORRUPT_ROW' });
      const p = read.value;
      const o = c.order;
      if (p.status !== 'open' || p.version !== c.positionVersion) {
        // A repeat of an exit already started reads the position moved on by it: `exists`.
        const order = await getItem(client, { TableName: table, Key: orderKey(o.clientOrderId), ConsistentRead: true }, `read live order ${o.clientOrderId}`);
        return order === undefined ? { status: 'stale', current: p } : { status: 'exists' };
      }
      const row: OrderRow = newOrderRow({
        clientOrderId: o.clientOrderId,
        positionId: p.positionId,
        signalId: p.signalId,
        exchange: p.exchange,
        symbol: p.symbol,
        strategy: p.strategy,
        timeframe: p.timeframe,
        role: 'exit',
        side: 'sell',
        type: o.type,
        amount: o.amount,
        ...(o.price === undefined ? {} : { price: o.price }),
        stake: 0,
        status: 'intent',
      }, c.now, ctx.ttlDays);
      checkRow(orderRowSchema, row, `start exit ${o.clientOrderId}`);
      if (!(o.amount > 0 && o.amount <= p.qty)) throw new PermanentError(`start exit ${o.clientOrderId}: amount ${o.amount} outside (0, ${p.qty}]`, { code: 'BAD_LIVE_AMOUNT' });
      const e = new Expr();
      if (c.note !== undefined && (c.reason !== 'rule' || !exitNoteSchema.safeParse(c.note).success)) {
        throw new PermanentError(`start exit ${o.clientOrderId}: a note (1–40 characters) goes only with reason rule (reason ${c.reason}, note ${JSON.stringify(c.note)}); nothing written`, { code: 'BAD_POSITION' });
      }
      const exit = { clientOrderId: o.clientOrderId, reason: c.reason, ...(c.note === undefined ? {} : { note: c.note }) };
      const sets = e.sets({ status: 'closing', exit, version: p.version + 1, updatedAt: c.now });
      const result = await transactWrite(
        client,
        [
          { Put: { TableName: table, Item: row, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Update: {
              TableName: table,
              Key: positionKey(p.positionId),
              UpdateExpression: `SET ${sets.join(', ')}`,
              ConditionExpression: `${e.n('status')} = ${e.v('open')} AND ${e.n('version')} = ${e.v(p.version)}`,
              ...e.parts(),
            },
          },
        ],
        `start exit ${o.clientOrderId}`,
        ctx.retry,
      );
      if (!result.ok) {
        if (result.reasons[0]?.code === CONDITION_FAILED) return { status: 'exists' };
        return { status: 'stale', ...(await current(p.positionId)) };
      }
      const next = await getPosition(p.positionId);
      if (!next?.ok) throw new PermanentError(`start exit ${o.clientOrderId}: the position does not read back valid`, { code: 'CORRUPT_ROW' });
      const { listKey: _lk, listSort: _ls, expiresAt: _ex, pk: _pk, sk: _sk, ...order } = row;
      return { status: 'created', order, position: next.value };
    },

    async cancelExit(positionId, version, now) {
      const e = new Expr();
      const update = `SET ${e.sets({ status: 'open', version: version + 1, updatedAt: now }).join(', ')} REMOVE ${e.n('exit')}`;
      const result = await updatePosition(positionId, version, 'closing', e, update, `reopen live position ${positionId}`);
      return result.ok ? { status: 'reopened', position: result.position } : { status: 'stale', ...(result.current ? { current: result.current } : {}) };
    },

    async setProtection(positionId, version, protection, now) {
      checkRow(protectionSchema, { ...protection }, `set protection of live position ${positionId}`);
      const e = new Expr();
      const update = `SET ${e.sets({ protection: Object.fromEntries(Object.entries(protection).filter(([, v]) => v !== undefined)), version: version + 1, updatedAt: now }).join(', ')}`;
      const result = await updatePosition(positionId, version, 'open', e, update, `set protection of live position ${positionId}`);
      return result.ok ? { status: 'set', position: result.position } : { status: 'stale', ...(result.current ? { current: result.current } : {}) };
    },

    async setRuleChecked(positionId, version, candleTime, now) {
      if (!Number.isSafeInteger(candleTime)) throw new PermanentError(`rule check of live position ${positionId}: candle time ${candleTime} is not an integer`, { code: 'BAD_POSITION' });
      const e = new Expr();
      const update = `SET ${e.sets({ ruleCheckedAt: candleTime, version: version + 1, updatedAt: now }).join(', ')}`;
      const result = await updatePosition(positionId, version, 'open', e, update, `record the rule check of live position ${positionId}`);
      return result.ok ? { status: 'set', position: result.position } : { status: 'stale', ...(result.current ? { current: result.current } : {}) };
    },
  };
}
