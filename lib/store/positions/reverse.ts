/**
 * Reversing a paper position on an opposite signal: ONE TransactWriteItems (9 actions at most,
 * each on a different item) that closes the old position and opens the reverse one:
 *   0. Update old position: open → closed (reason signal)   if status = open AND version = seen
 *   1. Update portfolio, the NET change of release + reserve:
 *        available += (stake_old + pnl) − stake_new, reserved += stake_new − stake_old,
 *        realisedGross += gross, fees += fees, closedCount += 1, openCount unchanged
 *        if openCount > 0 AND reserved >= stake_old AND available >= stake_new − (stake_old + pnl)
 *        (i.e. the resulting available is >= 0; conditions cannot add, so the bound is precomputed)
 *   2. Update lock of (strategy, exchange, symbol): handed over to the new position
 *        if positionId = old id   (one item: an update, not a delete and a put)
 *   3. Put    trades#<strategy> / <old id>                  attribute_not_exists(pk)
 *   4. Update stats strategy#<name>                         at the version read
 *   5. Update stats symbol#<exchange>#<symbol>              at the version read
 *   6. Put    new position#<id>                             attribute_not_exists(pk)
 *   7. Put    position#<old id> / event#closed              attribute_not_exists(pk)   (if notifying)
 *   8. Put    position#<new id> / event#opened              attribute_not_exists(pk)   (if notifying)
 * Decisions from the cancellation reasons, in this order: new row exists → `exists` (another
 * invocation reversed already); old row moved → `lost` (a monitor closed or progressed it, or a
 * reversal won); portfolio → `no-portfolio` / `no-budget`; only statistics moved → read again
 * and retry (bounded); anything else → LEDGER_INCONSISTENT, nothing written.
 */
import { PermanentError, TransientError } from '../../errors.js';
import { money, type CloseAmounts } from '../../core/money.js';
import type { ReverseCommand, ReverseTxResult } from '../../ports/positions.js';
import { bookTrade, closedPositionUpdate } from './close-items.js';
import type { PositionStoreContext } from './context.js';
import { Expr } from '../dynamo/expr.js';
import { lockKey, PORTFOLIO_KEY } from './keys.js';
import { eventItem, openItem } from './rows.js';
import { numberAt } from '../dynamo/codec.js';
import { CONDITION_FAILED, transactWrite, withStoreRetry, type CancelReason, type TransactItem } from '../dynamo/transact.js';
import { retryOnCode } from '../../retry.js';

export function createReverseOps(ctx: PositionStoreContext) {
  const { client, table } = ctx;

  function portfolioSwap(stakeOld: number, stakeNew: number, amounts: CloseAmounts): { item: TransactItem; needed: number } {
    const e = new Expr();
    const [available, reserved, gross, fees] = ['available', 'reserved', 'realisedGross', 'fees'].map((a) => e.n(a)) as [string, string, string, string];
    const needed = money(stakeNew - amounts.release);
    const item: TransactItem = {
      Update: {
        TableName: table,
        Key: PORTFOLIO_KEY,
        UpdateExpression:
          `SET ${available} = ${available} + ${e.v(money(amounts.release - stakeNew))}, ${reserved} = ${reserved} + ${e.v(money(stakeNew - stakeOld))}, ` +
          `${gross} = ${gross} + ${e.v(amounts.gross)}, ${fees} = ${fees} + ${e.v(amounts.fees)} ADD ${e.n('closedCount')} ${e.v(1)}`,
        ConditionExpression: `attribute_exists(${e.n('pk')}) AND ${e.n('openCount')} > ${e.v(0)} AND ${reserved} >= ${e.v(stakeOld)} AND ${available} >= ${e.v(needed)}`,
        ...e.parts(),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
    return { item, needed };
  }

  function lockHandOver(command: ReverseCommand): TransactItem {
    const { stored, position: p, meta, now } = command;
    const e = new Expr();
    return {
      Update: {
        TableName: table,
        Key: lockKey(meta.strategy, meta.exchange, p.symbol),
        UpdateExpression: `SET ${e.sets({ positionId: p.id, side: p.side, updatedAt: now }).join(', ')}`,
        ConditionExpression: `${e.n('positionId')} = ${e.v(stored.position.id)}`,
        ...e.parts(),
      },
    };
  }

  function decide(reasons: readonly CancelReason[], command: ReverseCommand, needed: number, labels: readonly string[]): ReverseTxResult | 'retry' {
    const failed = (label: string) => reasons[labels.indexOf(label)]?.code === CONDITION_FAILED;
    if (failed('new position')) return { status: 'exists' };
    if (failed('old position')) return { status: 'lost' };
    if (failed('portfolio')) {
      const item = reasons[labels.indexOf('portfolio')]?.item;
      if (!item) return { status: 'no-portfolio' };
      const available = numberAt(item, 'available');
      if (available !== undefined && available < needed) {
        return { status: 'no-budget', detail: `available ${available} + release of ${command.stored.position.id} does not cover stake ${command.position.stake}` };
      }
    }
    const culprit = labels.find((l) => l !== 'strategy stats' && l !== 'symbol stats' && failed(l));
    if (culprit === undefined) return 'retry';
    throw new PermanentError(`reverse ${command.stored.position.id} → ${command.position.id}: ledger inconsistent: ${culprit} condition failed`, { code: 'LEDGER_INCONSISTENT' });
  }

  async function reverse(command: ReverseCommand): Promise<ReverseTxResult> {
    const { stored, closed: c, position: p, meta, costs, now, closedEvent, openedEvent } = command;
    if (c.status !== 'closed' || c.id !== stored.position.id || c.exitReason !== 'signal') {
      throw new PermanentError(`reverse ${stored.position.id}: expected it closed with reason signal`, { code: 'ILLEGAL_TRANSITION' });
    }
    if (p.side === c.side || p.symbol !== c.symbol || meta.strategy !== stored.meta.strategy || meta.exchange !== stored.meta.exchange) {
      throw new PermanentError(`reverse ${c.id} → ${p.id}: not the opposite side of the same market`, { code: 'BAD_POSITION' });
    }
    const attempt = async (): Promise<ReverseTxResult> => {
      const booked = await bookTrade(ctx, stored, c, now);
      const swap = portfolioSwap(c.stake, p.stake, booked.amounts);
      const labelled: [string, TransactItem][] = [
        ['old position', closedPositionUpdate(ctx, stored, c, booked.amounts, now)],
        ['portfolio', swap.item],
        ['lock', lockHandOver(command)],
        ['trade', booked.items[0]],
        ['strategy stats', booked.items[1]],
        ['symbol stats', booked.items[2]],
        ['new position', { Put: { TableName: table, Item: openItem(p, meta, costs, now), ConditionExpression: 'attribute_not_exists(pk)' } }],
      ];
      if (closedEvent) labelled.push(['closed event', { Put: { TableName: table, Item: eventItem(c.id, closedEvent, now), ConditionExpression: 'attribute_not_exists(pk)' } }]);
      if (openedEvent) labelled.push(['opened event', { Put: { TableName: table, Item: eventItem(p.id, openedEvent, now), ConditionExpression: 'attribute_not_exists(pk)' } }]);
      const labels = labelled.map(([label]) => label);
      const result = await transactWrite(client, labelled.map(([, item]) => item), `reverse position ${c.id} → ${p.id}`, ctx.retry);
      if (result.ok) return { status: 'reversed', trade: booked.trade };
      const decision = decide(result.reasons, command, swap.needed, labels);
      if (decision !== 'retry') return decision;
      // Only a statistics version moved (another close of the same strategy or symbol): read again.
      throw new TransientError(`reverse ${c.id}: statistics kept changing for ${ctx.retry.attempts} attempts`, { code: 'STATS_CONTENDED' });
    };
    return withStoreRetry(ctx.retry, attempt, retryOnCode('STATS_CONTENDED'));
  }

  return { reverse };
}
