import { parseConfig } from '../../lib/config/load.js';
import type { BotConfig } from '../../lib/config/schema.js';
import { parseEnv, scanEnvSchema } from '../../lib/config/env.js';
import { candlesFromRows } from '../../lib/core/candle.js';
import { getStrategy } from '../../lib/core/strategies/index.js';
import { toSignal, type Signal } from '../../lib/core/signal.js';
import { splitClosed, validateCandles } from '../../lib/core/validate-candles.js';
import type { Timeframe } from '../../lib/core/timeframe.js';
import { createScanRuntime, type ScanRuntime } from '../../lib/runtime/scan.js';
import type { ExchangePort } from '../../lib/ports/exchange.js';
import type { TestResources } from './local-aws.js';

/** 12:00:05 UTC: five seconds after a 1h candle closed. */
export const SCAN_NOW = Date.UTC(2026, 10, 20, 12, 0, 5);

/** Fast EMAs so the random-walk series cross often: several symbols signal on any candle. */
export const FAST_STRATEGIES = [
  { name: 'ema-cross', params: { fast: 2, slow: 4, atr: 3 } },
  { name: 'rsi-reversion', params: { period: 3, oversold: 45, overbought: 55 } },
  { name: 'bollinger-breakout', params: { period: 5, k: 1 } },
];

export function scanConfig(apiBase: string, symbols: readonly string[], extra: Record<string, unknown> = {}, timeoutMs = 1000): BotConfig {
  return parseConfig({
    exchanges: [{ id: 'binance', symbols, timeframes: ['1h'], apiBase, timeoutMs }],
    strategies: FAST_STRATEGIES,
    scan: { candles: 100, concurrency: 4, reserveMs: 1000 },
    telegram: { adminChatIds: [111, 222] },
    ...extra,
  });
}

/** The scan runtime on the test stack, notifying the config's admin chats (fixed; the users-table fan-out is tested in test/users). */
export function runtimeFor(r: TestResources, config: BotConfig): ScanRuntime {
  return createScanRuntime(parseEnv(scanEnvSchema, { ...r.env }), config, config.telegram.adminChatIds);
}

/**
 * The signals the scan must record, computed independently of the scan pipeline: the same
 * candles fetched through a separate adapter, validated and evaluated strategy by strategy.
 */
export async function expectedSignals(exchange: ExchangePort, config: BotConfig, symbols: readonly string[], tf: Timeframe, now: number): Promise<Signal[]> {
  await exchange.prepare(symbols);
  const out: Signal[] = [];
  for (const symbol of symbols) {
    const v = validateCandles(await exchange.fetchCandles(symbol, tf, config.scan.candles + 1), tf);
    if (!v.ok) throw v.error;
    const { closed, forming } = splitClosed(v.rows, now, tf);
    for (const s of config.strategies) {
      const intent = getStrategy(s.name).evaluate(candlesFromRows(closed), s.params, forming?.[1]);
      const row = closed.at(-1);
      if (intent && row && intent.index === closed.length - 1) {
        out.push(toSignal({ strategy: s.name, exchange: exchange.id, symbol, timeframe: tf }, intent, { time: row[0], open: row[1], high: row[2], low: row[3], close: row[4] }));
      }
    }
  }
  return out;
}
