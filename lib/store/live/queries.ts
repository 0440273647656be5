/**
 * The bounded lists of LiveTable, each a Query of the sparse GSI `live-lists` (never a Scan):
 * orders in flight (oldest first), final orders (newest first) and positions not closed, per
 * exchange. A row that fails validation is reported apart (corrupt), never fixed or dropped silently.
 */
import type { z } from 'zod';
import type { LiveList, LiveStore } from '../../ports/live.js';
import { queryItems } from '../dynamo/read.js';
import { rowProblem } from '../positions/rows.js';
import type { LiveStoreContext } from './context.js';
import { doneList, inFlightList, LIVE_LIST_INDEX, positionsList } from './keys.js';
import { orderRowSchema, toOrder } from './order-rows.js';
import { positionRowSchema, toPosition } from './position-rows.js';
import { decode } from './read.js';

const PAGE = 100;
/** The most rows one list call returns. */
export const MAX_LIST = 1000;

type QueryOps = Pick<LiveStore, 'listInFlightOrders' | 'listRecentOrders' | 'listOpenPositions'>;

export function createQueryOps(ctx: LiveStoreContext): QueryOps {
  async function list<S extends z.ZodType, T>(listKey: string, limit: number, newestFirst: boolean, schema: S, convert: (row: z.output<S>) => T, expect: (value: T) => boolean, what: string): Promise<LiveList<T>> {
    const max = Math.max(1, Math.min(MAX_LIST, Math.trunc(limit)));
    const input = {
      TableName: ctx.table,
      IndexName: LIVE_LIST_INDEX,
      KeyConditionExpression: 'listKey = :k',
      ExpressionAttributeValues: { ':k': listKey },
      ScanIndexForward: !newestFirst,
    };
    const { items, next } = await queryItems(ctx.client, input, max, PAGE, what);
    const out: LiveList<T> = { items: [], corrupt: [], truncated: next !== undefined };
    for (const item of items) {
      const read = decode(item, schema, convert);
      if (!read.ok) out.corrupt.push(read.problem);
      else if (!expect(read.value)) out.corrupt.push(rowProblem(item, `listed in ${listKey} but its status does not belong there`));
      else out.items.push(read.value);
    }
    return out;
  }

  return {
    listInFlightOrders: (exchange, limit) => list(inFlightList(exchange), limit, false, orderRowSchema, toOrder, (o) => o.exchange === exchange, `list live orders in flight on ${exchange}`),
    listRecentOrders: (exchange, limit) => list(doneList(exchange), limit, true, orderRowSchema, toOrder, (o) => o.exchange === exchange, `list recent live orders on ${exchange}`),
    listOpenPositions: (exchange, limit) =>
      list(positionsList(exchange), limit, false, positionRowSchema, toPosition, (p) => p.exchange === exchange && p.status !== 'closed', `list live positions on ${exchange}`),
  };
}
