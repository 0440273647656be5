/**
 * Recording an entry intent: ONE TransactWriteItems of
 *   0. Put    order#<clientOrderId> (status intent)       attribute_not_exists(pk)   (exactly once)
 *   1. Update budget#<exchange>: available −= stake, reserved += stake, openCount += 1
 *             if available ≥ stake AND openCount < max AND no halted AND no panic
 *   2. Put    lock#<exchange>#<symbol>                     attribute_not_exists(pk)   (one live position per market)
 *   3. ConditionCheck day#<exchange>#<today>               absent OR realised > −dailyLossLimit
 *   4. ConditionCheck cooldown#<exchange>#<symbol>         absent OR until ≤ now
 *   5. Put    position#<positionId> (status opening)       attribute_not_exists(pk)
 * A stake above the maximum per trade is refused before anything is sent. A cancellation says
 * which condition failed (CancellationReasons with the old items), decoded in the order of
 * lib/core/live/protections.ts with its detail texts.
 */
import { PermanentError } from '../../errors.js';
import { reserveDelta, utcDay } from '../../core/live/live-ledger.js';
import { refusalDetail } from '../../core/live/protections.js';
import { money } from '../../core/money.js';
import type { IntentCommand, IntentResult, LiveStore } from '../../ports/live.js';
import { numberAt, stringAt } from '../dynamo/codec.js';
import { Expr } from '../dynamo/expr.js';
import { CONDITION_FAILED, transactWrite, type CancelReason, type TransactItem } from '../dynamo/transact.js';
import type { LiveStoreContext } from './context.js';
import { checkRow } from './read.js';
import { budgetKey, cooldownKey, dayKey, lockKey, positionKey } from './keys.js';
import { newOrderRow, orderRowSchema, toOrder, type OrderRow } from './order-rows.js';
import { positionListFields, positionRowSchema, toPosition, type PositionRow } from './position-rows.js';

function checkCommand(c: IntentCommand): void {
  const { order, position, limits } = c;
  const problems = [
    !(order.amount > 0 && Number.isFinite(order.amount)) && `amount ${order.amount}`,
    order.price !== undefined && !(order.price > 0 && Number.isFinite(order.price)) && `price ${order.price}`,
    order.type === 'limit' && order.price === undefined && 'a limit order without a price',
    order.price !== undefined && order.amount * order.price > order.stake * (1 + 1e-9) && `amount ${order.amount} × price ${order.price} exceeds the stake ${order.stake}`,
    !(position.ruleStop < position.ruleTarget) && `stop ${position.ruleStop} not below target ${position.ruleTarget}`,
    !(Number.isInteger(limits.maxOpenPositions) && limits.maxOpenPositions >= 1) && `maxOpenPositions ${limits.maxOpenPositions}`,
    !(limits.dailyLossLimit > 0) && `dailyLossLimit ${limits.dailyLossLimit}`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) throw new PermanentError(`intent ${order.clientOrderId}: ${problems.join('; ')}`, { code: 'BAD_LIVE_AMOUNT' });
}

export function createIntentOps(ctx: LiveStoreContext): Pick<LiveStore, 'recordIntent'> {
  const { client, table } = ctx;

  function items(c: IntentCommand, stake: number): { items: TransactItem[]; order: OrderRow; position: PositionRow } {
    const { order: o, position: p, limits, now } = c;
    const order: OrderRow = newOrderRow({
      clientOrderId: o.clientOrderId,
      positionId: p.positionId,
      signalId: p.signalId,
      exchange: p.exchange,
      symbol: p.symbol,
      strategy: p.strategy,
      timeframe: p.timeframe,
      role: 'entry',
      side: 'buy',
      type: o.type,
      amount: o.amount,
      ...(o.price === undefined ? {} : { price: o.price }),
      stake,
      status: 'intent',
      deadline: o.deadline,
    }, now, ctx.ttlDays);
    const position: PositionRow = {
      ...positionKey(p.positionId),
      sk: 'position',
      positionId: p.positionId,
      signalId: p.signalId,
      exchange: p.exchange,
      symbol: p.symbol,
      strategy: p.strategy,
      timeframe: p.timeframe,
      side: 'long',
      status: 'opening',
      entryClientOrderId: o.clientOrderId,
      stake,
      qty: 0,
      cost: 0,
      entryFee: 0,
      ruleEntry: p.ruleEntry,
      ruleStop: p.ruleStop,
      ruleTarget: p.ruleTarget,
      stop: p.ruleStop,
      target: p.ruleTarget,
      protection: { generation: 0, state: 'none', at: now },
      recipients: [...p.recipients],
      version: 1,
      createdAt: now,
      updatedAt: now,
      ...positionListFields(p.exchange, p.symbol, p.positionId),
    };
    const d = reserveDelta(stake);
    const b = new Expr();
    const [available, openCount] = [b.n('available'), b.n('openCount')];
    const budget: TransactItem = {
      Update: {
        TableName: table,
        Key: budgetKey(p.exchange),
        UpdateExpression: `SET ${available} = ${available} + ${b.v(d.available)}, ${b.n('reserved')} = ${b.n('reserved')} + ${b.v(d.reserved)} ADD ${openCount} ${b.v(d.openCount)}`,
        ConditionExpression:
          `attribute_exists(${b.n('pk')}) AND ${available} >= ${b.v(stake)} AND ${openCount} < ${b.v(limits.maxOpenPositions)} AND ` +
          `attribute_not_exists(${b.n('halted')}) AND attribute_not_exists(${b.n('panic')})`,
        ...b.parts(),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
    const day = new Expr();
    const cool = new Expr();
    const notExists = { ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } as const;
    return {
      order,
      position,
      items: [
        { Put: { TableName: table, Item: order, ...notExists } },
        budget,
        { Put: { TableName: table, Item: { ...lockKey(p.exchange, p.symbol), positionId: p.positionId, createdAt: now }, ...notExists } },
        {
          ConditionCheck: {
            TableName: table,
            Key: dayKey(p.exchange, utcDay(now)),
            ConditionExpression: `attribute_not_exists(${day.n('pk')}) OR ${day.n('realised')} > ${day.v(-limits.dailyLossLimit)}`,
            ...day.parts(),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          ConditionCheck: {
            TableName: table,
            Key: cooldownKey(p.exchange, p.symbol),
            ConditionExpression: `attribute_not_exists(${cool.n('pk')}) OR ${cool.n('until')} <= ${cool.v(now)}`,
            ...cool.parts(),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        { Put: { TableName: table, Item: position, ...notExists } },
      ],
    };
  }

  function decide(reasons: readonly CancelReason[], c: IntentCommand, stake: number): IntentResult {
    const [order, budget, lock, day, cooldown, position] = reasons;
    const failed = (r: CancelReason | undefined) => r?.code === CONDITION_FAILED;
    const refused = (reason: Exclude<IntentResult, { status: 'created' | 'exists' }>['reason'], detail: string): IntentResult => ({ status: 'refused', reason, detail });
    if (failed(order) || failed(position)) return { status: 'exists' };
    const b = budget?.item;
    if (failed(budget)) {
      if (b === undefined) return refused('no-budget-row', `no live budget row for ${c.position.exchange}: ensureBudget first`);
      const panic = b['panic'] as { requestedAt?: unknown } | undefined;
      if (panic !== undefined) return refused('panic', refusalDetail.panic(numberAt(panic as Record<string, unknown>, 'requestedAt') ?? 0));
      const halted = b['halted'] as Record<string, unknown> | undefined;
      if (halted !== undefined) return refused('halted', refusalDetail.halted(stringAt(halted, 'reason') ?? 'halted'));
    }
    if (failed(lock)) return refused('already-open', refusalDetail.alreadyOpen(stringAt(lock?.item, 'positionId'), c.position.symbol));
    if (failed(budget)) {
      const openCount = numberAt(b, 'openCount') ?? Number.NaN;
      const available = numberAt(b, 'available') ?? Number.NaN;
      if (openCount >= c.limits.maxOpenPositions) return refused('max-open', refusalDetail.maxOpen(openCount, c.limits.maxOpenPositions));
      if (available < stake) return refused('no-budget', refusalDetail.noBudget(available, stake));
    }
    if (failed(day)) return refused('daily-loss', refusalDetail.dailyLoss(numberAt(day?.item, 'realised') ?? Number.NaN, c.limits.dailyLossLimit));
    if (failed(cooldown)) return refused('cooldown', refusalDetail.cooldown(numberAt(cooldown?.item, 'until') ?? 0));
    throw new PermanentError(`intent ${c.order.clientOrderId}: no condition explains the cancellation [${reasons.map((r) => r.code).join(', ')}]`, { code: 'LEDGER_INCONSISTENT' });
  }

  return {
    async recordIntent(c) {
      checkCommand(c);
      const stake = money(c.order.stake);
      if (stake > c.limits.maxStake) return { status: 'refused', reason: 'max-stake', detail: refusalDetail.maxStake(stake, c.limits.maxStake) };
      const built = items(c, stake);
      // The rows written are validated as any read would be: a bad command fails here, not on every later read.
      checkRow(orderRowSchema, built.order, `intent ${c.order.clientOrderId}: order row`);
      checkRow(positionRowSchema, built.position, `intent ${c.order.clientOrderId}: position row`);
      const result = await transactWrite(client, built.items, `record intent ${c.order.clientOrderId}`, ctx.retry);
      if (result.ok) return { status: 'created', order: toOrder(built.order), position: toPosition(built.position) };
      return decide(result.reasons, c, stake);
    },
  };
}
