/**
 * Closing a live position (its exit filled): ONE TransactWriteItems of
 *   0. Update position: open | closing → closed with the exit (price, amount, proceeds, fee) and
 *                    its net PnL, off the list (TTL)            if version = seen
 *   1. Update budget: invested −= book cost, available += proceeds − exit fee,
 *                    realised += proceeds − book cost, fees += exit fee, openCount −= 1,
 *                    peakEquity = max(peak, equity); halted set once equity < peak × (1 − maxDrawdown)
 *                    if realised, fees and peakEquity are as read (the equity they give is the
 *                    one the halt was decided on) AND openCount > 0 AND invested ≥ book cost
 *   2. Delete lock                                              if absent or held by this position
 *   3. Update day#<exchange>#<today>: realised += net PnL (created at 0, TTL 7 days)
 *   4. Put    cooldown#<exchange>#<symbol> until now + cooldownMinutes   (stop exits only)
 * Position condition failed → `stale`. Budget moved meanwhile (another close or settlement) →
 * read again and retry, bounded (LIVE_BUDGET_CONTENDED). Anything else → LEDGER_INCONSISTENT.
 */
import { PermanentError, TransientError } from '../../errors.js';
import { closeDelta, drawdownHalt, equity, utcDay } from '../../core/live/live-ledger.js';
import { cooldownUntil } from '../../core/live/protections.js';
import { money } from '../../core/money.js';
import type { CloseCommand, CloseResult, LiveHalt, LiveStore } from '../../ports/live.js';
import { retryOnCode } from '../../retry.js';
import { Expr } from '../dynamo/expr.js';
import { CONDITION_FAILED, transactWrite, withStoreRetry, type TransactItem } from '../dynamo/transact.js';
import { budgetRowSchema, toBudget } from './budget-rows.js';
import type { LiveStoreContext } from './context.js';
import { budgetKey, cooldownKey, DAY_TTL_DAYS, dayKey, expiresAt, lockKey, positionKey } from './keys.js';
import { positionRowSchema, toPosition } from './position-rows.js';
import { readOne, valueOf } from './read.js';

export function createCloseOps(ctx: LiveStoreContext): Pick<LiveStore, 'closePosition'> {
  const { client, table } = ctx;

  async function attempt(c: CloseCommand): Promise<CloseResult> {
    const id = c.positionId;
    const readPosition = await readOne(ctx, positionKey(id), positionRowSchema, toPosition, `read live position ${id}`);
    if (readPosition === undefined) return { status: 'missing' };
    if (!readPosition.ok) throw new PermanentError(`live position ${id} is invalid: ${readPosition.problem.reason}`, { code: 'CORRUPT_ROW' });
    const p = readPosition.value;
    if ((p.status !== 'open' && p.status !== 'closing') || p.version !== c.version) return { status: 'stale', current: p };
    const readBudget = await readOne(ctx, budgetKey(p.exchange), budgetRowSchema, toBudget, `read live budget of ${p.exchange}`);
    if (readBudget === undefined || !readBudget.ok) throw new PermanentError(`close ${id}: the live budget of ${p.exchange} is ${readBudget ? `invalid: ${readBudget.problem.reason}` : 'missing'}`, { code: 'LEDGER_INCONSISTENT' });
    const budget = readBudget.value;
    const { exit, now } = c;
    if (!(Number.isFinite(exit.price) && exit.price > 0 && Number.isFinite(exit.amount) && exit.amount >= 0)) {
      throw new PermanentError(`close ${id}: exit price ${exit.price} and amount ${exit.amount} must be finite (price > 0, amount ≥ 0)`, { code: 'BAD_LIVE_AMOUNT' });
    }
    const booked = closeDelta({ bookCost: p.cost, entryFee: p.entryFee, proceeds: exit.proceeds, exitFee: exit.fee });
    const d = booked.delta;
    const after = { start: budget.start, realised: money(budget.realised + d.realised), fees: money(budget.fees + d.fees) };
    const equityAfter = equity(after);
    const peak = Math.max(budget.peakEquity, equityAfter);
    const haltReason = budget.halted ? undefined : drawdownHalt(equityAfter, peak, c.maxDrawdown);
    const halted: LiveHalt | undefined = haltReason === undefined ? undefined : { reason: haltReason, at: now };

    const pe = new Expr();
    const positionFields = {
      status: 'closed',
      exit: { clientOrderId: exit.clientOrderId, reason: exit.reason, ...(exit.note === undefined ? {} : { note: exit.note }), price: exit.price, amount: exit.amount, proceeds: exit.proceeds, fee: exit.fee },
      pnl: booked.pnl,
      closedAt: now,
      updatedAt: now,
      version: c.version + 1,
      expiresAt: expiresAt(now, ctx.ttlDays),
    };
    const be = new Expr();
    const [available, invested, realised, fees, peakEquity] = ['available', 'invested', 'realised', 'fees', 'peakEquity'].map((a) => be.n(a)) as [string, string, string, string, string];
    const budgetSets = [
      `${available} = ${available} + ${be.v(d.available)}`,
      `${invested} = ${invested} + ${be.v(d.invested)}`,
      `${realised} = ${realised} + ${be.v(d.realised)}`,
      `${fees} = ${fees} + ${be.v(d.fees)}`,
      `${peakEquity} = ${be.v(peak)}`,
      ...(halted ? [`${be.n('halted')} = if_not_exists(${be.n('halted')}, ${be.v(halted)})`] : []),
    ];
    const le = new Expr();
    const de = new Expr();
    const items: TransactItem[] = [
      {
        Update: {
          TableName: table,
          Key: positionKey(id),
          UpdateExpression: `SET ${pe.sets(positionFields).join(', ')} REMOVE ${pe.n('listKey')}, ${pe.n('listSort')}`,
          ConditionExpression: `${pe.n('status')} IN (${pe.v('open')}, ${pe.v('closing')}) AND ${pe.n('version')} = ${pe.v(c.version)}`,
          ...pe.parts(),
        },
      },
      {
        Update: {
          TableName: table,
          Key: budgetKey(p.exchange),
          UpdateExpression: `SET ${budgetSets.join(', ')} ADD ${be.n('openCount')} ${be.v(d.openCount)}`,
          ConditionExpression:
            `${realised} = ${be.v(budget.realised)} AND ${fees} = ${be.v(budget.fees)} AND ${peakEquity} = ${be.v(budget.peakEquity)} AND ` +
            `${be.n('openCount')} > ${be.v(0)} AND ${invested} >= ${be.v(-d.invested)}`,
          ...be.parts(),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      { Delete: { TableName: table, Key: lockKey(p.exchange, p.symbol), ConditionExpression: `attribute_not_exists(${le.n('pk')}) OR ${le.n('positionId')} = ${le.v(id)}`, ...le.parts() } },
      {
        Update: {
          TableName: table,
          Key: dayKey(p.exchange, utcDay(now)),
          UpdateExpression: `ADD ${de.n('realised')} ${de.v(booked.pnl)} SET ${de.n('expiresAt')} = if_not_exists(${de.n('expiresAt')}, ${de.v(expiresAt(now, DAY_TTL_DAYS))})`,
          ...de.parts(),
        },
      },
    ];
    if (exit.reason === 'stop' && c.cooldownMinutes > 0) {
      const until = cooldownUntil(now, c.cooldownMinutes);
      items.push({ Put: { TableName: table, Item: { ...cooldownKey(p.exchange, p.symbol), until, positionId: id, createdAt: now, expiresAt: Math.ceil(until / 1000) + 86_400 } } });
    }
    const result = await transactWrite(client, items, `close live position ${id}`, ctx.retry);
    if (!result.ok) {
      const failed = result.reasons.map((r) => r.code === CONDITION_FAILED);
      if (failed[0]) return { status: 'stale', ...(await current(id)) };
      if (failed[1]) {
        const old = result.reasons[1]?.item;
        const moved = old === undefined || old['realised'] !== budget.realised || old['fees'] !== budget.fees || old['peakEquity'] !== budget.peakEquity;
        if (moved) throw new TransientError(`close ${id}: the live budget of ${p.exchange} kept changing for ${ctx.retry.attempts} attempts`, { code: 'LIVE_BUDGET_CONTENDED' });
        throw new PermanentError(`close ${id}: ledger inconsistent: the budget does not hold the position (openCount or invested)`, { code: 'LEDGER_INCONSISTENT' });
      }
      throw new PermanentError(`close ${id}: ledger inconsistent: its market lock is held by another position`, { code: 'LEDGER_INCONSISTENT' });
    }
    const next = await readOne(ctx, positionKey(id), positionRowSchema, toPosition, `read live position ${id}`);
    if (!next?.ok) throw new PermanentError(`close ${id}: the position does not read back valid`, { code: 'CORRUPT_ROW' });
    return { status: 'closed', position: next.value, pnl: booked.pnl, ...(halted ? { halted } : {}) };
  }

  async function current(id: string) {
    const value = valueOf(await readOne(ctx, positionKey(id), positionRowSchema, toPosition, `read live position ${id}`));
    return value ? { current: value } : {};
  }

  return {
    closePosition: (c) => withStoreRetry(ctx.retry, () => attempt(c), retryOnCode('LIVE_BUDGET_CONTENDED')),
  };
}
