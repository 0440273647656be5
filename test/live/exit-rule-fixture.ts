/**
 * The live exit-rule tests' pieces over the live stack (./fixture.ts): a config whose only
 * strategy is the kit fixture `exit-level` (test/monitor/exit-rule-fixture.ts: closes a long on a
 * close below `level`), its signals, the scan's public candles port (real ccxt → the simulator's
 * klines) counted, and a clock step that moves the simulator's candles along.
 */
import type { BotConfig, ExchangeConfig } from '../../lib/config/schema.js';
import { toSignal, type Signal } from '../../lib/core/signal.js';
import { createCcxtExchange } from '../../lib/exchange/ccxt-exchange.js';
import type { LiveDeps } from '../../lib/live/deps.js';
import type { ExchangePort, MarketsSnapshot } from '../../lib/ports/exchange.js';
import { LEVEL_STRATEGY, recordingStrategies, type RuleCall } from '../monitor/exit-rule-fixture.js';
import type { LiveStack } from './fixture.js';

export { LEVEL_STRATEGY };
/** A level no close is below (the rule never fires) and one every close is below (it fires on the first candle checked). */
export const NEVER = 0;
export const ALWAYS = 1e9;
export const WINDOW = 20;

/** The live config of the stack with `exit-level` (level as given) as its only strategy, scan window WINDOW. */
export function ruleConfig(stack: LiveStack, level: number): BotConfig {
  const params = Object.freeze({ level, stopPct: 2, takePct: 4 });
  return Object.freeze({
    ...stack.config,
    strategies: [{ name: LEVEL_STRATEGY, timeframes: undefined, params, warmup: 3 }],
    scan: { ...stack.config.scan, candles: WINDOW },
  });
}

/** A long signal of `exit-level` on the 1h candle opening at `candleTime` (stop −3 %, target +6 %). */
export function ruleSignal(symbol: string, entry: number, candleTime: number, side: 'long' | 'short' = 'long'): Signal {
  return toSignal(
    { strategy: LEVEL_STRATEGY, exchange: 'binance', symbol, timeframe: '1h' },
    { side, index: 99, candleTime, entry, stop: side === 'long' ? entry * 0.97 : entry * 1.03, target: side === 'long' ? entry * 1.06 : entry * 0.94, indicators: { atr: entry * 0.01 } },
  );
}

export interface RuleKit {
  /** fetchCandles calls made through the candles port, by symbol. */
  readonly fetches: string[];
  /** Every exitAt call of the fixture strategy. */
  readonly calls: RuleCall[];
  /** Deps of one reconcile invocation with the fixture strategy at `level`, the candles port and the recorder. */
  deps(level: number, base?: LiveDeps): Promise<LiveDeps>;
  /** Moves the test clock and the simulator's "now" (its forming candle) by `ms`. */
  advance(ms: number): void;
}

export function ruleKit(stack: LiveStack): RuleKit {
  const fetches: string[] = [];
  const { strategyOf, calls } = recordingStrategies();
  const snapshots = new Map<string, MarketsSnapshot>();
  let port: Promise<ExchangePort> | undefined;
  const candles = async (c: ExchangeConfig): Promise<ExchangePort> => {
    port ??= createCcxtExchange({
      id: c.id,
      apiBase: c.apiBase,
      timeoutMs: 5_000,
      clock: stack.clock,
      marketsTtlMs: 3_600_000_000,
      marketsCache: { get: async (id) => snapshots.get(id), put: async (s) => void snapshots.set(s.exchange, s) },
    });
    const inner = await port;
    return { id: inner.id, prepare: (symbols) => inner.prepare(symbols), fetchCandles: (symbol, tf, limit) => (fetches.push(symbol), inner.fetchCandles(symbol, tf, limit)) };
  };
  return {
    fetches,
    calls,
    async deps(level, base) {
      return { ...(base ?? (await stack.deps())), config: ruleConfig(stack, level), candles, strategyOf };
    },
    advance(ms) {
      stack.clock.advance(ms);
      stack.sim.setNow(stack.clock.now());
    },
  };
}
