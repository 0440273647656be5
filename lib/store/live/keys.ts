/**
 * Keys of LiveTable (infra/tables.yml). Every id is derived from the data: the order key is its
 * client order id (lib/core/live/client-order-id.ts), the position key the signal id, the lock
 * and cooldown keys the market, the day key the UTC day.
 */
import type { ItemKey } from '../positions/keys.js';

export type { ItemKey } from '../positions/keys.js';
export { expiresAt, keyOfRowId, rowIdOf } from '../positions/keys.js';

export const LIVE_LIST_INDEX = 'live-lists';

/** Day rows live a week: the daily loss limit reads today's only. */
export const DAY_TTL_DAYS = 7;

export const budgetKey = (exchange: string): ItemKey => ({ pk: `budget#${exchange}`, sk: 'budget' });
export const orderKey = (clientOrderId: string): ItemKey => ({ pk: `order#${clientOrderId}`, sk: 'order' });
export const positionKey = (positionId: string): ItemKey => ({ pk: `position#${positionId}`, sk: 'position' });
export const lockKey = (exchange: string, symbol: string): ItemKey => ({ pk: `lock#${exchange}#${symbol}`, sk: 'lock' });
export const dayKey = (exchange: string, day: string): ItemKey => ({ pk: `day#${exchange}#${day}`, sk: 'day' });
export const cooldownKey = (exchange: string, symbol: string): ItemKey => ({ pk: `cooldown#${exchange}#${symbol}`, sk: 'cooldown' });

/** listKey of the orders not final (reconcile), of the final ones (/orders), of the positions not closed. */
export const inFlightList = (exchange: string): string => `orders#${exchange}`;
export const doneList = (exchange: string): string => `done#${exchange}`;
export const positionsList = (exchange: string): string => `positions#${exchange}`;

/** Sort key in a time-ordered list: zero-padded ms, then the id. */
export const timeSort = (at: number, id: string): string => `${String(Math.max(0, Math.trunc(at))).padStart(15, '0')}#${id}`;

/** Sort key of a position in its list: by market, then id. */
export const positionSort = (symbol: string, positionId: string): string => `${symbol}#${positionId}`;
