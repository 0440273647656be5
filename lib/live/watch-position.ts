/**
 * Reconcile of one live position (the exchange is the source of truth):
 * - open without protection → the bracket is placed (./protect.ts);
 * - open with its bracket placed → the legs are looked up: a leg filled closes the position
 *   with that leg's fills (reason stop or target; a stop starts the market's cooldown); neither
 *   sold → the strategy's exit rule on the candles closed since its last check (./rule-exit.ts:
 *   fires → sold at market, reason rule); legs still open → nothing; both legs gone without a
 *   fill (and the rule holds) → the bracket is re-placed once
 *   (generation + 1), the second time it is an admin alert (and a market exit by config);
 * - open with a failed protection and exitOnProtectionFailure → the market exit is (re)tried;
 * - closing → its exit order is followed; one already final closes (or reopens) the position
 *   (a run that stopped between the two writes);
 * - opening → nothing here: its entry order is followed with the in-flight orders.
 */
import { MAX_GENERATION } from '../core/live/client-order-id.js';
import type { LivePosition } from '../ports/live.js';
import type { ExchangeOrder } from '../ports/trading.js';
import type { LiveCtx } from './context.js';
import { continueExit, exitAtMarket } from './exit-order.js';
import { averagePrice, totalsOf } from './fills.js';
import { afterClose, contended, finishExit, readOrder } from './order-sync.js';
import { bracketOf, fail, protectPosition } from './protect.js';
import { applyExitRule } from './rule-exit.js';
import { isFinal } from '../core/live/order-state.js';

/** Re-placements of a vanished bracket before it is an alert. */
export const REPLACEMENTS = 1;
const FILLS_MARGIN_MS = 5 * 60_000;

export type WatchOutcome = 'protected' | 'placed' | 'closed' | 'replaced' | 'failed' | 'exiting' | 'waiting';

export async function watchPosition(ctx: LiveCtx, p: LivePosition): Promise<WatchOutcome> {
  if (p.status === 'opening' || p.status === 'closed') return 'waiting';
  if (p.status === 'closing') return followExit(ctx, p);
  if (p.protection.state === 'none') {
    const r = await protectPosition(ctx, p);
    return r === 'placed' ? 'placed' : r === 'failed' ? 'failed' : 'waiting';
  }
  if (p.protection.state === 'failed') {
    // Unprotected and kept (by config): the strategy's exit rule still applies.
    if (!ctx.ex.trading.exitOnProtectionFailure) return (await applyExitRule(ctx, p)).kind === 'exiting' ? 'exiting' : 'failed';
    await exitAtMarket(ctx, p, 'protection-failed');
    return 'exiting';
  }
  return watchLegs(ctx, p);
}

async function followExit(ctx: LiveCtx, p: LivePosition): Promise<WatchOutcome> {
  const id = p.exit?.clientOrderId;
  if (id === undefined) throw contended(`live position ${p.positionId}`);
  const order = await readOrder(ctx, id);
  if (!order) return 'waiting';
  if (isFinal(order.status)) {
    const after = await finishExit(ctx, order);
    return after.status === 'closed' ? 'closed' : 'waiting';
  }
  // In flight: the orders step follows it; an intent left by a stopped run is sent here.
  if (order.status === 'intent') await continueExit(ctx, order);
  return 'exiting';
}

async function watchLegs(ctx: LiveCtx, p: LivePosition): Promise<WatchOutcome> {
  const { stopClientOrderId: stopId, targetClientOrderId: targetId } = p.protection;
  if (stopId === undefined || targetId === undefined) throw contended(`live position ${p.positionId}`);
  const stop = await ctx.trading.findOrder(p.symbol, stopId);
  const target = await ctx.trading.findOrder(p.symbol, targetId);
  for (const [leg, reason] of [
    [stop, 'stop'],
    [target, 'target'],
  ] as const) {
    if (leg && leg.filled > 0 && leg.status !== 'open') return closeFromLeg(ctx, p, leg, reason);
  }
  if (stop?.status === 'open' && stop.filled === 0 && target && target.status !== 'open') {
    const gapped = await stopPassedOver(ctx, p, stop);
    if (gapped) return gapped;
  }
  // Neither leg sold: the strategy's exit rule on the candles closed since its last check (./rule-exit.ts).
  const ruled = await applyExitRule(ctx, p);
  if (ruled.kind === 'exiting') return 'exiting';
  if (stop?.status === 'open' || target?.status === 'open') return 'protected';
  return replaceBracket(ctx, ruled.position, stop, target);
}

/** Both legs gone without a fill (cancelled by hand, expired, unknown to the exchange): re-placed once, then an alert. */
async function replaceBracket(ctx: LiveCtx, p: LivePosition, stop: ExchangeOrder | undefined, target: ExchangeOrder | undefined): Promise<WatchOutcome> {
  const generation = p.protection.generation;
  if (generation < REPLACEMENTS && generation < MAX_GENERATION) {
    ctx.deps.log.warn('live protection vanished: re-placing it', { positionId: p.positionId, generation, stop: stop?.status ?? 'unknown', target: target?.status ?? 'unknown' });
    const r = await ctx.deps.store.setProtection(p.positionId, p.version, { generation: generation + 1, state: 'none', at: ctx.now() }, ctx.now());
    if (r.status === 'stale') throw contended(`live position ${p.positionId}`);
    const placed = await protectPosition(ctx, r.position);
    return placed === 'placed' ? 'replaced' : 'failed';
  }
  const b = await bracketOf(ctx, p, generation);
  await fail(ctx, p, b, `the protective orders vanished from the exchange after ${REPLACEMENTS} re-placement (stop ${stop?.status ?? 'unknown'}, target ${target?.status ?? 'unknown'})`);
  return 'failed';
}

/**
 * The OCO's target leg ended and its stop leg rests unfilled with the market at or below the
 * stop: the stop triggered, but the price gapped through its limit (a sell limit above the
 * market does not fill), so nothing protects the position any more. It is sold at market
 * (reason stop: the stop was hit) and the admins are told. Above the stop (the target was
 * cancelled by hand), the stop leg still protects it: nothing is done.
 */
async function stopPassedOver(ctx: LiveCtx, p: LivePosition, stop: ExchangeOrder): Promise<WatchOutcome | undefined> {
  const price = await ctx.trading.lastPrice(p.symbol);
  if (!(price <= p.stop)) return undefined;
  ctx.deps.log.error('live stop passed over', { positionId: p.positionId, code: 'STOP_PASSED_OVER', stop: p.stop, stopLimit: stop.price, price });
  await ctx.tell.alertOf(ctx.ex, `stop-passed-over#${stop.clientOrderId}`, {
    title: `${p.symbol}: the stop triggered but the price gapped through its limit`,
    detail: `stop ${p.stop}, its limit ${stop.price ?? '?'}, the market ${price}: the stop-limit order cannot fill, so the position is sold at market now`,
    check: 'the exit fill in the next messages; widen trading.stopLimitBps if this repeats',
    code: 'STOP_PASSED_OVER',
  });
  await exitAtMarket(ctx, p, 'stop');
  return 'exiting';
}

/** A protective leg sold (all of it, or a part and then ended): the position closes with its fills. */
async function closeFromLeg(ctx: LiveCtx, p: LivePosition, leg: ExchangeOrder, reason: 'stop' | 'target'): Promise<WatchOutcome> {
  const rules = await ctx.rules(p.symbol);
  const totals = await totalsOf(ctx.trading, rules, leg, p.createdAt - FILLS_MARGIN_MS);
  const now = ctx.now();
  const r = await ctx.deps.store.closePosition({
    positionId: p.positionId,
    version: p.version,
    exit: { clientOrderId: leg.clientOrderId, reason, price: averagePrice(totals), amount: totals.filled, proceeds: totals.cost, fee: totals.fee },
    maxDrawdown: ctx.ex.trading.maxDrawdown,
    cooldownMinutes: ctx.ex.trading.cooldownMinutes,
    now,
  });
  if (r.status !== 'closed') throw contended(`live position ${p.positionId}`);
  await afterClose(ctx, r, now);
  return 'closed';
}
