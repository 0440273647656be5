/**
 * The chart attached to a close notification (telegram.delivery.charts): the last
 * `chartCandles` closed candles ending at the exit candle, the strategy's indicator lines and
 * the entry / stop / target / exit levels. The monitor only fetches the candles since each
 * position's last check, too few for a chart, so when a position of a market closes it fetches
 * that market's chart window ONCE more (same exchange port, bounded by the time left).
 * Every failure here — time short, fetch refused, invalid candles or chart data — is logged
 * and leaves the chart out: the close and its text notification never depend on it.
 */
import { candlesFromRows, type Candles } from '../core/candle.js';
import { chartForClose } from '../core/chart-data.js';
import type { ClosedPosition } from '../core/positions/index.js';
import { getStrategy } from '../core/strategies/index.js';
import { lastClosedOpenTime, timeframeMs, type Timeframe } from '../core/timeframe.js';
import { splitClosed, validateCandles } from '../core/validate-candles.js';
import type { BotConfig } from '../config/schema.js';
import { describeError, TransientError } from '../errors.js';
import type { ChartSpec } from '../core/notification.js';
import type { ExchangePort } from '../ports/exchange.js';
import type { Log } from '../ports/log.js';
import type { PositionMeta } from '../ports/positions.js';
import { MAX_FETCH } from '../portfolio/market-candles.js';

/** Less time than this left (beyond the reserve): the chart fetch is not started. */
export const MIN_CHART_FETCH_MS = 1000;

export interface CloseChartDeps {
  readonly config: Pick<BotConfig, 'telegram' | 'strategies'> & { readonly scan: Pick<BotConfig['scan'], 'reserveMs'> };
  readonly log: Log;
  /** Milliseconds left in the invocation. */
  readonly remainingMs: () => number;
}

/** A closing position of the market, as far as its chart is concerned. */
export interface ChartedExit {
  readonly meta: PositionMeta;
  /** Open time of the exit candle. */
  readonly exitTime: number;
}

interface StrategyChoice {
  readonly strategy: ReturnType<typeof getStrategy>;
  readonly params: object;
  readonly warmup: number;
}

/** The configured strategy entry (its timeframe's first, else any of that name), else the registry's defaults. */
function strategyFor(config: CloseChartDeps['config'], meta: PositionMeta): StrategyChoice {
  const named = config.strategies.filter((s) => s.name === meta.strategy);
  const entry = named.find((s) => s.timeframes === undefined || s.timeframes.includes(meta.timeframe)) ?? named[0];
  const strategy = getStrategy(meta.strategy);
  if (entry) return { strategy, params: entry.params, warmup: entry.warmup };
  const params = strategy.params.parse({}) as object;
  return { strategy, params, warmup: strategy.warmup(params) };
}

/** Rows to ask for: every closed candle from the window's warm-up start before the earliest exit up to now, plus the forming one. */
export function chartFetchLimit(exits: readonly ChartedExit[], tf: Timeframe, now: number, count: number, warmup: number): number {
  const earliest = Math.min(...exits.map((e) => e.exitTime));
  const after = Math.max(0, Math.floor((lastClosedOpenTime(now, tf) - earliest) / timeframeMs(tf)));
  return Math.min(MAX_FETCH, after + count + warmup + 2);
}

/** setTimeout's largest delay (a larger one fires after 1 ms); replays pass an unbounded remaining time. */
const MAX_TIMER_MS = 2_147_483_647;

async function withinBudget<T>(work: Promise<T>, budgetMs: number, what: string): Promise<T> {
  budgetMs = Math.min(budgetMs, MAX_TIMER_MS);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TransientError(`${what}: no answer within the ${budgetMs} ms left`, { code: 'CHART_FETCH_TIMEOUT' })), budgetMs);
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The validated closed candles of one market for the charts of its closing positions, fetched
 * once; undefined (logged) when charts are off, time is short or the candles cannot be had.
 */
export async function chartCandlesFor(
  deps: CloseChartDeps,
  exchange: ExchangePort,
  market: { readonly symbol: string; readonly timeframe: Timeframe },
  exits: readonly ChartedExit[],
  now: number,
): Promise<Candles | undefined> {
  const { charts, chartCandles } = deps.config.telegram.delivery;
  if (!charts || exits.length === 0) return undefined;
  const context = { exchange: exchange.id, symbol: market.symbol, timeframe: market.timeframe };
  const budgetMs = deps.remainingMs() - deps.config.scan.reserveMs;
  if (budgetMs < MIN_CHART_FETCH_MS) {
    deps.log.warn('too little time left to fetch the close chart candles; closes sent as text', { ...context, budgetMs });
    return undefined;
  }
  try {
    let warmup = 0;
    for (const exit of exits) {
      try {
        warmup = Math.max(warmup, strategyFor(deps.config, exit.meta).warmup);
      } catch {
        // Unknown strategy: its own chart is left out later (closeChart logs it); no warm-up to add.
      }
    }
    const limit = chartFetchLimit(exits, market.timeframe, now, chartCandles, warmup);
    const raw = await withinBudget(exchange.fetchCandles(market.symbol, market.timeframe, limit), budgetMs, `chart candles of ${market.symbol}`);
    const validated = validateCandles(raw, market.timeframe);
    if (!validated.ok) throw validated.error;
    return candlesFromRows(splitClosed(validated.rows, now, market.timeframe).closed);
  } catch (error) {
    deps.log.warn('close chart candles could not be fetched; closes sent as text', { ...context, error: describeError(error) });
    return undefined;
  }
}

/** The chart of one close over the market's chart candles; undefined (logged when it is a failure) when none can be drawn. */
export function closeChart(deps: Pick<CloseChartDeps, 'config' | 'log'>, candles: Candles, meta: PositionMeta, closed: ClosedPosition): ChartSpec | undefined {
  try {
    const { strategy, params } = strategyFor(deps.config, meta);
    const chart = chartForClose({
      candles,
      strategy,
      params,
      count: deps.config.telegram.delivery.chartCandles,
      title: `${closed.symbol} · ${meta.timeframe} · ${meta.strategy} · closed (${closed.exitReason})`,
      entry: closed.entryPrice,
      stop: closed.stop,
      target: closed.target,
      exit: closed.exitPrice,
      exitTime: closed.exitTime,
      timeframeMs: timeframeMs(meta.timeframe),
      // Entry and exit as markers on their candles, not lines across the chart.
      entryTime: closed.entryTime,
      side: closed.side,
    });
    if (chart === undefined || chart.candles.at(-1)![0] !== closed.exitTime) {
      deps.log.warn('the chart candles do not reach the exit candle; close sent as text', { positionId: closed.id, exitTime: new Date(closed.exitTime).toISOString() });
      return undefined;
    }
    return chart;
  } catch (error) {
    deps.log.warn('close chart could not be built; sent as text', { positionId: closed.id, error: describeError(error) });
    return undefined;
  }
}
