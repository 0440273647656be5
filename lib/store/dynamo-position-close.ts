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
 * Position condition failed → `lost` (another invocation closed or moved it). A statistics
 * version that moved → read again and retry (bounded). Any other failed condition means the
 * ledger is inconsistent: a PermanentError, nothing written.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { translateAwsError } from '../aws/errors.js';
import { grossPnl } from '../core/positions/index.js';
import { PermanentError, TransientError } from '../errors.js';
import { closeAmounts, type CloseAmounts } from '../portfolio/money.js';
import { addTrade, EMPTY_STATS } from '../portfolio/stats.js';
import type { CloseCommand, CloseTxResult, StatsScope, TradeRecord, TradeStats } from '../ports/positions.js';
import type { PositionStoreContext } from './dynamo-position-context.js';
import { Expr } from './dynamo-position-expr.js';
import { expiresAt, lockKey, PORTFOLIO_KEY, positionKey, statsKey } from './dynamo-position-keys.js';
import { eventItem, readRow } from './dynamo-position-rows.js';
import { backoffMs, CONDITION_FAILED, transactWrite, type TransactItem } from './dynamo-position-transact.js';
import { statsRowSchema, statsUpdate, toStats } from './dynamo-portfolio-rows.js';
import { tradeItem } from './dynamo-trade-rows.js';

type Versioned = TradeStats & { readonly version: number };

export function createCloseOps(ctx: PositionStoreContext) {
  const { client, table } = ctx;

  async function readStats(scope: StatsScope): Promise<Versioned> {
    let item: Record<string, unknown> | undefined;
    try {
      item = (await client.send(new GetCommand({ TableName: table, Key: statsKey(scope), ConsistentRead: true }))).Item;
    } catch (error) {
      throw translateAwsError(error, `read stats ${statsKey(scope).sk}`);
    }
    if (!item) return { ...EMPTY_STATS, version: 0 };
    const read = readRow(statsRowSchema, item);
    if (!read.ok) throw new PermanentError(`statistics row ${read.problem.sk} is corrupt: ${read.problem.reason}`, { code: 'CORRUPT_ROW' });
    return toStats(read.value);
  }

  function positionUpdate(command: CloseCommand, amounts: CloseAmounts): TransactItem {
    const { stored, closed: c, now } = command;
    const e = new Expr();
    const sets = e.sets({
      status: 'closed',
      version: stored.version + 1,
      stop: c.stop,
      best: c.best,
      bars: c.bars,
      lastChecked: c.exitTime,
      exitTime: c.exitTime,
      exitPrice: c.exitPrice,
      exitReason: c.exitReason,
      gross: amounts.gross,
      fees: amounts.fees,
      pnl: amounts.pnl,
      closedAt: now,
      expiresAt: expiresAt(now, ctx.ttlDays),
    });
    const removes = ['listKey', 'listSort', 'markPrice', 'markedAt'].map((a) => e.n(a));
    return {
      Update: {
        TableName: table,
        Key: positionKey(c.id),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
        ConditionExpression: `${e.n('status')} = ${e.v('open')} AND ${e.n('version')} = ${e.v(stored.version)}`,
        ...e.parts(),
      },
    };
  }

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

  function tradeOf(command: CloseCommand, amounts: CloseAmounts, strategySeq: number, symbolSeq: number): TradeRecord {
    const { stored, closed: c, now } = command;
    const { strategy, exchange, timeframe } = stored.meta;
    return {
      positionId: c.id,
      strategy,
      exchange,
      symbol: c.symbol,
      timeframe,
      side: c.side,
      qty: c.qty,
      stake: c.stake,
      entryTime: c.entryTime,
      entryPrice: c.entryPrice,
      exitTime: c.exitTime,
      exitPrice: c.exitPrice,
      exitReason: c.exitReason,
      gross: amounts.gross,
      fees: amounts.fees,
      pnl: amounts.pnl,
      bars: c.bars,
      durationMs: Math.max(0, c.exitTime - c.entryTime),
      closedAt: now,
      strategySeq,
      symbolSeq,
    };
  }

  async function close(command: CloseCommand): Promise<CloseTxResult> {
    const { closed: c, stored, now, event } = command;
    if (c.status !== 'closed') throw new PermanentError(`close ${c.id}: position is ${c.status}, expected closed`, { code: 'ILLEGAL_TRANSITION' });
    const amounts = closeAmounts(c.stake, grossPnl(c.side, c.qty, c.entryPrice, c.exitPrice), c.fees);
    const strategyScope: StatsScope = { kind: 'strategy', strategy: stored.meta.strategy };
    const symbolScope: StatsScope = { kind: 'symbol', exchange: stored.meta.exchange, symbol: c.symbol };
    for (let attempt = 1; attempt <= ctx.retry.attempts; attempt++) {
      const [byStrategy, bySymbol] = await Promise.all([readStats(strategyScope), readStats(symbolScope)]);
      const nextStrategy = addTrade(byStrategy, amounts);
      const nextSymbol = addTrade(bySymbol, amounts);
      const trade = tradeOf(command, amounts, nextStrategy.count, nextSymbol.count);
      const items: TransactItem[] = [
        positionUpdate(command, amounts),
        portfolioRelease(c.stake, amounts),
        lockRelease(command),
        { Put: { TableName: table, Item: tradeItem(trade), ConditionExpression: 'attribute_not_exists(pk)' } },
        { Update: { TableName: table, ...statsUpdate(strategyScope, nextStrategy, byStrategy.version, now) } },
        { Update: { TableName: table, ...statsUpdate(symbolScope, nextSymbol, bySymbol.version, now) } },
      ];
      if (event) items.push({ Put: { TableName: table, Item: eventItem(c.id, event, now), ConditionExpression: 'attribute_not_exists(pk)' } });
      const result = await transactWrite(client, items, `close position ${c.id}`, ctx.retry);
      if (result.ok) return { status: 'closed', trade };
      const failed = result.reasons.map((r) => r.code === CONDITION_FAILED);
      if (failed[0]) return { status: 'lost' };
      const culprit = [1, 2, 3, 6].find((i) => failed[i]);
      if (culprit !== undefined) {
        const what = { 1: 'the portfolio does not hold its stake', 2: 'its lock is held by another position', 3: 'its trade row already exists', 6: 'its closed event already exists' }[culprit];
        throw new PermanentError(`close ${c.id}: ledger inconsistent: ${what}`, { code: 'LEDGER_INCONSISTENT' });
      }
      // Only a statistics version moved (another close of the same strategy or symbol): read again.
      await ctx.retry.sleep(backoffMs(ctx.retry, attempt));
    }
    throw new TransientError(`close ${c.id}: statistics kept changing for ${ctx.retry.attempts} attempts`, { code: 'STATS_CONTENDED' });
  }

  return { close };
}
