/**
 * Keys of PositionsTable (infra/tables.yml). Every id is derived from the data: the position
 * id is the signal id, the lock key the (strategy, exchange, symbol) it guards, the trade key
 * the position id, the event key the position id and the event kind.
 */
import type { PositionEventKind, StatsScope } from '../../ports/positions.js';

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export const LIST_INDEX = 'position-lists';
export const LIST_OPEN = 'open';
export const LIST_REJECTED = 'rejected';
export const LIST_QUARANTINED = 'quarantined';

export const PORTFOLIO_KEY: ItemKey = Object.freeze({ pk: 'portfolio', sk: 'paper' });

export const positionKey = (id: string): ItemKey => ({ pk: `position#${id}`, sk: 'position' });

export const eventKey = (positionId: string, kind: PositionEventKind): ItemKey => ({ pk: `position#${positionId}`, sk: `event#${kind}` });

export const lockKey = (strategy: string, exchange: string, symbol: string): ItemKey => ({
  pk: `lock#${strategy}#${exchange}#${symbol}`,
  sk: 'lock',
});

export const tradeKey = (strategy: string, positionId: string): ItemKey => ({ pk: `trades#${strategy}`, sk: positionId });

export const statsKey = (scope: StatsScope): ItemKey => ({
  pk: 'stats',
  sk: scope.kind === 'strategy' ? `strategy#${scope.strategy}` : `symbol#${scope.exchange}#${scope.symbol}`,
});

/**
 * The id of a stored row the ports carry (RowProblem.rowId): `<pk>|<sk>`. No key part
 * contains `|` (ids are built from strategy, exchange, symbol, timeframe and times).
 */
export const rowIdOf = (key: ItemKey): string => `${key.pk}|${key.sk}`;

/** The key of a row id made by rowIdOf; undefined for anything else. */
export function keyOfRowId(rowId: string): ItemKey | undefined {
  const at = rowId.indexOf('|');
  return at > 0 && at < rowId.length - 1 ? { pk: rowId.slice(0, at), sk: rowId.slice(at + 1) } : undefined;
}

/** Sort key of an open position in the `open` list: grouped by market, then id. */
export const openListSort = (exchange: string, symbol: string, timeframe: string, id: string): string => `${exchange}#${symbol}#${timeframe}#${id}`;

/** Sort key in the time-ordered lists (rejected, quarantined): zero-padded ms, then the key. */
export const timeListSort = (at: number, key: string): string => `${String(Math.max(0, Math.trunc(at))).padStart(15, '0')}#${key}`;

/** Seconds since the epoch for the TTL attribute, `days` after `now`. */
export const expiresAt = (now: number, days: number): number => Math.floor(now / 1000) + days * 86_400;
