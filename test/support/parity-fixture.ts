/** The parity check's setup (test/scan/replay-parity.test.ts, test/cli/start-replay.test.ts). */
import { runBacktest } from '../../lib/backtest/engine.js';
import { jsonReport } from '../../lib/backtest/format.js';
import { loadSeries } from '../../lib/backtest/load.js';
import { combineResults } from '../../lib/backtest/summary.js';
import type { BotConfig } from '../../lib/config/schema.js';
import { getStrategy, STRATEGY_NAMES } from '../../lib/core/strategies/index.js';

export const FIXTURES = 'test/fixtures/replay';
export const STAKE = 100;
export const FEE = 0.001;

/**
 * One strategy (default: every registered one) with its default parameters; limits that cannot
 * bind; every scan sees every candle.
 */
export function parityConfigInput(names: readonly string[] = STRATEGY_NAMES): Record<string, unknown> {
  return {
    exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['5m'] }],
    strategies: names.map((name) => ({ name })),
    scan: { candles: 1000 },
    // 100000 (the config's maximum) cannot bind: at most strategies × series positions are open at once, 100 each.
    risk: { startingBalance: 100_000, stakeFixed: STAKE, maxOpenPositions: 1000, feeRate: FEE, slippageBps: 0 },
    telegram: { adminChatIds: [] },
  };
}

/** `npm run backtest -- --data <dir> --strategy <name> --stake 100 --fee 0.001 --json`, in process (the CLI's own functions). */
export function backtestJson(dir: string, name: string, config: BotConfig) {
  const strategy = getStrategy(name);
  const params = config.strategies.find((s) => s.name === name)!.params;
  const results = loadSeries(dir).map((s) =>
    runBacktest({ symbol: s.symbol, timeframe: s.timeframe, candles: s.candles, strategy, params, stake: STAKE, feeRate: FEE, slippageBps: 0 }),
  );
  return jsonReport(combineResults(results));
}
