/**
 * Closing a paper position: ONE TransactWriteItems of
 *   0. Update position: open → closed with the exit      if status = open AND version = seen
 *   1. Update portfolio: available += stake + pnl, reserved −= stake, openCount −= 1,
 *                        closedCount += 1, realisedGross += gross, fees += fees   (atomic ADD/SET)
 *   2. Delete lock of (strategy, exchange, symbol)       if absent or held by this position
 *   3. Put    trades#<strategy> / <position id>           attribute_not_exists(pk)
 *   4. Update stats strategy#<name>                       at the version read (running peak and drawdown)
 *   5. Update stats symbol#<exchange>#<symbol>            at the version read
 *   6. Put    position#<id> / event#closed                attribute_not_exists(pk)
 * Position condition failed → `lost` (another invocation closed, progressed or reversed it). A
 * statistics version that moved → read again and retry (bounded). Any other failed condition
 * means the ledger is inconsistent: a PermanentError, nothing written.
 */
import { PermanentError, TransientError } from '../../errors.js';
import type { CloseAmounts } from '../../core/money.js';
import type { CloseCommand, CloseTxResult } from '../../ports/positions.js';
import { bookTrade, closedPositionUpdate } from './close-items.js';
import type { PositionStoreContext } from './context.js';
import { Expr } from '../dynamo/expr.js';
import { lockKey, PORTFOLIO_KEY } from './keys.js';
import { eventItem } from './rows.js';
import { CONDITION_FAILED, transactWrite, withStoreRetry, type TransactItem } from '../dynamo/transact.js';
import { retryOnCode } from '../../retry.js';

export function createCloseOps(ctx: PositionStoreContext) {
  const { client, table } = ctx;

  function portfolioRelease(stake: number, amounts: CloseAmounts): TransactItem {
    const e = new Expr();
    const [available, reserved, gross, fees] = ['available', 'reserved', 'realisedGross', 'fees'].map((a) => e.n(a)) as [string, string, string, string];
    return {
      Update: {
        TableName: table,
        Key: PORTFOLIO_KEY,
        UpdateExpression:
          `SET ${available} = ${available} + ${e.v(amounts.release)}, ${reserved} = ${reserved} - ${e.v(stake)}, ` +
          `${gross} = ${gross} + ${e.v(amounts.gross)}, ${fees} = ${fees} + ${e.v(amounts.fees)} ` +
          `ADD ${e.n('openCount')} ${e.v(-1)}, ${e.n('closedCount')} ${e.v(1)}`,
        ConditionExpression: `attribute_exists(${e.n('pk')}) AND ${e.n('openCount')} > ${e.v(0)} AND ${reserved} >= ${e.v(stake)}`,
        ...e.parts(),
      },
    };
  }

  function lockRelease(command: CloseCommand): TransactItem {
    const { meta } = command.stored;
    const e = new Expr();
    return {
      Delete: {
        TableName: table,
        Key: lockKey(meta.strategy, meta.exchange, command.closed.symbol),
        ConditionExpression: `attribute_not_exists(${e.n('pk')}) OR ${e.n('positionId')} = ${e.v(command.closed.id)}`,
        ...e.parts(),
      },
    };
  }

  async function close(command: CloseCommand): Promise<CloseTxResult> {
    const { closed: c, stored, now, event, exitNote } = command;
    if (c.status !== 'closed') throw new PermanentError(`close ${c.id}: position is ${c.status}, expected closed`, { code: 'ILLEGAL_TRANSITION' });
    const attempt = async (): Promise<CloseTxResult> => {
      const booked = await bookTrade(ctx, stored, c, now, exitNote);
      const items: TransactItem[] = [closedPositionUpdate(ctx, stored, c, booked.amounts, now, exitNote), portfolioRelease(c.stake, booked.amounts), lockRelease(command), ...booked.items];
      if (event) items.push({ Put: { TableName: table, Item: eventItem(c.id, event, now), ConditionExpression: 'attribute_not_exists(pk)' } });
      const result = await transactWrite(client, items, `close position ${c.id}`, ctx.retry);
      if (result.ok) return { status: 'closed', trade: booked.trade };
      const failed = result.reasons.map((r) => r.code === CONDITION_FAILED);
      if (failed[0]) return { status: 'lost' };
      const culprit = [1, 2, 3, 6].find((i) => failed[i]);
      if (culprit !== undefined) {
        const what = { 1: 'the portfolio does not hold its stake', 2: 'its lock is held by another position', 3: 'its trade row already exists', 6: 'its closed event already exists' }[culprit];
        throw new PermanentError(`close ${c.id}: ledger inconsistent: ${what}`, { code: 'LEDGER_INCONSISTENT' });
      }
      // Only a statistics version moved (another close of the same strategy or symbol): read again.
      throw new TransientError(`close ${c.id}: statistics kept changing for ${ctx.retry.attempts} attempts`, { code: 'STATS_CONTENDED' });
    };
    return withStoreRetry(ctx.retry, attempt, retryOnCode('STATS_CONTENDED'));
  }

  return { close };
}
