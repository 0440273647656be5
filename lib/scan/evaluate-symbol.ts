import { candlesFromRows, type Candles } from '../core/candle.js';
import { toSignal, type Signal } from '../core/signal.js';
import { getStrategy } from '../core/strategies/index.js';
import type { EvalContext, Strategy } from '../core/strategies/types.js';
import type { Timeframe } from '../core/timeframe.js';
import { storableProblem } from '../core/store-bounds.js';
import type { Gap } from '../core/validate-candles.js';
import type { StrategyConfig } from '../config/schema.js';
import { PermanentError } from '../errors.js';
import type { ExchangePort } from '../ports/exchange.js';
import { fetchHigher, higherFetches } from './higher-candles.js';
import { fetchLiveCandles } from './live-candles.js';

/** How a config name becomes its strategy (default: the registry; tests pass fixture strategies). */
export type StrategyOf = (name: string) => Strategy<any>;

export interface SymbolEvaluation {
  readonly signals: readonly Signal[];
  readonly gaps: readonly Gap[];
  readonly closedCandles: number;
  /** The validated closed candles the strategies saw (for the signal charts). */
  readonly candles: Candles;
  /** What they were evaluated with: the timeframe and the closed higher candles fetched (for the charts' lines). */
  readonly context: EvalContext;
}

/**
 * Every number of a signal must be storable (lib/core/store-bounds.ts). The candle price range
 * already guarantees it for the built-in strategies; this is the last check before the store,
 * so a strategy parameter or a future indicator can never turn a candle into an AWS error.
 */
function assertStorable(signal: Signal): void {
  const values: [string, number][] = [
    ['entry', signal.entry],
    ['stop', signal.stop],
    ['target', signal.target],
    ...Object.entries(signal.indicators).map(([k, v]): [string, number] => [`indicator ${k}`, v]),
  ];
  for (const [name, value] of values) {
    const problem = storableProblem(name, value);
    if (problem !== null) {
      throw new PermanentError(`${signal.id}: candle ${new Date(signal.candleTime).toISOString()} gives a ${problem}`, { code: 'INVALID_CANDLE' });
    }
  }
}

/**
 * Fetches, validates and evaluates one symbol: every row validated (prices within the storable
 * range), the forming candle required to be the one open now (`splitLive`), only closed candles
 * used, the newest closed candle required to be the one that just closed (else the
 * exchange has not published it yet: transient), each strategy evaluated purely. When the
 * strategies read higher timeframes, each is then fetched once for all of them (higher-candles.ts:
 * one more request per distinct higher timeframe) and passed with the timeframe as the context.
 */
export async function evaluateSymbol(args: {
  exchange: ExchangePort;
  symbol: string;
  timeframe: Timeframe;
  candles: number;
  strategies: readonly StrategyConfig[];
  now: number;
  strategyOf?: StrategyOf | undefined;
}): Promise<SymbolEvaluation> {
  const { exchange, symbol, timeframe, strategies, now } = args;
  const strategyOf = args.strategyOf ?? getStrategy;
  // One extra row: the exchange usually includes the forming candle, which is never evaluated.
  const { closed, forming, gaps } = await fetchLiveCandles({ exchange, symbol, timeframe, count: args.candles, now, where: symbol });
  const series = candlesFromRows(closed);
  const higher = await fetchHigher(exchange, symbol, higherFetches(strategies, timeframe, strategyOf), now);
  const context: EvalContext = Object.freeze({ timeframe, higher });
  const signals: Signal[] = [];
  for (const entry of strategies) {
    if (closed.length < entry.warmup) {
      throw new PermanentError(`${symbol}: ${closed.length} closed candles, strategy ${entry.name} needs ${entry.warmup}`, {
        code: 'INSUFFICIENT_HISTORY',
      });
    }
    const intent = strategyOf(entry.name).evaluate(series, entry.params as never, forming?.[1], context);
    const row = intent ? closed[intent.index] : undefined;
    if (intent && row && intent.index === closed.length - 1) {
      const [time, open, high, low, close] = row;
      const signal = toSignal({ strategy: entry.name, exchange: exchange.id, symbol, timeframe }, intent, { time, open, high, low, close });
      assertStorable(signal);
      signals.push(signal);
    }
  }
  return { signals, gaps, closedCandles: closed.length, candles: series, context };
}
