/**
 * The budget row's own operations: created from the config on first use, read, panic / resume
 * and the balances seen by reconcile. None of these moves money (recordIntent, settleEntry and
 * closePosition do, in their transactions).
 */
import { PermanentError, TransientError } from '../../errors.js';
import { equity } from '../../core/live/live-ledger.js';
import type { LiveBudget, LiveStore } from '../../ports/live.js';
import { Expr } from '../dynamo/expr.js';
import { send } from '../dynamo/send.js';
import { budgetRowSchema, newBudgetItem, toBudget } from './budget-rows.js';
import type { LiveStoreContext } from './context.js';
import { budgetKey } from './keys.js';
import { decode, readOne } from './read.js';

type BudgetOps = Pick<LiveStore, 'ensureBudget' | 'getBudget' | 'requestPanic' | 'markPanicHandled' | 'resume' | 'recordBalances'>;

/** Attempts of resume's read-then-write (the budget's realised and fees moved meanwhile). */
const RESUME_ATTEMPTS = 5;

export function createBudgetOps(ctx: LiveStoreContext): BudgetOps {
  const { client, table } = ctx;

  function valid(item: Record<string, unknown>, exchange: string): LiveBudget {
    const read = decode(item, budgetRowSchema, toBudget);
    if (!read.ok) throw new PermanentError(`live budget of ${exchange} is invalid: ${read.problem.reason}`, { code: 'CORRUPT_ROW' });
    return read.value;
  }

  async function update(exchange: string, e: Expr, UpdateExpression: string, ConditionExpression: string, label: string) {
    return send(client, { Update: { TableName: table, Key: budgetKey(exchange), UpdateExpression, ConditionExpression, ...e.parts(), ReturnValues: 'ALL_NEW' } }, label);
  }

  const ops: BudgetOps = {
    async ensureBudget(exchange, quote, start, now) {
      const item = newBudgetItem(exchange, quote, start, now);
      const put = await send(client, { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } }, `create live budget of ${exchange}`);
      if (put.ok) return toBudget(item);
      if (!put.old) throw new PermanentError(`live budget of ${exchange}: the create failed its condition but no row is stored`, { code: 'LEDGER_INCONSISTENT' });
      const budget = valid(put.old, exchange);
      if (budget.quote !== quote) {
        throw new PermanentError(`live budget of ${exchange} is kept in ${budget.quote}, the config now trades ${quote}: the live markets of an exchange must share the budget's quote`, {
          code: 'LIVE_BUDGET_MISMATCH',
        });
      }
      return budget;
    },

    getBudget: (exchange) => readOne(ctx, budgetKey(exchange), budgetRowSchema, toBudget, `read live budget of ${exchange}`),

    async requestPanic(exchange, by, now) {
      const e = new Expr();
      const panic = e.n('panic');
      const condition = `attribute_exists(${e.n('pk')}) AND (attribute_not_exists(${panic}) OR attribute_exists(${panic}.${e.n('handledAt')}))`;
      const result = await update(exchange, e, `SET ${panic} = ${e.v({ requestedAt: now, by })}`, condition, `request panic on ${exchange}`);
      if (result.ok) return 'requested';
      return result.old === undefined ? 'no-budget-row' : 'already';
    },

    async markPanicHandled(exchange, requestedAt, report, now) {
      const e = new Expr();
      const [panic, halted] = [e.n('panic'), e.n('halted')];
      const sets = [
        `${panic}.${e.n('handledAt')} = ${e.v(now)}`,
        `${panic}.${e.n('report')} = ${e.v(report.slice(0, 1000))}`,
        `${halted} = if_not_exists(${halted}, ${e.v({ reason: 'panic', at: now })})`,
      ];
      const condition = `${panic}.${e.n('requestedAt')} = ${e.v(requestedAt)} AND attribute_not_exists(${panic}.${e.n('handledAt')})`;
      return (await update(exchange, e, `SET ${sets.join(', ')}`, condition, `mark panic handled on ${exchange}`)).ok;
    },

    async resume(exchange, now) {
      for (let attempt = 1; attempt <= RESUME_ATTEMPTS; attempt++) {
        const read = await ops.getBudget(exchange);
        if (read === undefined) return 'no-budget-row';
        if (!read.ok) throw new PermanentError(`live budget of ${exchange} is invalid: ${read.problem.reason}`, { code: 'CORRUPT_ROW' });
        const b = read.value;
        if (b.panic && b.panic.handledAt === undefined) return 'panic-pending';
        if (!b.halted && !b.panic) return 'nothing';
        // The drawdown is measured again from here: the admin accepted the loss so far.
        const e = new Expr();
        const [panic, halted] = [e.n('panic'), e.n('halted')];
        const condition =
          `${e.n('realised')} = ${e.v(b.realised)} AND ${e.n('fees')} = ${e.v(b.fees)} AND ` +
          `(attribute_not_exists(${panic}) OR attribute_exists(${panic}.${e.n('handledAt')})) AND (attribute_exists(${halted}) OR attribute_exists(${panic}))`;
        const result = await update(exchange, e, `SET ${e.n('peakEquity')} = ${e.v(equity(b))}, ${e.n('resumedAt')} = ${e.v(now)} REMOVE ${panic}, ${halted}`, condition, `resume ${exchange}`);
        if (result.ok) return 'resumed';
      }
      throw new TransientError(`resume ${exchange}: the budget kept changing for ${RESUME_ATTEMPTS} attempts`, { code: 'LIVE_BUDGET_CONTENDED' });
    },

    async recordBalances(exchange, balances, at) {
      const e = new Expr();
      const balancesAt = e.n('balancesAt');
      const condition = `attribute_exists(${e.n('pk')}) AND (attribute_not_exists(${balancesAt}) OR ${balancesAt} <= ${e.v(at)})`;
      // A failed condition: no budget row yet, or newer balances already stored — nothing to write.
      await update(exchange, e, `SET ${e.n('balances')} = ${e.v({ ...balances })}, ${balancesAt} = ${e.v(at)}`, condition, `record balances of ${exchange}`);
    },
  };
  return ops;
}
