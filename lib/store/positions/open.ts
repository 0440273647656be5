/**
 * Opening a paper position: ONE TransactWriteItems of
 *   0. Put    position#<id>                          attribute_not_exists(pk)   (exactly once)
 *   1. Update portfolio: available −= stake, reserved += stake, openCount += 1
 *                        if available >= stake AND openCount < max            (atomic, no read-retry)
 *   2. Put    lock#<strategy>#<exchange>#<symbol>     attribute_not_exists(pk)   (one open per market)
 *   3. Put    position#<id> / event#opened            attribute_not_exists(pk)   (notification outbox)
 * A cancellation says which condition failed (CancellationReasons, with the old portfolio and
 * lock items): `exists`, `already-open`, `max-open`, `no-budget` or `no-portfolio`. An
 * `already-open` names the lock's holder and side, so the opener can reverse an opposite position.
 */
import { PermanentError } from '../../errors.js';
import type { OpenCommand, OpenTxResult, PortfolioState, PositionLedger, RowRead } from '../../ports/positions.js';
import type { PositionStoreContext } from './context.js';
import { Expr } from '../dynamo/expr.js';
import { lockKey, PORTFOLIO_KEY } from './keys.js';
import { eventItem, openItem, readRow, rejectedItem } from './rows.js';
import { getItem } from '../dynamo/read.js';
import { send } from '../dynamo/send.js';
import { numberAt, stringAt } from '../dynamo/codec.js';
import { CONDITION_FAILED, transactWrite, type CancelReason, type TransactItem } from '../dynamo/transact.js';
import { newPortfolioItem, portfolioRowSchema, toPortfolio } from './portfolio-rows.js';

type OpenOps = Pick<PositionLedger, 'getPortfolio' | 'createPortfolio' | 'open' | 'refuse'>;

export function createOpenOps(ctx: PositionStoreContext): OpenOps {
  const { client, table } = ctx;

  function portfolioReserve(stake: number, maxOpen: number): TransactItem {
    const e = new Expr();
    const available = e.n('available');
    const openCount = e.n('openCount');
    const s = e.v(stake);
    return {
      Update: {
        TableName: table,
        Key: PORTFOLIO_KEY,
        UpdateExpression: `SET ${available} = ${available} - ${s}, ${e.n('reserved')} = ${e.n('reserved')} + ${s} ADD ${openCount} ${e.v(1)}`,
        ConditionExpression: `attribute_exists(${e.n('pk')}) AND ${available} >= ${s} AND ${openCount} < ${e.v(maxOpen)}`,
        ...e.parts(),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  function decide(reasons: readonly CancelReason[], command: OpenCommand): OpenTxResult {
    const [position, portfolio, lock, event] = reasons;
    const failed = (r: CancelReason | undefined) => r?.code === CONDITION_FAILED;
    if (failed(position)) return { status: 'exists' };
    if (failed(lock)) {
      const holderId = stringAt(lock?.item, 'positionId');
      const side = stringAt(lock?.item, 'side');
      const detail = `${holderId ?? 'another position'} is open for ${command.meta.strategy} on ${command.meta.exchange} ${command.position.symbol}`;
      if (holderId === undefined || (side !== 'long' && side !== 'short')) return { status: 'refused', reason: 'already-open', detail };
      return { status: 'refused', reason: 'already-open', detail, holder: { positionId: holderId, side } };
    }
    if (failed(portfolio)) {
      if (!portfolio?.item) return { status: 'no-portfolio' };
      const openCount = numberAt(portfolio.item, 'openCount');
      const available = numberAt(portfolio.item, 'available');
      if (openCount !== undefined && openCount >= command.maxOpen) {
        return { status: 'refused', reason: 'max-open', detail: `${openCount} of ${command.maxOpen} positions already open` };
      }
      if (available !== undefined && available < command.position.stake) {
        return { status: 'refused', reason: 'no-budget', detail: `available ${available} < stake ${command.position.stake}` };
      }
    }
    const codes = reasons.map((r) => r.code).join(', ');
    throw new PermanentError(`open ${command.position.id}: no condition explains the cancellation [${codes}]${failed(event) ? ' (event row exists without its position)' : ''}`, {
      code: 'LEDGER_INCONSISTENT',
    });
  }

  return {
    async getPortfolio(): Promise<RowRead<PortfolioState> | undefined> {
      const item = await getItem(client, { TableName: table, Key: PORTFOLIO_KEY, ConsistentRead: true }, 'read portfolio');
      if (!item) return undefined;
      const read = readRow(portfolioRowSchema, item);
      return read.ok ? { ok: true, value: toPortfolio(read.value) } : read;
    },

    async createPortfolio(start, now) {
      // A failed condition: created by another invocation.
      await send(client, { Put: { TableName: table, Item: newPortfolioItem(start, now), ConditionExpression: 'attribute_not_exists(pk)' } }, 'create portfolio');
    },

    async open(command) {
      const { position: p, meta, costs, maxOpen, now, event } = command;
      const items: TransactItem[] = [
        { Put: { TableName: table, Item: openItem(p, meta, costs, now), ConditionExpression: 'attribute_not_exists(pk)' } },
        portfolioReserve(p.stake, maxOpen),
        {
          Put: {
            TableName: table,
            Item: { ...lockKey(meta.strategy, meta.exchange, p.symbol), positionId: p.id, side: p.side, createdAt: now },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ];
      if (event) items.push({ Put: { TableName: table, Item: eventItem(p.id, event, now), ConditionExpression: 'attribute_not_exists(pk)' } });
      const result = await transactWrite(client, items, `open position ${p.id}`, ctx.retry);
      return result.ok ? { status: 'opened' } : decide(result.reasons, command);
    },

    async refuse(position, meta, costs, now) {
      const put = { TableName: table, Item: rejectedItem(position, meta, costs, now, ctx.ttlDays), ConditionExpression: 'attribute_not_exists(pk)' };
      return (await send(client, { Put: put }, `record refused position ${position.id}`)).ok ? 'recorded' : 'exists';
    },
  };
}
