/**
 * The live-trading adapters (issue 15) the functions that trade share — scan (entry orders of
 * live signals) and reconcile: the live store over LIVE_TABLE, the exchange keys
 * (lib/runtime/exchange-keys.ts) and one ccxt trading adapter per live exchange, built lazily on
 * first use (a run that touches no live exchange reads no key and builds no client) and rebuilt
 * after KEYS_MAX_AGE_MS so that rotated keys are picked up without a redeploy. The use cases get
 * them as LiveDeps (lib/live/deps.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BotConfig } from '../config/schema.js';
import { liveExchanges } from '../config/trading-schema.js';
import { ConfigError } from '../errors.js';
import { createCcxtTrading } from '../exchange/trading/ccxt-trading.js';
import { liveExchange, type LiveDeps } from '../live/deps.js';
import type { Clock } from '../ports/clock.js';
import type { LiveStore } from '../ports/live.js';
import type { TradingPort } from '../ports/trading.js';
import { createDynamoLiveStore } from '../store/live/live-store.js';
import type { AwsEnv } from './adapters.js';
import { exchangeKeysSource, type ExchangeKeysEnv } from './exchange-keys.js';

/** A trading adapter (and the keys it was built with) is rebuilt after this long: the secret cache's age (lib/aws/secrets.ts). */
export const KEYS_MAX_AGE_MS = 300_000;

/** The live environment of a trading function (lib/config/env.ts liveEnvShape). */
export interface LiveEnv extends AwsEnv {
  readonly LIVE_TABLE?: string | undefined;
  readonly EXCHANGE_SECRET_PREFIX?: string | undefined;
  readonly CANDLEBOT_SECRETS_ENDPOINT?: string | undefined;
}

/** Ids of the config's live exchanges (empty: a paper-only config, nothing below is built). */
export const liveExchangeIds = (config: BotConfig): string[] => liveExchanges(config).map((e) => e.id);

export interface LiveWiring {
  readonly store: LiveStore;
  /** The trading adapter of a live exchange (the invocation's clock is used when the adapter is built). */
  trading(clock: Clock): (exchange: string) => Promise<TradingPort>;
}

/** Builds the live store and the lazy trading adapters; LIVE_TABLE is required once the config has a live exchange. */
export function createLiveWiring(options: {
  readonly ddb: DynamoDBDocumentClient;
  readonly env: LiveEnv;
  /** The whole process environment: the local key variables CANDLEBOT_<ID>_API_KEY / _SECRET are read from it by name. */
  readonly processEnv: NodeJS.ProcessEnv;
  readonly config: BotConfig;
  readonly what: string;
}): LiveWiring {
  const { ddb, env, config } = options;
  if (env.LIVE_TABLE === undefined) {
    throw new ConfigError(`invalid environment: LIVE_TABLE is required by the ${options.what} function: exchange ${liveExchangeIds(config).join(', ')} trades live (trading.mode: live)`, {
      code: 'INVALID_ENV',
    });
  }
  const store = createDynamoLiveStore({ client: ddb, table: env.LIVE_TABLE });
  const keys = exchangeKeysSource({ ...options.processEnv, ...env } as ExchangeKeysEnv);
  const adapters = new Map<string, { readonly at: number; readonly adapter: Promise<TradingPort> }>();
  return Object.freeze({
    store,
    trading: (clock: Clock) => (exchange: string) => {
      const cached = adapters.get(exchange);
      if (cached && clock.now() - cached.at < KEYS_MAX_AGE_MS) return cached.adapter;
      const live = liveExchange(config, exchange);
      const adapter = keys
        .keys(exchange)
        .then((k) => createCcxtTrading({ exchange, keys: k, sandbox: live.trading.sandbox, apiBase: live.config.apiBase, timeoutMs: live.config.timeoutMs, clock }));
      // A failed build is forgotten: the next use tries again (and its error reaches this caller).
      adapter.catch(() => {
        if (adapters.get(exchange)?.adapter === adapter) adapters.delete(exchange);
      });
      adapters.set(exchange, { at: clock.now(), adapter });
      return adapter;
    },
  });
}

/** LiveDeps for one invocation. */
export function liveDepsFor(wiring: LiveWiring, parts: Omit<LiveDeps, 'store' | 'trading'>): LiveDeps {
  return { ...parts, store: wiring.store, trading: wiring.trading(parts.clock) };
}
