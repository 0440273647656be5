/**
 * Settling an entry order that became final: ONE TransactWriteItems of
 *   0. Update order: → final status with its fill totals, off the in-flight list (TTL)
 *                    if version = seen AND status = from AND role = entry
 *   1. Update position: opening → open with what was filled (qty net of a base-asset fee,
 *                    book cost, entry fee, average price, stop/target); nothing filled → closed
 *                    if status = opening AND entryClientOrderId = the order
 *   2. Update budget: reserved −= stake, available += stake − cost − (fee − feeFromBase),
 *                    invested += cost − feeFromBase, fees += fee; nothing filled: openCount −= 1
 *                    if reserved ≥ stake                       (lib/core/live/live-ledger.ts settleDelta)
 *   3. Delete lock (nothing filled only)                      if absent or held by this position
 * Order condition failed → `stale` with the current row; any other → LEDGER_INCONSISTENT.
 */
import { PermanentError } from '../../errors.js';
import { heldAmount, qty } from '../../core/live/fees.js';
import { bookCost, settleDelta } from '../../core/live/live-ledger.js';
import { canAdvance } from '../../core/live/order-state.js';
import { money } from '../../core/money.js';
import type { LiveStore, SettleEntryCommand, SettleResult } from '../../ports/live.js';
import { Expr } from '../dynamo/expr.js';
import { CONDITION_FAILED, transactWrite, type TransactItem } from '../dynamo/transact.js';
import type { LiveStoreContext } from './context.js';
import { budgetKey, expiresAt, lockKey, orderKey, positionKey } from './keys.js';
import { fillFields, listFields, orderRowSchema, toOrder } from './order-rows.js';
import { positionRowSchema, toPosition } from './position-rows.js';
import { readOne } from './read.js';

export function createSettleOps(ctx: LiveStoreContext): Pick<LiveStore, 'settleEntry'> {
  const { client, table } = ctx;

  async function settleEntry(c: SettleEntryCommand): Promise<SettleResult> {
    const id = c.clientOrderId;
    const read = await readOne(ctx, orderKey(id), orderRowSchema, toOrder, `read live order ${id}`);
    if (read === undefined) return { status: 'missing' };
    if (!read.ok) throw new PermanentError(`live order ${id} is invalid: ${read.problem.reason}`, { code: 'CORRUPT_ROW' });
    const order = read.value;
    if (order.version !== c.version || order.status !== c.from || !canAdvance(c.from, c.to)) return { status: 'stale', current: order };
    if (order.role !== 'entry' || order.positionId === undefined) {
      throw new PermanentError(`live order ${id} is not an entry of a position: settleEntry settles entries only`, { code: 'ILLEGAL_TRANSITION' });
    }
    if (c.fills.filled < order.filled) return { status: 'stale', current: order };
    const f = c.fills;
    const filled = f.filled > 0;
    if (c.to === 'filled' && !filled) throw new PermanentError(`live order ${id}: filled with nothing filled`, { code: 'BAD_LIVE_AMOUNT' });
    const delta = settleDelta({ stake: order.stake, filled: f.filled, cost: f.cost, fee: f.fee, feeFromBase: f.feeFromBase });
    const positionId = order.positionId;
    const now = c.now;

    const o = new Expr();
    const orderFields = {
      status: c.to,
      version: c.version + 1,
      updatedAt: now,
      ...fillFields(f),
      ...(c.exchangeOrderId === undefined ? {} : { exchangeOrderId: c.exchangeOrderId }),
      ...(c.reason === undefined ? {} : { reason: c.reason.slice(0, 500) }),
      ...listFields(order.exchange, id, c.to, order.createdAt, now, ctx.ttlDays),
    };
    const p = new Expr();
    const held = heldAmount(f);
    const positionFields: Record<string, unknown> = filled
      ? { status: 'open', qty: held, cost: bookCost(f), entryFee: money(f.fee), avgEntry: qty(f.cost / f.filled), stop: c.stop, target: c.target, updatedAt: now }
      : { status: 'closed', qty: 0, cost: 0, entryFee: 0, pnl: 0, closedAt: now, updatedAt: now, expiresAt: expiresAt(now, ctx.ttlDays) };
    if (filled && !(held > 0 && c.stop > 0 && c.stop < c.target && Number.isFinite(c.target))) {
      throw new PermanentError(`live order ${id}: the position would hold ${held} with stop ${c.stop} and target ${c.target}`, { code: 'BAD_LIVE_AMOUNT' });
    }
    const b = new Expr();
    const [available, reserved, invested, fees] = ['available', 'reserved', 'invested', 'fees'].map((a) => b.n(a)) as [string, string, string, string];
    const items: TransactItem[] = [
      {
        Update: {
          TableName: table,
          Key: orderKey(id),
          UpdateExpression: `SET ${o.sets(orderFields).join(', ')}`,
          ConditionExpression: `${o.n('version')} = ${o.v(c.version)} AND ${o.n('status')} = ${o.v(c.from)} AND ${o.n('role')} = ${o.v('entry')}`,
          ...o.parts(),
        },
      },
      {
        Update: {
          TableName: table,
          Key: positionKey(positionId),
          UpdateExpression: `SET ${p.sets(positionFields).join(', ')}, ${p.n('version')} = ${p.n('version')} + ${p.v(1)}${filled ? '' : ` REMOVE ${p.n('listKey')}, ${p.n('listSort')}`}`,
          ConditionExpression: `${p.n('status')} = ${p.v('opening')} AND ${p.n('entryClientOrderId')} = ${p.v(id)}`,
          ...p.parts(),
        },
      },
      {
        Update: {
          TableName: table,
          Key: budgetKey(order.exchange),
          UpdateExpression:
            `SET ${available} = ${available} + ${b.v(delta.available)}, ${reserved} = ${reserved} + ${b.v(delta.reserved)}, ` +
            `${invested} = ${invested} + ${b.v(delta.invested)}, ${fees} = ${fees} + ${b.v(delta.fees)} ADD ${b.n('openCount')} ${b.v(delta.openCount)}`,
          ConditionExpression: `${reserved} >= ${b.v(order.stake)} AND ${b.n('openCount')} > ${b.v(0)}`,
          ...b.parts(),
        },
      },
    ];
    if (!filled) {
      const l = new Expr();
      items.push({
        Delete: { TableName: table, Key: lockKey(order.exchange, order.symbol), ConditionExpression: `attribute_not_exists(${l.n('pk')}) OR ${l.n('positionId')} = ${l.v(positionId)}`, ...l.parts() },
      });
    }
    const result = await transactWrite(client, items, `settle live entry ${id} (${c.to})`, ctx.retry);
    if (!result.ok) {
      const failed = result.reasons.map((r) => r.code === CONDITION_FAILED);
      if (failed[0]) return { status: 'stale', ...(await currentOrder(id)) };
      const what = failed[1] ? 'its position is not opening for it' : failed[2] ? 'the budget does not hold its reservation' : 'its market lock is held by another position';
      throw new PermanentError(`settle live entry ${id}: ledger inconsistent: ${what}`, { code: 'LEDGER_INCONSISTENT' });
    }
    const [nextOrder, nextPosition] = await Promise.all([
      readOne(ctx, orderKey(id), orderRowSchema, toOrder, `read live order ${id}`),
      readOne(ctx, positionKey(positionId), positionRowSchema, toPosition, `read live position ${positionId}`),
    ]);
    if (!nextOrder?.ok || !nextPosition?.ok) throw new PermanentError(`settle live entry ${id}: its rows do not read back valid`, { code: 'CORRUPT_ROW' });
    return { status: 'settled', order: nextOrder.value, position: nextPosition.value };
  }

  async function currentOrder(id: string) {
    const read = await readOne(ctx, orderKey(id), orderRowSchema, toOrder, `read live order ${id}`);
    return read?.ok ? { current: read.value } : {};
  }

  return { settleEntry };
}
