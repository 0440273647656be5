/** Shared helpers of the live store tests (DynamoDB Local via testResources). */
import assert from 'node:assert/strict';
import { clientOrderId } from '../../../lib/core/live/client-order-id.js';
import { conservationDrift } from '../../../lib/core/live/live-ledger.js';
import type { IntentCommand, IntentLimits, LiveBudget, LiveStore, OrderFills } from '../../../lib/ports/live.js';
import type { RetryPolicy } from '../../../lib/store/dynamo/transact.js';
import { createDynamoLiveStore } from '../../../lib/store/live/live-store.js';
import type { TestResources } from '../../support/local-aws.js';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
/** A fixed clock in the past (the tables have TTL off in tests). */
export const T0 = Date.UTC(2026, 0, 5, 10);

export const LIMITS: IntentLimits = Object.freeze({ maxOpenPositions: 5, maxStake: 20, dailyLossLimit: 30 });

/** Retries sized for a few dozen concurrent transactions on one budget row. */
export const CONTENDED: Partial<RetryPolicy> = { attempts: 30, baseMs: 5, capMs: 200 };

export function liveStore(r: TestResources, retry: Partial<RetryPolicy> = CONTENDED): LiveStore {
  const table = r.tables['LiveTable'];
  assert.ok(table, 'infra/tables.yml has LiveTable');
  return createDynamoLiveStore({ client: r.doc, table, retry });
}

export interface IntentSpec {
  readonly exchange: string;
  readonly symbol?: string;
  readonly at?: number;
  readonly stake?: number;
  readonly price?: number;
  readonly limits?: Partial<IntentLimits>;
  readonly now?: number;
}

/** The entry intent of the signal of `symbol` at candle `at` (ids derived like the opener's). */
export function intent(spec: IntentSpec): IntentCommand {
  const symbol = spec.symbol ?? 'BTC/USDT';
  const at = spec.at ?? T0;
  const price = spec.price ?? 100;
  const stake = spec.stake ?? 20;
  const positionId = `ema-cross:${spec.exchange}:${symbol}:1h:${at}`;
  const now = spec.now ?? at + HOUR;
  return {
    order: { clientOrderId: clientOrderId(positionId, 'entry'), type: 'limit', amount: Math.floor((stake / price) * 1e5) / 1e5, price, stake, deadline: now + 15 * MINUTE },
    position: {
      positionId,
      signalId: positionId,
      exchange: spec.exchange,
      symbol,
      strategy: 'ema-cross',
      timeframe: '1h',
      ruleEntry: price,
      ruleStop: price * 0.97,
      ruleTarget: price * 1.06,
      recipients: [42],
    },
    limits: { ...LIMITS, ...spec.limits },
    now,
  };
}

export const noFills: OrderFills = Object.freeze({ filled: 0, cost: 0, fee: 0, feeFromBase: 0, baseFee: 0, tradeIds: [] });

/** Reads the budget and checks available + reserved + invested = start + realised − fees to 1e-9. */
export async function conserved(store: LiveStore, exchange: string): Promise<LiveBudget> {
  const read = await store.getBudget(exchange);
  assert.ok(read?.ok, `budget of ${exchange}: ${JSON.stringify(read)}`);
  const b = read.value;
  assert.ok(Math.abs(conservationDrift(b)) <= 1e-9, `not conserved: ${JSON.stringify(b)}`);
  assert.ok(b.reserved >= 0 && b.invested >= 0 && b.openCount >= 0, JSON.stringify(b));
  return b;
}

/** A unique exchange id per test: each test has its own budget, locks and day rows in the shared table. */
let n = 0;
export const exchangeId = (name: string): string => `${name}${++n}`;
