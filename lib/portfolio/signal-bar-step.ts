/**
 * Pure: the open position as the backtester would hold it when it looks at a signal on the
 * close of candle i — i.e. after candle i's own stop/target/time/trailing checks
 * (`stepOpenPosition`). Live, the monitor may not have checked candle i yet when the signal is
 * acted on; the signal carries candle i (`signal.bar`), so the check is applied here when
 * exactly that one candle is missing:
 *
 * - `lastChecked >= candleTime`: the monitor already applied candle i (or later): as saved.
 * - `lastChecked + tfMs === candleTime`: only candle i is unchecked: step it with the signal's
 *   bar → `exit` (the caller closes through the normal close transaction) or the stepped
 *   position (best/stop/bars updated).
 * - otherwise (no bar on an old signal row, or the monitor lags by two candles or more): as
 *   saved, with `fallback` saying why — the candles in between are not known here, so an exit
 *   the backtester would take in them is missed and the position exits with reason `signal`.
 */
import { closeAt, stepOpenPosition, positionRules, type ClosingPosition, type OpenPosition } from '../core/positions/index.js';
import type { Signal } from '../core/signal.js';
import type { BotConfig, ExchangeConfig } from '../config/schema.js';
import { PermanentError } from '../errors.js';
import { closedCandlesSince } from './market-candles.js';
import type { Clock } from '../ports/clock.js';
import type { ExchangePort } from '../ports/exchange.js';
import type { StoredOpenPosition } from '../ports/positions.js';
import { exitRuleFor, ruleAt, type StrategyOf } from './exit-rule.js';

export type SignalBarStep =
  | { readonly kind: 'open'; readonly position: OpenPosition; readonly fallback?: string }
  | { readonly kind: 'exit'; readonly closing: ClosingPosition };

export function stepSignalBar(stored: StoredOpenPosition, signal: Signal, tfMs: number): SignalBarStep {
  const { lastChecked, position } = stored;
  if (lastChecked >= signal.candleTime) return { kind: 'open', position };
  const bar = signal.bar;
  if (bar === undefined) return { kind: 'open', position, fallback: 'the signal carries no candle (recorded before signal bars were stored)' };
  if (lastChecked + tfMs !== signal.candleTime) {
    const missing = Math.round((signal.candleTime - lastChecked) / tfMs);
    return { kind: 'open', position, fallback: `the monitor lags: ${missing} candles up to the signal candle are unchecked` };
  }
  if (bar.time !== signal.candleTime) {
    throw new PermanentError(`${signal.id}: the signal bar opens at ${bar.time}, not at the signal candle`, { code: 'BAD_SIGNAL' });
  }
  const next = stepOpenPosition(position, bar, positionRules(stored.costs));
  return next.status === 'open' ? { kind: 'open', position: next } : { kind: 'exit', closing: next };
}

export interface SignalBarRuleDeps {
  readonly config: Pick<BotConfig, 'strategies' | 'scan' | 'exchanges'>;
  /** The exchange adapters (as the scan's); absent: the exit rule is not applied on the signal candle. */
  readonly exchange?: ((config: ExchangeConfig) => Promise<ExchangePort>) | undefined;
  /** Strategies by config name; absent: the registry. */
  readonly strategyOf?: StrategyOf | undefined;
  readonly clock: Clock;
}

export type SignalBarRule =
  | { readonly kind: 'hold' }
  | { readonly kind: 'exit'; readonly closing: ClosingPosition; readonly note: string }
  /** The rule could not be evaluated on the signal candle (why): the holder is treated as not exited by it. */
  | { readonly kind: 'skipped'; readonly why: string };

/**
 * Step (2) of the backtester's order on the signal candle i, for a holder that candle i's own
 * checks left open (`stepped`, from `stepSignalBar` with the signal's bar): the strategy's exit
 * rule on i's close, evaluated on the closed candles the scan saw (fetched again through the
 * exchange port, the last `scan.candles` ending at i). When it fires, the holder exits at the
 * signal's entry reference (the open of candle i + 1) with reason `rule` and the rule's note;
 * the caller closes it and then acts on the signal on a free market — step (3).
 * Only when candle i was unchecked until now: when the monitor had already checked it, it also
 * applied the rule (a holder still open was not exited by it).
 */
export async function ruleOnSignalBar(deps: SignalBarRuleDeps, stored: StoredOpenPosition, signal: Signal, stepped: OpenPosition, tfMs: number): Promise<SignalBarRule> {
  const rule = exitRuleFor(deps.config, stored.meta, deps.strategyOf);
  if (rule === undefined) return { kind: 'hold' };
  const exchangeConfig = deps.config.exchanges.find((e) => e.id === stored.meta.exchange);
  if (deps.exchange === undefined || exchangeConfig === undefined) return { kind: 'skipped', why: `no candle source for ${stored.meta.exchange}` };
  const exchange = await deps.exchange(exchangeConfig);
  const { unknown } = await exchange.prepare([signal.symbol]);
  if (unknown.includes(signal.symbol)) return { kind: 'skipped', why: `${signal.symbol} is not listed on ${exchange.id}` };
  const { closed } = await closedCandlesSince(exchange, signal.symbol, stored.meta.timeframe, signal.candleTime - tfMs, deps.clock.now(), rule.window);
  const index = closed.findIndex((row) => row[0] === signal.candleTime);
  if (index < 0) return { kind: 'skipped', why: `the signal candle ${new Date(signal.candleTime).toISOString()} is not among the closed candles fetched` };
  const answer = ruleAt(rule, closed, index, stepped.side);
  if (answer.kind === 'no-history') return { kind: 'skipped', why: `${answer.have} closed candles up to the signal candle, the strategy's warm-up is ${rule.warmup}` };
  if (answer.kind === 'hold') return answer;
  const closing = closeAt(stepped, signal.candleTime + tfMs, signal.entry, 'rule', positionRules(stored.costs));
  return { kind: 'exit', closing, note: answer.note };
}
