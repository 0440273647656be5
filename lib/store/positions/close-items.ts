/**
 * What every close books, shared by the close transaction (dynamo-position-close.ts) and the
 * reversal transaction (dynamo-position-reverse.ts):
 *   - Update position: open → closed with the exit          if status = open AND version = seen
 *   - Put    trades#<strategy> / <position id>               attribute_not_exists(pk)
 *   - Update stats strategy#<name>                           at the version read (running peak and drawdown)
 *   - Update stats symbol#<exchange>#<symbol>                at the version read
 * The statistics are read (consistently) first; a version that moved meanwhile makes the
 * caller read again and retry.
 */
import { grossPnl, type ClosedPosition } from '../../core/positions/index.js';
import { PermanentError } from '../../errors.js';
import { closeAmounts, type CloseAmounts } from '../../core/money.js';
import { addTrade, EMPTY_STATS } from '../../core/stats.js';
import type { StatsScope, StoredOpenPosition, TradeRecord, TradeStats } from '../../ports/positions.js';
import type { PositionStoreContext } from './context.js';
import { Expr } from '../dynamo/expr.js';
import { expiresAt, positionKey, statsKey } from './keys.js';
import { exitNoteSchema, readRow } from './rows.js';
import { getItem } from '../dynamo/read.js';
import type { TransactItem } from '../dynamo/transact.js';
import { statsRowSchema, statsUpdate, toStats } from './portfolio-rows.js';
import { tradeItem } from './trade-rows.js';

type Versioned = TradeStats & { readonly version: number };

/** Attributes an open row has and a closed one must not keep (list membership, mark). */
const OPEN_ONLY = ['listKey', 'listSort', 'markPrice', 'markedAt', 'unrealisedPnl'];

async function readStats(ctx: PositionStoreContext, scope: StatsScope): Promise<Versioned> {
  const key = statsKey(scope);
  const item = await getItem(ctx.client, { TableName: ctx.table, Key: key, ConsistentRead: true }, `read stats ${key.sk}`);
  if (!item) return { ...EMPTY_STATS, version: 0 };
  const read = readRow(statsRowSchema, item);
  if (!read.ok) throw new PermanentError(`statistics row ${key.sk} is corrupt: ${read.problem.reason}`, { code: 'CORRUPT_ROW' });
  return toStats(read.value);
}

/**
 * How a position ended and what it booked: on the closed position row and on its trade row
 * alike. An exit by the strategy's rule keeps the rule's reason (`exitNote`, reason `rule` only).
 */
function exitOf(c: ClosedPosition, amounts: CloseAmounts, exitNote: string | undefined) {
  if (exitNote !== undefined && !(c.exitReason === 'rule' && exitNoteSchema.safeParse(exitNote).success)) {
    throw new PermanentError(`close ${c.id}: an exit note goes with reason rule and has 1–40 characters (reason ${c.exitReason}, note ${JSON.stringify(exitNote)})`, { code: 'BAD_POSITION' });
  }
  const note = exitNote === undefined ? {} : { exitNote };
  return { exitTime: c.exitTime, exitPrice: c.exitPrice, exitReason: c.exitReason, ...note, gross: amounts.gross, fees: amounts.fees, pnl: amounts.pnl };
}

/** The position row: open at the version read → closed with its exit (off the open list). */
export function closedPositionUpdate(ctx: PositionStoreContext, stored: StoredOpenPosition, c: ClosedPosition, amounts: CloseAmounts, now: number, exitNote?: string): TransactItem {
  const e = new Expr();
  const sets = e.sets({
    status: 'closed',
    version: stored.version + 1,
    stop: c.stop,
    best: c.best,
    bars: c.bars,
    lastChecked: c.exitTime,
    ...exitOf(c, amounts, exitNote),
    closedAt: now,
    expiresAt: expiresAt(now, ctx.ttlDays),
  });
  const removes = OPEN_ONLY.map((a) => e.n(a));
  return {
    Update: {
      TableName: ctx.table,
      Key: positionKey(c.id),
      UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
      ConditionExpression: `${e.n('status')} = ${e.v('open')} AND ${e.n('version')} = ${e.v(stored.version)}`,
      ...e.parts(),
    },
  };
}

function tradeOf(stored: StoredOpenPosition, c: ClosedPosition, amounts: CloseAmounts, now: number, seq: { strategySeq: number; symbolSeq: number }, exitNote: string | undefined): TradeRecord {
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
    ...exitOf(c, amounts, exitNote),
    bars: c.bars,
    durationMs: Math.max(0, c.exitTime - c.entryTime),
    closedAt: now,
    ...seq,
  };
}

/** The amounts a close books (on the money grid): release = stake + pnl. */
export function amountsOf(c: ClosedPosition): CloseAmounts {
  return closeAmounts(c.stake, grossPnl(c.side, c.qty, c.entryPrice, c.exitPrice), c.fees);
}

export interface BookedTrade {
  readonly amounts: CloseAmounts;
  readonly trade: TradeRecord;
  /** Put trade, Update strategy stats, Update symbol stats — in this order. */
  readonly items: readonly [TransactItem, TransactItem, TransactItem];
}

/** Reads both statistics aggregates and builds the trade row and their conditional updates. */
export async function bookTrade(ctx: PositionStoreContext, stored: StoredOpenPosition, c: ClosedPosition, now: number, exitNote?: string): Promise<BookedTrade> {
  const amounts = amountsOf(c);
  const strategyScope: StatsScope = { kind: 'strategy', strategy: stored.meta.strategy };
  const symbolScope: StatsScope = { kind: 'symbol', exchange: stored.meta.exchange, symbol: c.symbol };
  const [byStrategy, bySymbol] = await Promise.all([readStats(ctx, strategyScope), readStats(ctx, symbolScope)]);
  const nextStrategy = addTrade(byStrategy, amounts);
  const nextSymbol = addTrade(bySymbol, amounts);
  const trade = tradeOf(stored, c, amounts, now, { strategySeq: nextStrategy.count, symbolSeq: nextSymbol.count }, exitNote);
  return {
    amounts,
    trade,
    items: [
      { Put: { TableName: ctx.table, Item: tradeItem(trade), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Update: { TableName: ctx.table, ...statsUpdate(strategyScope, nextStrategy, byStrategy.version, now) } },
      { Update: { TableName: ctx.table, ...statsUpdate(symbolScope, nextSymbol, bySymbol.version, now) } },
    ],
  };
}
