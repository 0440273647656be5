/**
 * Reads of PositionsTable (GetItem, or Query on the key or the `position-lists` index — never
 * a Scan), plus the small writes that go with them: saving a still-open position's progress
 * or mark, and quarantining a row that failed validation.
 */
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { PermanentError } from '../../errors.js';
import type { PositionLedger, PositionMark, PositionQueries, RowProblem, StoredOpenPosition } from '../../ports/positions.js';
import type { PositionStoreContext } from './context.js';
import { Expr } from '../dynamo/expr.js';
import { getItem, queryItems } from '../dynamo/read.js';
import { send } from '../dynamo/send.js';
import { keyOfRowId, LIST_INDEX, LIST_OPEN, LIST_QUARANTINED, LIST_REJECTED, positionKey, statsKey, timeListSort } from './keys.js';
import { positionRowSchema, readRow, rowProblem, toStoredOpen, toStoredPosition } from './rows.js';
import { statsRowSchema, toStats } from './portfolio-rows.js';
import { toTrade, tradeRowSchema } from './trade-rows.js';

const PAGE = 100;

const markFields = (mark: PositionMark) => ({ markPrice: mark.price, markedAt: mark.at, unrealisedPnl: mark.unrealisedPnl });

type QueryOps = PositionQueries & Pick<PositionLedger, 'saveProgress' | 'saveMark' | 'quarantine'>;

export function createQueryOps(ctx: PositionStoreContext): QueryOps {
  const { client, table } = ctx;

  /** Up to `limit` items of a Query, page by page; `truncated` when more remain. */
  async function query(input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>, limit: number, what: string) {
    const { items, next } = await queryItems(client, { ...input, TableName: table }, limit, PAGE, what);
    return { items, truncated: next !== undefined };
  }

  /** One conditional UpdateItem on a position row; false when its condition failed. */
  async function conditionalUpdate(id: string, UpdateExpression: string, ConditionExpression: string, e: Expr, what: string): Promise<boolean> {
    return (await send(client, { Update: { TableName: table, Key: positionKey(id), UpdateExpression, ConditionExpression, ...e.parts() } }, what)).ok;
  }

  const listQuery = (listKey: string) => ({ IndexName: LIST_INDEX, KeyConditionExpression: 'listKey = :k', ExpressionAttributeValues: { ':k': listKey } });

  return {
    async getPosition(id) {
      const item = await getItem(client, { TableName: table, Key: positionKey(id), ConsistentRead: true }, `read position ${id}`);
      if (!item) return undefined;
      if (item['listKey'] === LIST_QUARANTINED) return { ok: false, problem: rowProblem(item, `quarantined: ${String(item['quarantineReason'])}`) };
      const read = readRow(positionRowSchema, item);
      return read.ok ? { ok: true, value: toStoredPosition(read.value) } : read;
    },

    async listOpen(limit) {
      const { items, truncated } = await query(listQuery(LIST_OPEN), limit, 'list open positions');
      const positions: StoredOpenPosition[] = [];
      const corrupt: RowProblem[] = [];
      for (const item of items) {
        const read = readRow(positionRowSchema, item);
        if (!read.ok) corrupt.push(read.problem);
        else if (read.value.status !== 'open') corrupt.push(rowProblem(item, `listed as open but its status is ${read.value.status}`));
        else positions.push(toStoredOpen(read.value));
      }
      return { positions, corrupt, truncated };
    },

    async listRejected(limit) {
      const { items } = await query(listQuery(LIST_REJECTED), limit, 'list refused positions');
      const row = z.object({ id: z.string(), reason: z.string() });
      return items.flatMap((item) => {
        const r = row.safeParse(item);
        return r.success ? [{ positionId: r.data.id, reason: r.data.reason }] : [];
      });
    },

    async listQuarantined(limit) {
      const { items } = await query(listQuery(LIST_QUARANTINED), limit, 'list quarantined rows');
      return items.map((item) => rowProblem(item, String(item['quarantineReason'])));
    },

    async listTrades(strategy, limit) {
      const { items } = await query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `trades#${strategy}` } }, limit, `list trades of ${strategy}`);
      const trades = [];
      const corrupt: RowProblem[] = [];
      for (const item of items) {
        const read = readRow(tradeRowSchema, item);
        if (read.ok) trades.push(toTrade(read.value));
        else corrupt.push(read.problem);
      }
      return { trades, corrupt };
    },

    async getStats(scope) {
      const item = await getItem(client, { TableName: table, Key: statsKey(scope), ConsistentRead: true }, `read stats ${statsKey(scope).sk}`);
      if (!item) return undefined;
      const read = readRow(statsRowSchema, item);
      return read.ok ? { ok: true, value: toStats(read.value) } : read;
    },

    async saveProgress(stored, next, lastChecked, mark, now) {
      const e = new Expr();
      const sets = e.sets({ stop: next.stop, best: next.best, bars: next.bars, lastChecked, ...markFields(mark), version: stored.version + 1 });
      return conditionalUpdate(next.id, `SET ${sets.join(', ')}`, `${e.n('status')} = ${e.v('open')} AND ${e.n('version')} = ${e.v(stored.version)}`, e, `save progress of ${next.id}`);
    },

    async saveMark(stored, mark) {
      // No version change: a mark decides nothing, so it never makes a close, a progress or a reversal retry.
      const e = new Expr();
      const markedAt = e.n('markedAt');
      const condition = `${e.n('status')} = ${e.v('open')} AND (attribute_not_exists(${markedAt}) OR ${markedAt} <= ${e.v(mark.at)})`;
      return conditionalUpdate(stored.position.id, `SET ${e.sets(markFields(mark)).join(', ')}`, condition, e, `save mark of ${stored.position.id}`);
    },

    async quarantine(problem, now) {
      const key = keyOfRowId(problem.rowId);
      if (key === undefined) throw new PermanentError(`quarantine: ${problem.rowId} is not a row id of this store`, { code: 'UNEXPECTED' });
      const e = new Expr();
      const listKey = e.n('listKey');
      const sets = [
        `${e.n('quarantinedFrom')} = if_not_exists(${listKey}, ${e.v('none')})`,
        ...e.sets({ quarantineReason: problem.reason, quarantinedAt: now }),
        `${listKey} = ${e.v(LIST_QUARANTINED)}`,
        `${e.n('listSort')} = ${e.v(timeListSort(now, problem.rowId))}`,
      ];
      const update = {
        TableName: table,
        Key: { ...key },
        // Only the list attributes change (and the event outbox marker, so it is not re-listed); the row's data stays as found.
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${e.n('outbox')}`,
        ConditionExpression: `attribute_exists(${e.n('pk')}) AND (attribute_not_exists(${listKey}) OR ${listKey} <> ${e.v(LIST_QUARANTINED)})`,
        ...e.parts(),
      };
      return (await send(client, { Update: update }, `quarantine ${key.pk}`)).ok;
    },
  };
}
