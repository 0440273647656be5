/**
 * One market (exchange, symbol, timeframe) of the monitor, every run: fetch its candles once
 * (the closed ones since the oldest last check, plus the forming one when the exchange gives
 * it), then for each of its open positions apply the pure rules over the CLOSED candles it has
 * not seen and either close it through the close transaction or save the progress (conditional
 * on the row's version), and mark it to market (./mark.ts: the forming candle's last price;
 * the mark alone is written without a version change). A failure of one position is reported
 * and the others go on. When positions close and charts are on, the market's chart candles
 * are fetched once more (./close-chart.ts) and each close's event carries its chart; without
 * them the close is notified as text.
 *
 * A position whose strategy has an exit rule (lib/portfolio/exit-rule.ts) gets it on each
 * unchecked closed candle after that candle's own checks (./advance.ts): the market's fetch then
 * reaches back the scan's window (`scan.candles`) so that the rule sees what the scan saw; a
 * rule exit closes at the next candle's open with reason `rule`, its note on the rows and in the
 * message — through the same conditional close, so exactly once.
 */
import { renderPositionClosedText } from '../core/message.js';
import type { Candles } from '../core/candle.js';
import { grossPnl, positionRules, settle, type PositionRules } from '../core/positions/index.js';
import { timeframeMs, type Timeframe } from '../core/timeframe.js';
import { describeError, isCandlebotError, isTransient } from '../errors.js';
import { closeAmounts } from '../core/money.js';
import type { Clock } from '../ports/clock.js';
import type { ExchangePort } from '../ports/exchange.js';
import type { Log } from '../ports/log.js';
import type { PositionLedger, StoredOpenPosition } from '../ports/positions.js';
import type { RecipientResolver } from '../ports/users.js';
import type { BotConfig } from '../config/schema.js';
import { exitRuleFor, registryStrategy, type ExitRule, type StrategyOf } from '../portfolio/exit-rule.js';
import { advance, type Advance } from './advance.js';
import { chartCandlesFor, closeChart, type CloseChartDeps } from './close-chart.js';
import { closedCandlesSince } from '../portfolio/market-candles.js';
import { markPrice, storableMarkOf } from './mark.js';

export interface MarketGroup {
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly positions: readonly StoredOpenPosition[];
}

export interface PositionFailure {
  readonly positionId: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly code: string;
  readonly kind: 'transient' | 'permanent';
  readonly message: string;
}

export interface MarketOutcome {
  readonly closed: readonly string[];
  /** Moved first by another invocation (closed or progressed): left to it. */
  readonly lost: number;
  readonly progressed: number;
  /** No candle closed since the last check; only the mark (a new price) was written. */
  readonly marked: number;
  /** Nothing new: no candle closed and no new price. */
  readonly unchanged: number;
  /** Positions whose unseen candles had a hole (exchange gap or beyond the fetch window). */
  readonly gaps: number;
  readonly failures: readonly PositionFailure[];
}

export interface MarketDeps extends CloseChartDeps {
  readonly config: CloseChartDeps['config'] & Pick<BotConfig, 'strategies'> & { readonly scan: Pick<BotConfig['scan'], 'reserveMs' | 'candles'> };
  /** Strategies by config name (exit rules); absent: the registry. */
  readonly strategyOf?: StrategyOf;
  readonly store: Pick<PositionLedger, 'close' | 'saveProgress' | 'saveMark'>;
  readonly clock: Clock;
  readonly log: Log;
  /** Who is told about a close: resolved per close, before it is recorded (the event row keeps the list). */
  readonly recipients: RecipientResolver;
}

export function positionFailure(p: StoredOpenPosition, error: unknown): PositionFailure {
  return {
    positionId: p.position.id,
    exchange: p.meta.exchange,
    symbol: p.position.symbol,
    code: isCandlebotError(error) ? error.code : 'UNEXPECTED',
    kind: isTransient(error) ? 'transient' : 'permanent',
    message: describeError(error),
  };
}

export async function monitorMarket(deps: MarketDeps, exchange: ExchangePort, group: MarketGroup): Promise<MarketOutcome> {
  const now = deps.clock.now();
  const tfMs = timeframeMs(group.timeframe);
  const outcome = { closed: [] as string[], lost: 0, progressed: 0, marked: 0, unchanged: 0, gaps: 0, failures: [] as PositionFailure[] };
  if (group.positions.length === 0) return outcome;
  let candles;
  let exitRules: Map<string, ExitRule | undefined>;
  try {
    exitRules = new Map(group.positions.map((p) => [p.position.id, exitRuleFor(deps.config, p.meta, deps.strategyOf ?? registryStrategy)]));
    const window = Math.max(0, ...[...exitRules.values()].map((r) => r?.window ?? 0));
    candles = await closedCandlesSince(exchange, group.symbol, group.timeframe, Math.min(...group.positions.map((p) => p.lastChecked)), now, window);
  } catch (error) {
    return { ...outcome, failures: group.positions.map((p) => positionFailure(p, error)) };
  }
  const price = markPrice(candles.closed, candles.forming, { now, timeframe: group.timeframe });
  const { closed: rows, forming } = candles;
  // The pure steps first: whether any position closes decides the one chart fetch of the market.
  const planned = group.positions.map((stored) => {
    try {
      const rules = positionRules(stored.costs);
      return { stored, rules, step: advance(stored, { closed: rows, forming, tfMs, rules, exitRule: exitRules.get(stored.position.id) }) };
    } catch (error) {
      return { stored, error };
    }
  });
  const exits = planned.flatMap((p) => (p.step?.kind === 'exit' ? [{ meta: p.stored.meta, exitTime: p.step.closing.exitTime }] : []));
  const chartCandles = exits.length > 0 ? await chartCandlesFor(deps, exchange, group, exits, now) : undefined;
  for (const p of planned) {
    const { stored } = p;
    try {
      if (p.step === undefined) throw p.error;
      const { step, rules } = p;
      if (step.kind !== 'none' && step.gap) {
        outcome.gaps++;
        deps.log.warn('candles missing since the last check of a position', { positionId: stored.position.id, signalId: stored.position.id, lastChecked: new Date(stored.lastChecked).toISOString() });
      }
      logRuleNotes(deps.log, stored, step);
      const result = await apply(deps, stored, step, { price, rules, now, chartCandles });
      if (result === 'closed') outcome.closed.push(stored.position.id);
      else outcome[result]++;
    } catch (error) {
      outcome.failures.push(positionFailure(stored, error));
    }
  }
  return outcome;
}

async function apply(
  deps: MarketDeps,
  stored: StoredOpenPosition,
  step: Advance,
  at: { readonly price: number | undefined; readonly rules: PositionRules; readonly now: number; readonly chartCandles: Candles | undefined },
): Promise<'closed' | 'lost' | 'progressed' | 'marked' | 'unchanged'> {
  const { price, rules, now, chartCandles } = at;
  if (step.kind === 'progress') {
    const mark = storableMarkOf(step.next, price ?? step.lastClose, now, rules);
    return (await deps.store.saveProgress(stored, step.next, step.lastChecked, mark, now)) ? 'progressed' : 'lost';
  }
  if (step.kind === 'none') {
    if (price === undefined || price === stored.mark?.price) return 'unchanged';
    return (await deps.store.saveMark(stored, storableMarkOf(stored.position, price, now, rules))) ? 'marked' : 'unchanged';
  }
  const closed = settle(step.closing);
  const note = step.note === undefined ? {} : { exitNote: step.note };
  const amounts = closeAmounts(closed.stake, grossPnl(closed.side, closed.qty, closed.entryPrice, closed.exitPrice), closed.fees);
  const text = renderPositionClosedText({ ...stored.meta, ...closed, ...note, pnl: amounts.pnl, fees: amounts.fees });
  const chats = await deps.recipients.resolve({ ...stored.meta, symbol: stored.position.symbol, kind: 'position-closed' });
  const chart = chats.length > 0 && chartCandles ? closeChart(deps, chartCandles, stored.meta, closed) : undefined;
  const event = chats.length === 0 ? undefined : { kind: 'closed' as const, recipients: chats, text, ...(chart ? { chart } : {}) };
  const result = await deps.store.close({ stored, closed, now, ...note, ...(event ? { event } : {}) });
  if (result.status === 'lost') return 'lost';
  deps.log.info('paper position closed', { positionId: closed.id, signalId: closed.id, exchange: stored.meta.exchange, symbol: stored.position.symbol, timeframe: stored.meta.timeframe, strategy: stored.meta.strategy, side: closed.side, exitReason: closed.exitReason, ...note, exitPrice: closed.exitPrice, pnl: amounts.pnl });
  return 'closed';
}

/** What the exit rule could not do in this step: a fired rule waiting for its next candle, candles without enough history. */
function logRuleNotes(log: Log, stored: StoredOpenPosition, step: Advance): void {
  const notes = step.rule;
  if (notes === undefined) return;
  const ids = { positionId: stored.position.id, signalId: stored.position.id, strategy: stored.meta.strategy };
  if (notes.waiting !== undefined) log.info('exit rule fired; the exit waits for the next candle\'s open', { ...ids, candle: new Date(notes.waiting).toISOString() });
  if (notes.noHistory !== undefined) {
    log.warn('exit rule not evaluated: fewer closed candles than the strategy\'s warm-up', { ...ids, candles: notes.noHistory.length, first: new Date(notes.noHistory[0]!).toISOString() });
  }
}
