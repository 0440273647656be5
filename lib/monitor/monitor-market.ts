/**
 * One market (exchange, symbol, timeframe) of the monitor: fetch its closed candles once
 * (only when a candle closed since some position's last check), then for each of its open
 * positions apply the pure rules over the candles it has not seen, and either save the
 * progress (conditional on the row's version) or close it through the close transaction.
 * A failure of one position is reported and the others go on.
 */
import { renderPositionClosedText } from '../core/message.js';
import { grossPnl, positionRules, settle } from '../core/positions/index.js';
import { lastClosedOpenTime, timeframeMs, type Timeframe } from '../core/timeframe.js';
import { describeError, isCandlebotError, isTransient } from '../errors.js';
import { closeAmounts } from '../portfolio/money.js';
import type { Clock } from '../ports/clock.js';
import type { ExchangePort } from '../ports/exchange.js';
import type { Log } from '../ports/log.js';
import type { PositionLedger, StoredOpenPosition } from '../ports/positions.js';
import { advance, type Advance } from './advance.js';
import { closedCandlesSince } from './market-candles.js';

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
  /** No candle closed since the last check. */
  readonly unchanged: number;
  /** Positions whose unseen candles had a hole (exchange gap or beyond the fetch window). */
  readonly gaps: number;
  readonly failures: readonly PositionFailure[];
}

export interface MarketDeps {
  readonly store: Pick<PositionLedger, 'close' | 'saveProgress'>;
  readonly clock: Clock;
  readonly log: Log;
  readonly recipients: readonly number[];
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
  const due = group.positions.filter((p) => p.lastChecked < lastClosedOpenTime(now, group.timeframe));
  const outcome = { closed: [] as string[], lost: 0, progressed: 0, unchanged: group.positions.length - due.length, gaps: 0, failures: [] as PositionFailure[] };
  if (due.length === 0) return outcome;
  let candles;
  try {
    candles = await closedCandlesSince(exchange, group.symbol, group.timeframe, Math.min(...due.map((p) => p.lastChecked)), now);
  } catch (error) {
    return { ...outcome, failures: due.map((p) => positionFailure(p, error)) };
  }
  for (const stored of due) {
    try {
      const step = advance(stored, candles.closed, tfMs, positionRules(stored.costs));
      if (step.kind !== 'none' && step.gap) {
        outcome.gaps++;
        deps.log.warn('candles missing since the last check of a position', { positionId: stored.position.id, lastChecked: new Date(stored.lastChecked).toISOString() });
      }
      const result = await apply(deps, stored, step, now);
      if (result === 'closed') outcome.closed.push(stored.position.id);
      else if (result === 'lost') outcome.lost++;
      else if (result === 'progressed') outcome.progressed++;
      else outcome.unchanged++;
    } catch (error) {
      outcome.failures.push(positionFailure(stored, error));
    }
  }
  return outcome;
}

async function apply(deps: MarketDeps, stored: StoredOpenPosition, step: Advance, now: number): Promise<'closed' | 'lost' | 'progressed' | 'unchanged'> {
  if (step.kind === 'none') return 'unchanged';
  if (step.kind === 'progress') {
    return (await deps.store.saveProgress(stored, step.next, step.lastChecked, step.mark, now)) ? 'progressed' : 'lost';
  }
  const closed = settle(step.closing);
  const amounts = closeAmounts(closed.stake, grossPnl(closed.side, closed.qty, closed.entryPrice, closed.exitPrice), closed.fees);
  const text = renderPositionClosedText({ ...stored.meta, ...closed, pnl: amounts.pnl, fees: amounts.fees });
  const event = deps.recipients.length === 0 ? undefined : { kind: 'closed' as const, recipients: deps.recipients, text };
  const result = await deps.store.close({ stored, closed, now, ...(event ? { event } : {}) });
  if (result.status === 'lost') return 'lost';
  deps.log.info('paper position closed', { positionId: closed.id, exitReason: closed.exitReason, exitPrice: closed.exitPrice, pnl: amounts.pnl });
  return 'closed';
}
