/**
 * A live position's exit rule (issue 16): the strategy's own exit, as the backtester applies it
 * (lib/backtest/engine.ts) and paper positions do (lib/portfolio/exit-rule.ts) — on each closed
 * candle while the position is held, after that candle's stop/target checks, the rule is
 * evaluated on the candle's close; when it fires for the long, the position is sold.
 *
 * Live, the exchange does step (1): the OCO's stop and target stay on the exchange until the rule
 * fires. Step (2) runs here, in reconcile, after the watch found both legs unfilled: for every
 * closed candle after the last one checked (`ruleCheckedAt`; at first the signal candle, so the
 * first candle checked is the first one held) the rule is evaluated on the window the scan would
 * have evaluated on that close (config `scan.candles`, the scan's public candles). When it fires,
 * the position is sold at market through the crash-safe exit path (./exit-order.ts: the OCO
 * cancelled, one market sell, closed with reason `rule` and the rule's reason as the note).
 * Otherwise the last candle checked is recorded with a versioned update (concurrent runs check a
 * candle once; the loser is LIVE_CONTENDED and reads it again next run).
 *
 * The difference with the backtest: the sale happens at the first reconcile after the candle
 * closed (up to one reconcile period, one minute by default, late) at the market price then,
 * not at the next candle's open. A strategy without an exit rule (or no longer configured on the
 * position's timeframe) costs nothing: no candle is fetched.
 */
import type { ExitRule } from '../portfolio/exit-rule.js';
import { exitRuleFor, registryStrategy, ruleAt } from '../portfolio/exit-rule.js';
import { closedCandlesSince } from '../portfolio/market-candles.js';
import { lastClosedOpenTime } from '../core/timeframe.js';
import { PermanentError } from '../errors.js';
import type { LivePosition } from '../ports/live.js';
import type { LiveCtx } from './context.js';
import { exitAtMarket } from './exit-order.js';
import { contended } from './order-sync.js';

export type RuleStep = { readonly kind: 'exiting'; readonly note: string } | { readonly kind: 'hold'; readonly position: LivePosition };

/** The exit rule of a live position's strategy in the current config, or undefined. */
export function liveExitRule(ctx: LiveCtx, p: LivePosition): ExitRule | undefined {
  return exitRuleFor(ctx.deps.config, { strategy: p.strategy, exchange: p.exchange, timeframe: p.timeframe }, ctx.deps.strategyOf ?? registryStrategy);
}

/** The signal candle's open time: the last field of the signal id (strategy#exchange#symbol#timeframe#candle, lib/core/signal.ts). */
export function signalCandleOf(p: LivePosition): number {
  const time = Number(p.signalId.slice(p.signalId.lastIndexOf('#') + 1));
  if (!Number.isSafeInteger(time)) throw new PermanentError(`live position ${p.positionId}: its signal id ${p.signalId} does not end with a candle time`, { code: 'LIVE_INCONSISTENT' });
  return time;
}

/** Step (2) on the candles closed since the last check of an open live position (its legs unfilled). */
export async function applyExitRule(ctx: LiveCtx, p: LivePosition): Promise<RuleStep> {
  const hold = { kind: 'hold', position: p } as const;
  if (p.status !== 'open') return hold;
  const rule = liveExitRule(ctx, p);
  if (rule === undefined) return hold;
  const since = p.ruleCheckedAt ?? signalCandleOf(p);
  const now = ctx.now();
  if (lastClosedOpenTime(now, p.timeframe) <= since) return hold;
  if (ctx.deps.candles === undefined) throw new Error('live exit rule: the run was wired without a candles port (LiveDeps.candles)');
  const exchange = await ctx.deps.candles(ctx.ex.config);
  await exchange.prepare([p.symbol]);
  const { closed } = await closedCandlesSince(exchange, p.symbol, p.timeframe, since, now, rule.window);
  let checked = since;
  for (let i = 0; i < closed.length; i++) {
    const time = closed[i]![0];
    if (time <= since) continue;
    const answer = ruleAt(rule, closed, i, 'long');
    if (answer.kind === 'exit') {
      ctx.deps.log.info('live exit rule fired', { positionId: p.positionId, strategy: rule.strategy, candle: time, note: answer.note });
      await exitAtMarket(ctx, p, 'rule', answer.note);
      return { kind: 'exiting', note: answer.note };
    }
    if (answer.kind === 'no-history') {
      ctx.deps.log.warn('live exit rule skipped: too few closed candles', { positionId: p.positionId, strategy: rule.strategy, candle: time, have: answer.have, warmup: rule.warmup });
    }
    checked = time;
  }
  if (checked === since) return hold;
  const r = await ctx.deps.store.setRuleChecked(p.positionId, p.version, checked, now);
  if (r.status === 'stale') throw contended(`live position ${p.positionId}`);
  return { kind: 'hold', position: r.position };
}
