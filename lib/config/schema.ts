import { z } from 'zod';
import { getStrategy, strategyRegistry } from '../core/strategies/index.js';
import { TIMEFRAMES, timeframeSchema, type Timeframe } from '../core/timeframe.js';
import { normalizeApiBase } from '../exchange/api-base.js';
import { CCXT_EXCHANGE_IDS } from './ccxt-exchange-ids.js';
import { CCXT_TIMEFRAMES } from './ccxt-timeframes.js';
import { closestWord } from './suggest.js';
import { riskSchema } from './risk-schema.js';
import { checkBracketParams, checkHigherTimeframes } from './strategy-checks.js';
import { checkExchangeTrading, tradingSchema } from './trading-schema.js';

/** An array whose items must be distinct; a repeat is reported at its own index. */
function distinct<T extends z.ZodType>(item: T, show: (value: z.output<T>) => string = (v) => JSON.stringify(v)) {
  return z.array(item).superRefine((items, ctx) => {
    const first = new Map<unknown, number>();
    items.forEach((value, i) => {
      const j = first.get(value);
      if (j === undefined) first.set(value, i);
      else ctx.addIssue({ code: 'custom', path: [i], message: `${show(value)} is listed twice (also at [${j}])` });
    });
  });
}

/** A ccxt exchange id, checked against ccxt's list (static copy, see ccxt-exchange-ids.ts). */
const exchangeIdSchema = z.string().superRefine((id, ctx) => {
  if (CCXT_EXCHANGE_IDS.includes(id)) return;
  const suggestion = closestWord(id.toLowerCase(), CCXT_EXCHANGE_IDS);
  ctx.addIssue({
    code: 'custom',
    message:
      `unknown exchange ${JSON.stringify(id)} (not a ccxt exchange id)` +
      (suggestion ? `; did you mean ${JSON.stringify(suggestion)}?` : `; ccxt ids are lower case, e.g. "binance", "bybit", "okx"`),
  });
});

/** `BASE/QUOTE` as ccxt writes spot symbols, e.g. `BTC/USDT`. */
const symbolSchema = z
  .string()
  .regex(/^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}$/, 'expected a spot symbol like "BTC/USDT" (upper case BASE/QUOTE)');

const exchangeSchema = z
  .object({
    /** ccxt exchange id: binance, bybit, phemex, … (a deployment also needs it bundled: lib/config/deploy.ts). */
    id: exchangeIdSchema,
    symbols: distinct(symbolSchema).min(1).max(500),
    timeframes: distinct(timeframeSchema).min(1),
    /** Optional base URL replacing the exchange's API host (simulators, proxies); checked as the adapter will use it. */
    apiBase: z
      .string()
      .superRefine((url, ctx) => {
        try {
          normalizeApiBase(url);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
        }
      })
      .optional(),
    /** HTTP timeout of one exchange request. */
    timeoutMs: z.int().min(500).max(60_000).default(10_000),
    /**
     * Paper (default) or live trading on this exchange (lib/config/trading-schema.ts, README "Live trading").
     * A parsed config always has it ({ mode: 'paper' } when absent); typed optional so configs built in
     * code (replay) need not spell it: read it with tradingOf(exchange).
     */
    trading: tradingSchema.optional(),
  })
  .strict()
  .superRefine((exchange, ctx) => {
    checkExchangeTrading(exchange, ctx);
    // Candles the exchange cannot serve would fail every scan of that timeframe (and trip the
    // exchange's breaker for all of them). Only for ids and timeframes valid on their own.
    if (!Object.hasOwn(CCXT_TIMEFRAMES, exchange.id)) return;
    const offered = CCXT_TIMEFRAMES[exchange.id]!.split(' ').filter(Boolean);
    if (offered.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: `ccxt's ${exchange.id} has no candle (OHLCV) API, so it cannot be scanned` });
      return;
    }
    (Array.isArray(exchange.timeframes) ? exchange.timeframes : []).forEach((tf, i) => {
      if ((TIMEFRAMES as readonly string[]).includes(tf) && !offered.includes(tf)) {
        ctx.addIssue({ code: 'custom', path: ['timeframes', i], message: `${exchange.id} does not offer ${tf} candles (it offers: ${offered.join(' ')})` });
      }
    });
  });

const registeredStrategyNames = Object.keys(strategyRegistry) as [string, ...string[]];

const strategyEntrySchema = z
  .object({
    name: z.enum(registeredStrategyNames),
    /** Timeframes this strategy runs on; default: every timeframe of every exchange. */
    timeframes: distinct(timeframeSchema).min(1).optional(),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .transform((entry, ctx) => {
    const strategy = strategyRegistry[entry.name]!;
    const parsed = strategy.params.safeParse(entry.params);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: ['params', ...issue.path.map(String)] });
      }
      return z.NEVER;
    }
    if (!checkBracketParams(parsed.data as Record<string, unknown>, ctx)) return z.NEVER;
    return {
      name: entry.name,
      timeframes: entry.timeframes,
      params: Object.freeze(parsed.data) as Readonly<Record<string, unknown>>,
      warmup: strategy.warmup(parsed.data),
    };
  });

export const configSchema = z
  .object({
    exchanges: z.array(exchangeSchema).min(1),
    strategies: z.array(strategyEntrySchema).min(1),
    scan: z
      .object({
        /** Symbols fetched at once per exchange (ccxt's rate limiter still spaces requests). */
        concurrency: z.int().min(1).max(32).default(8),
        /** Closed candles fetched per symbol; must cover every strategy's warm-up. */
        candles: z.int().min(20).max(1000).default(200),
        /** Stop starting new symbols when the invocation has less time left than this. */
        reserveMs: z.int().min(1000).max(60_000).default(10_000),
      })
      .strict()
      .default({ concurrency: 8, candles: 200, reserveMs: 10_000 }),
    signals: z
      .object({
        /** Signal rows expire (DynamoDB TTL) after this many days. */
        ttlDays: z.int().min(1).max(3650).default(90),
      })
      .strict()
      .default({ ttlDays: 90 }),
    markets: z
      .object({ cacheHours: z.number().min(1 / 60, 'must be at least 1/60 (one minute)').max(168).default(24) })
      .strict()
      .default({ cacheHours: 24 }),
    breaker: z
      .object({
        /** Consecutive failed scans of an exchange before its circuit opens. */
        failureThreshold: z.int().min(1).max(100).default(3),
        /** How long an open circuit skips the exchange before one trial scan. */
        cooldownSeconds: z.int().min(10).max(86_400).default(300),
      })
      .strict()
      .default({ failureThreshold: 3, cooldownSeconds: 300 }),
    risk: riskSchema,
    /** Deployed alarms (README "Alerts"): besides the admin chats, optionally an e-mail address subscribed to the alerts topic. */
    alerts: z
      .object({
        email: z.email({ error: 'must be an e-mail address (AWS mails it a confirmation link)' }).max(254).optional(),
      })
      .strict()
      .default({}),
    telegram: z
      .object({
        /** Chats that may run the admin commands (/pause, /resume, /stats). */
        adminChatIds: distinct(z.int(), String).max(50).default([]),
        parseMode: z.enum(['HTML']).default('HTML'),
        /** Delivery limits, enforced across concurrent notify invocations (DynamoDB). */
        delivery: z
          .object({
            /** At most one message per chat per this many ms (Telegram: ~1/s per chat). */
            perChatIntervalMs: z.int().min(100).max(60_000).default(1000),
            /** At most this many messages per second overall (Telegram: ~30/s). */
            globalPerSecond: z.int().min(1).max(30).default(25),
            /** Attach a candlestick chart to signal and close messages. */
            charts: z.boolean().default(true),
            /** Candles shown on a chart. */
            chartCandles: z.int().min(20).max(300).default(150),
          })
          .strict()
          .default({ perChatIntervalMs: 1000, globalPerSecond: 25, charts: true, chartCandles: 150 }),
        /** Per-chat command rate limit: a token bucket of `burst` refilled at `perMinute`. */
        commands: z
          .object({
            perMinute: z.int().min(1).max(600).default(20),
            burst: z.int().min(1).max(100).default(5),
          })
          .strict()
          .default({ perMinute: 20, burst: 5 }),
        /** Upper bound of subscriptions one chat may hold. */
        maxSubscriptionsPerChat: z.int().min(1).max(500).default(100),
      })
      .strict()
      .default({
        adminChatIds: [],
        parseMode: 'HTML',
        delivery: { perChatIntervalMs: 1000, globalPerSecond: 25, charts: true, chartCandles: 150 },
        commands: { perMinute: 20, burst: 5 },
        maxSubscriptionsPerChat: 100,
      }),
  })
  .strict()
  .superRefine((config, ctx) => {
    const allTimeframes = new Set(config.exchanges.flatMap((e) => e.timeframes));
    config.strategies.forEach((s, i) => {
      if (s.warmup + 1 > config.scan.candles) {
        ctx.addIssue({
          code: 'custom',
          path: ['scan', 'candles'],
          message: `must be at least ${s.warmup + 1} for strategy "${s.name}" (strategies[${i}]) to have its warm-up`,
        });
      }
      checkHigherTimeframes(getStrategy(s.name), s, i, [...allTimeframes], ctx);
      for (const tf of s.timeframes ?? []) {
        if (!allTimeframes.has(tf)) {
          ctx.addIssue({
            code: 'custom',
            path: ['strategies', i, 'timeframes'],
            message: `timeframe "${tf}" is not scanned on any exchange (exchanges use: ${[...allTimeframes].join(', ')})`,
          });
        }
      }
    });
    // Breaker, markets cache and signal ids are keyed by the exchange id: one entry per exchange.
    config.exchanges.forEach((e, i) => {
      const j = config.exchanges.findIndex((other) => other.id === e.id);
      if (j < i) ctx.addIssue({ code: 'custom', path: ['exchanges', i, 'id'], message: `exchange "${e.id}" is listed twice (also exchanges[${j}])` });
    });
    // A signal id is strategy#exchange#symbol#timeframe#candle: two entries of one strategy on
    // one timeframe would record the same ids, and the second entry's signals would be dropped.
    const scanned = [...allTimeframes];
    config.strategies.forEach((s, j) => {
      for (let i = 0; i < j; i++) {
        const other = config.strategies[i]!;
        if (other.name !== s.name) continue;
        const theirs = new Set(other.timeframes ?? scanned);
        const shared = (s.timeframes ?? scanned).filter((tf) => theirs.has(tf));
        if (shared.length === 0) continue;
        ctx.addIssue({
          code: 'custom',
          path: ['strategies', j],
          message:
            `strategy "${s.name}" already runs on ${shared.join(', ')} (strategies[${i}]): both entries would record the same signal ids ` +
            `(strategy#exchange#symbol#timeframe#candle), so one entry's signals would be dropped as duplicates; ` +
            `give the entries disjoint timeframes, or keep one`,
        });
        break;
      }
    });
  });

export type BotConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;
export type BotConfig = DeepReadonly<Parsed>;
export type ExchangeConfig = BotConfig['exchanges'][number];
export type StrategyConfig = BotConfig['strategies'][number];

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** Strategies configured for a timeframe (default: all timeframes). */
export function strategiesFor(config: BotConfig, timeframe: Timeframe): readonly StrategyConfig[] {
  return config.strategies.filter((s) => s.timeframes === undefined || s.timeframes.includes(timeframe));
}

/** Every timeframe scanned by at least one exchange, in a stable order. */
export function scannedTimeframes(config: BotConfig): Timeframe[] {
  return [...new Set(config.exchanges.flatMap((e) => e.timeframes))];
}

/** Each configured strategy name once, in config order (one strategy may have several entries on different timeframes). */
export function strategyNames(config: BotConfig): string[] {
  return [...new Set(config.strategies.map((s) => s.name))];
}

/** The timeframes a strategy runs on, over all its entries; undefined when an entry runs on every scanned timeframe. */
export function strategyTimeframes(config: BotConfig, name: string): Timeframe[] | undefined {
  const entries = config.strategies.filter((s) => s.name === name);
  if (entries.some((s) => s.timeframes === undefined)) return undefined;
  return [...new Set(entries.flatMap((s) => s.timeframes ?? []))];
}
