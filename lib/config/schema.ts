import { z } from 'zod';
import { strategyRegistry } from '../core/strategies/index.js';
import { timeframeSchema, type Timeframe } from '../core/timeframe.js';

/** `BASE/QUOTE` as ccxt writes spot symbols, e.g. `BTC/USDT`. */
const symbolSchema = z
  .string()
  .regex(/^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}$/, 'expected a spot symbol like "BTC/USDT" (upper case BASE/QUOTE)');

const exchangeSchema = z
  .object({
    /** ccxt exchange id: binance, bybit, phemex, … */
    id: z.string().regex(/^[a-z][a-z0-9]*$/, 'expected a ccxt exchange id like "binance"'),
    symbols: z.array(symbolSchema).min(1).max(500),
    timeframes: z.array(timeframeSchema).min(1),
    /** Optional base URL replacing the exchange's API host (simulators, proxies). */
    apiBase: z.url().optional(),
    /** HTTP timeout of one exchange request. */
    timeoutMs: z.int().min(500).max(60_000).default(10_000),
  })
  .strict();

const strategyNames = Object.keys(strategyRegistry) as [string, ...string[]];

const strategyEntrySchema = z
  .object({
    name: z.enum(strategyNames),
    /** Timeframes this strategy runs on; default: every timeframe of every exchange. */
    timeframes: z.array(timeframeSchema).min(1).optional(),
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
      .object({ cacheHours: z.number().positive().max(168).default(24) })
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
    risk: z
      .object({
        startingBalance: z.number().positive().default(1000),
        /** Stake per trade as a fraction of equity (0 < f ≤ 1) … */
        stakeFraction: z.number().gt(0).max(1).optional(),
        /** … or a fixed stake in quote currency. Exactly one of the two. */
        stakeFixed: z.number().positive().optional(),
        maxOpenPositions: z.int().min(1).max(1000).default(5),
        feeRate: z.number().min(0).max(0.05).default(0.001),
        slippageBps: z.number().min(0).max(500).default(0),
        /** Trailing stop: the stop follows the best price since entry at trailAtr × the signal's ATR (absent: off). */
        trailAtr: z.number().gt(0).optional(),
        /** Time exit: close at the close of the n-th candle held, reason `time` (absent: off). */
        maxBars: z.int().min(1).optional(),
      })
      .strict()
      .refine((r) => (r.stakeFraction === undefined) !== (r.stakeFixed === undefined), {
        message: 'set exactly one of risk.stakeFraction or risk.stakeFixed',
      })
      .default({ startingBalance: 1000, stakeFraction: 0.1, maxOpenPositions: 5, feeRate: 0.001, slippageBps: 0 }),
    telegram: z
      .object({
        /** Chats that may run the admin commands (/pause, /resume, /stats). */
        adminChatIds: z.array(z.int()).max(50).default([]),
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
    const ids = config.exchanges.map((e) => e.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) ctx.addIssue({ code: 'custom', path: ['exchanges'], message: `exchange "${dup}" is listed twice` });
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
