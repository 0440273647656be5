/** Shared helpers of the paper-trading tests (DynamoDB Local via testResources). */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { parseConfig } from '../../lib/config/load.js';
import type { BotConfig } from '../../lib/config/schema.js';
import type { Bar } from '../../lib/core/positions/index.js';
import { toSignal, type Signal } from '../../lib/core/signal.js';
import { createPositionOpener } from '../../lib/portfolio/open-from-signal.js';
import type { Clock } from '../../lib/ports/clock.js';
import { silentLog, type Log } from '../../lib/ports/log.js';
import type { PositionOpener, PositionStore } from '../../lib/ports/positions.js';
import { createDynamoPositionStore } from '../../lib/store/positions/position-store.js';
import type { RetryPolicy } from '../../lib/store/dynamo/transact.js';
import { createStaticRecipientResolver } from '../../lib/users/static-recipients.js';
import type { TestResources } from '../support/local-aws.js';

export const HOUR = 3_600_000;
/** A 1h candle open time well in the past of the tests' clocks. */
export const T0 = Date.UTC(2026, 0, 5, 10);

export interface SignalSpec {
  readonly symbol?: string;
  readonly strategy?: string;
  readonly exchange?: string;
  readonly candleTime?: number;
  readonly side?: 'long' | 'short';
  readonly entry?: number;
  readonly stop?: number;
  readonly target?: number;
  /** The signal candle (its time must be candleTime); absent like an old signal row. */
  readonly bar?: Bar;
}

export function positionSignal(spec: SignalSpec = {}): Signal {
  const side = spec.side ?? 'long';
  const entry = spec.entry ?? 100;
  return toSignal(
    { strategy: spec.strategy ?? 'ema-cross', exchange: spec.exchange ?? 'binance', symbol: spec.symbol ?? 'BTC/USDT', timeframe: '1h' },
    {
      side,
      index: 99,
      candleTime: spec.candleTime ?? T0,
      entry,
      stop: spec.stop ?? (side === 'long' ? entry * 0.97 : entry * 1.03),
      target: spec.target ?? (side === 'long' ? entry * 1.06 : entry * 0.94),
      indicators: { atr: 2 },
    },
    spec.bar,
  );
}

export function botConfig(risk: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): BotConfig {
  return parseConfig({
    exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }],
    strategies: [{ name: 'ema-cross' }],
    risk: { startingBalance: 1000, stakeFixed: 100, maxOpenPositions: 5, feeRate: 0.001, ...risk },
    ...extra,
  });
}

export const noSleep: Partial<RetryPolicy> = { sleep: async () => {} };

export function storeFor(r: TestResources, retry: Partial<RetryPolicy> = noSleep, client = r.doc): PositionStore {
  return createDynamoPositionStore({ client, table: r.tables.PositionsTable!, ttlDays: 90, retry });
}

export function openerFor(store: PositionStore, config: BotConfig, clock: Clock, recipients: readonly number[] = [], log: Log = silentLog): PositionOpener {
  return createPositionOpener({ store, config, clock, log, recipients: fixedChats(recipients) });
}

/** Fixed notification recipients (what the runtimes use without a users table). */
export const fixedChats = (chatIds: readonly number[]) => createStaticRecipientResolver(chatIds);

export async function getItem(r: TestResources, pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  return (await r.doc.send(new GetCommand({ TableName: r.tables.PositionsTable!, Key: { pk, sk }, ConsistentRead: true }))).Item;
}

export interface PortfolioItem {
  readonly start: number;
  readonly available: number;
  readonly reserved: number;
  readonly openCount: number;
  readonly closedCount: number;
  readonly realisedGross: number;
  readonly fees: number;
}

/** The raw portfolio item (read consistently). */
export async function portfolioItem(r: TestResources): Promise<PortfolioItem> {
  const item = await getItem(r, 'portfolio', 'paper');
  if (!item) throw new Error('no portfolio item');
  return item as unknown as PortfolioItem;
}

/** Every item of one partition (Query on the key). */
export async function partition(r: TestResources, pk: string): Promise<Record<string, unknown>[]> {
  return (await r.doc.send(new QueryCommand({ TableName: r.tables.PositionsTable!, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true })))
    .Items ?? [];
}

/** A recording logger. */
export function recordingLog(): Log & { lines: { level: string; message: string; extra?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) => void lines.push({ level, message, ...(extra ? { extra } : {}) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
