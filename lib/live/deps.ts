/**
 * What the live-trading use cases (lib/live/: the opener, reconcile, panic) need, wired by the
 * runtime (lib/runtime/): the live store, one trading adapter per exchange (built lazily, so a
 * run that touches no live exchange reads no key), the frozen config, a clock, the log, the
 * notification queue (order/fill/refusal messages and admin alerts) and the recipients of
 * signal-less messages. `remainingMs` bounds a run by the invocation's time left.
 */
import type { BotConfig, ExchangeConfig } from '../config/schema.js';
import { liveTradingOf, quoteCurrencyOf, type LiveTradingConfig } from '../config/trading-schema.js';
import { PermanentError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ExchangePort } from '../ports/exchange.js';
import type { LiveStore } from '../ports/live.js';
import type { Log } from '../ports/log.js';
import type { NotificationQueue } from '../ports/queue.js';
import type { TradingPort } from '../ports/trading.js';
import type { RecipientResolver } from '../ports/users.js';
import type { Sleep } from '../retry.js';
import type { StrategyOf } from '../portfolio/exit-rule.js';

export interface LiveDeps {
  readonly store: LiveStore;
  /** The adapter of one exchange, built lazily by the runtime (keys read on first use). */
  readonly trading: (exchange: string) => Promise<TradingPort>;
  readonly config: BotConfig;
  readonly clock: Clock;
  readonly log: Log;
  /** Order, fill and refusal messages, and admin alerts. */
  readonly queue: NotificationQueue;
  readonly recipients: RecipientResolver;
  /** Milliseconds left in the invocation: reconcile starts no new item below its reserve. */
  readonly remainingMs: () => number;
  /** Waits between bounded look-ups (default: real timers). */
  readonly sleep?: Sleep;
  /**
   * The market data of an exchange (the scan's public candles port): reconcile reads the closed
   * candles of a position whose strategy has an exit rule (./rule-exit.ts). Absent: no run may
   * need it (the opener, panic); reconcile's wiring always gives it.
   */
  readonly candles?: (exchange: ExchangeConfig) => Promise<ExchangePort>;
  /** Where a strategy comes from by its config name (default: the registry; tests inject their own). */
  readonly strategyOf?: StrategyOf;
}

/** One live exchange as the use cases see it: its config entry, live settings and quote currency. */
export interface LiveExchange {
  readonly id: string;
  readonly config: ExchangeConfig;
  readonly trading: LiveTradingConfig;
  readonly quote: string;
  readonly venue: 'live' | 'testnet';
}

/** The live exchange `id` of the config, or undefined when it is absent or trades on paper. */
export function findLiveExchange(config: BotConfig, id: string): LiveExchange | undefined {
  const entry = config.exchanges.find((e) => e.id === id);
  const trading = entry ? liveTradingOf(entry) : undefined;
  if (!entry || !trading) return undefined;
  return Object.freeze({ id, config: entry, trading, quote: quoteCurrencyOf(entry), venue: trading.sandbox ? 'testnet' : 'live' });
}

/** Like findLiveExchange, but a PermanentError (LIVE_NOT_CONFIGURED) when the exchange does not trade live. */
export function liveExchange(config: BotConfig, id: string): LiveExchange {
  const found = findLiveExchange(config, id);
  if (!found) throw new PermanentError(`exchange ${id} does not trade live in this config (trading.mode is not live, or the exchange is not listed)`, { code: 'LIVE_NOT_CONFIGURED' });
  return found;
}

/** Every live exchange of the config, in config order. */
export function liveExchangesOf(config: BotConfig): LiveExchange[] {
  return config.exchanges.flatMap((e) => {
    const found = findLiveExchange(config, e.id);
    return found ? [found] : [];
  });
}
