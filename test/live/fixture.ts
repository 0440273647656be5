/**
 * The live-trading use-case tests' stack: DynamoDB Local (LiveTable) and the SQS emulator
 * (NotifyQueue) of `npm test`, the Binance simulator on 127.0.0.1 with an account, and the real
 * ccxt adapter (createCcxtTrading) pointed at it. One clock drives the use cases, the adapter's
 * request stamps and the simulator's clock, so tests move time (entry timeouts, look-up spacing)
 * without waiting.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { parseConfig } from '../../lib/config/load.js';
import type { BotConfig } from '../../lib/config/schema.js';
import { toSignal, type Signal } from '../../lib/core/signal.js';
import { createCcxtTrading } from '../../lib/exchange/trading/ccxt-trading.js';
import type { LiveDeps } from '../../lib/live/deps.js';
import { silentLog, type Log } from '../../lib/ports/log.js';
import type { LiveStore } from '../../lib/ports/live.js';
import type { TradingPort } from '../../lib/ports/trading.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { createDynamoLiveStore } from '../../lib/store/live/live-store.js';
import { createStaticRecipientResolver } from '../../lib/users/static-recipients.js';
import { testClock } from '../support/clock.js';
import { startBinanceSim, type BinanceSim, type SimFilters } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { localDocumentClient } from '../../infra/local-clients.js';

export const KEYS = Object.freeze({ apiKey: 'live-test-key', secret: 'live-test-secret' });
export const ADMIN = 777;
export const SUBSCRIBER = 42;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export interface LiveSettings {
  readonly budget?: number;
  readonly stake?: number;
  readonly maxOpenPositions?: number;
  readonly dailyLossLimit?: number;
  readonly entryTimeoutMinutes?: number;
  readonly exitOnProtectionFailure?: boolean;
}

export function liveConfig(symbols: readonly string[], sim: BinanceSim, settings: LiveSettings = {}): BotConfig {
  return parseConfig({
    exchanges: [
      {
        id: 'binance',
        symbols: [...symbols],
        timeframes: ['1h'],
        apiBase: sim.url,
        timeoutMs: 5_000,
        trading: {
          mode: 'live',
          sandbox: true,
          budget: settings.budget ?? 1000,
          stake: settings.stake ?? 50,
          maxOpenPositions: settings.maxOpenPositions ?? 20,
          dailyLossLimit: settings.dailyLossLimit ?? 500,
          entrySlippageBps: 20,
          entryTimeoutMinutes: settings.entryTimeoutMinutes ?? 15,
          stopLimitBps: 50,
          exitOnProtectionFailure: settings.exitOnProtectionFailure ?? true,
        },
      },
    ],
    strategies: [{ name: 'ema-cross' }],
    risk: { startingBalance: 1000, stakeFixed: 100, maxOpenPositions: 5, feeRate: 0.001 },
    telegram: { adminChatIds: [ADMIN] },
  });
}

export interface LiveStack {
  readonly r: TestResources;
  readonly sim: BinanceSim;
  readonly clock: ReturnType<typeof testClock>;
  readonly table: string;
  readonly config: BotConfig;
  /** Deps as one invocation gets them: its own store client and trading adapter. */
  deps(overrides?: { store?: LiveStore; trading?: TradingPort; log?: Log; remainingMs?: () => number }): Promise<LiveDeps>;
  /** A fresh adapter (its own ccxt instance), as a new Lambda container builds it. */
  trading(): Promise<TradingPort>;
  store(): LiveStore;
  close(): Promise<void>;
}

/** `prices`: the simulator's market price of each symbol (every one listed in the config). */
export async function startLiveStack(
  name: string,
  prices: Readonly<Record<string, number>>,
  settings: LiveSettings = {},
  filters: Readonly<Record<string, Partial<SimFilters>>> = {},
): Promise<LiveStack> {
  const r = await testResources(name);
  const clock = testClock(Date.now());
  const symbols = Object.keys(prices);
  const sim = await startBinanceSim({
    symbols,
    nowMs: clock.now(),
    wallClock: () => clock.now(),
    account: { ...KEYS, balances: { USDT: 100_000 } },
    filters,
  });
  for (const [symbol, price] of Object.entries(prices)) sim.setPrice(symbol, price);
  const config = liveConfig(symbols, sim, settings);
  const table = r.tables['LiveTable'];
  if (!table) throw new Error('the local stack has no LiveTable (infra/tables.yml)');
  const clients: { destroy(): void }[] = [];
  const queue = createSqsNotificationQueue({ client: r.sqs, queueUrl: r.queues['NotifyQueue']! });
  const stack: LiveStack = {
    r,
    sim,
    clock,
    table,
    config,
    store() {
      const client = localDocumentClient(r.ddbEndpoint);
      clients.push(client);
      return createDynamoLiveStore({ client, table });
    },
    // No client-side rate limiter: it spaces requests on the wall clock (~90–175 ms each), which made one
    // reconcile run over 32 markets take ~8 s of waiting; the simulator's weight window (on the test clock) stays the limit.
    trading: () => createCcxtTrading({ exchange: 'binance', keys: KEYS, sandbox: true, apiBase: sim.url, timeoutMs: 5_000, clock, rateLimit: false }),
    async deps(overrides = {}) {
      const trading = overrides.trading ?? (await stack.trading());
      return {
        store: overrides.store ?? stack.store(),
        trading: async () => trading,
        config,
        clock,
        log: overrides.log ?? silentLog,
        queue,
        recipients: createStaticRecipientResolver([SUBSCRIBER]),
        remainingMs: overrides.remainingMs ?? (() => 60_000),
        sleep: async () => {},
      };
    },
    async close() {
      for (const c of clients) c.destroy();
      await sim.close();
      r.close();
    },
  };
  return stack;
}

/** A long signal at `entry` on the 1h candle before the clock's hour (stop −3 %, target +6 %). */
export function liveSignal(symbol: string, entry: number, candleTime: number, side: 'long' | 'short' = 'long'): Signal {
  return toSignal(
    { strategy: 'ema-cross', exchange: 'binance', symbol, timeframe: '1h' },
    {
      side,
      index: 99,
      candleTime,
      entry,
      stop: side === 'long' ? entry * 0.97 : entry * 1.03,
      target: side === 'long' ? entry * 1.06 : entry * 0.94,
      indicators: { atr: entry * 0.01 },
    },
  );
}

/** The raw budget row. */
export async function budgetRow(stack: LiveStack): Promise<Record<string, number>> {
  const out = await stack.r.doc.send(new GetCommand({ TableName: stack.table, Key: { pk: 'budget#binance', sk: 'budget' } }));
  if (!out.Item) throw new Error('no budget row');
  return out.Item as Record<string, number>;
}

/** (available + reserved + invested) − (start + realised − fees): 0 on a conserved budget. */
export const drift = (b: Record<string, number>): number => b['available']! + b['reserved']! + b['invested']! - (b['start']! + b['realised']! - b['fees']!);

/** The hour candle before `now`. */
export const candleBefore = (now: number): number => Math.floor(now / HOUR) * HOUR - HOUR;
