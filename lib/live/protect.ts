/**
 * The protective exits of an open live position: one OCO sell on the exchange (a limit-maker
 * target above, a stop-loss-limit below; stop limit = stop × (1 − stopLimitBps/1e4)) for the
 * amount held, with client order ids derived from the position and the bracket's generation.
 *
 * Before placing, the stop leg is looked up by its id: a run that placed the bracket and
 * stopped before recording it is recorded, not placed twice. A bracket the exchange refuses
 * (permanent error) is an admin alert and, with `exitOnProtectionFailure`, a market exit at
 * once; a transient failure leaves the position for the next run (which looks up first).
 */
import { clientOrderId } from '../core/live/client-order-id.js';
import { amountToStep, priceToTick } from '../core/live/sizing.js';
import { renderProtectionFailedText, renderProtectionPlacedText, type LiveProtectionText } from '../core/live-text.js';
import { describeError, isCandlebotError, isTransient, PermanentError } from '../errors.js';
import type { LiveOrder, LiveProtection, LivePosition } from '../ports/live.js';
import type { LiveCtx } from './context.js';
import { exitAtMarket } from './exit-order.js';
import { contended } from './order-sync.js';
import { submitOrder, type SubmitOutcome } from './submit.js';
import { orderSourceId } from './tell.js';

export interface Bracket {
  readonly listClientOrderId: string;
  readonly stopClientOrderId: string;
  readonly targetClientOrderId: string;
  readonly amount: number;
  readonly stopPrice: number;
  readonly stopLimitPrice: number;
  readonly targetPrice: number;
}

export type ProtectOutcome = 'placed' | 'failed' | 'skipped';

/** The bracket of generation `generation` for the position, at the market's precision. */
export async function bracketOf(ctx: LiveCtx, p: LivePosition, generation: number): Promise<Bracket> {
  const rules = await ctx.rules(p.symbol);
  const tick = rules.priceTick;
  return {
    listClientOrderId: clientOrderId(p.positionId, 'list', generation),
    stopClientOrderId: clientOrderId(p.positionId, 'stop', generation),
    targetClientOrderId: clientOrderId(p.positionId, 'target', generation),
    amount: amountToStep(p.qty, rules.amountStep),
    stopPrice: priceToTick(p.stop, tick, 'down'),
    stopLimitPrice: priceToTick(p.stop * (1 - ctx.ex.trading.stopLimitBps / 10_000), tick, 'down'),
    targetPrice: priceToTick(p.target, tick, 'up'),
  };
}

function protectionText(ctx: LiveCtx, p: LivePosition, b: Bracket, generation: number): LiveProtectionText {
  return {
    venue: ctx.ex.venue,
    exchange: p.exchange,
    symbol: p.symbol,
    strategy: p.strategy,
    timeframe: p.timeframe,
    amount: b.amount,
    stop: b.stopPrice,
    stopLimit: b.stopLimitPrice,
    target: b.targetPrice,
    clientOrderId: b.listClientOrderId,
    generation,
  };
}

async function record(ctx: LiveCtx, p: LivePosition, protection: LiveProtection): Promise<LivePosition> {
  const r = await ctx.deps.store.setProtection(p.positionId, p.version, protection, ctx.now());
  if (r.status === 'stale') throw contended(`live position ${p.positionId}`);
  return r.position;
}

/** Places (or finds and records) the bracket of an open position whose protection is `none`. */
export async function protectPosition(ctx: LiveCtx, p: LivePosition): Promise<ProtectOutcome> {
  if (p.status !== 'open' || p.protection.state !== 'none' || !(p.qty > 0)) return 'skipped';
  const generation = p.protection.generation;
  const b = await bracketOf(ctx, p, generation);
  const placed = (): LiveProtection => ({
    generation,
    listClientOrderId: b.listClientOrderId,
    stopClientOrderId: b.stopClientOrderId,
    targetClientOrderId: b.targetClientOrderId,
    state: 'placed',
    at: ctx.now(),
  });
  const existing = await ctx.trading.findOrder(p.symbol, b.stopClientOrderId);
  if (existing) {
    ctx.deps.log.warn('live protection found on the exchange, recorded', { positionId: p.positionId, listClientOrderId: b.listClientOrderId });
    await record(ctx, p, placed());
    ctx.counts.protectionsPlaced++;
    return 'placed';
  }
  try {
    const rules = await ctx.rules(p.symbol);
    if (b.amount < rules.minAmount || b.amount * b.stopLimitPrice < rules.minNotional) {
      throw new PermanentError(`${b.amount} ${rules.base} at ${b.stopLimitPrice} is below the market's minimum (amount ${rules.minAmount}, notional ${rules.minNotional})`, { code: 'PROTECTION_FAILED' });
    }
    await ctx.trading.placeProtection({ ...b, symbol: p.symbol });
  } catch (error) {
    if (!isCandlebotError(error) || isTransient(error)) throw error;
    return fail(ctx, p, b, describeError(error));
  }
  const after = await record(ctx, p, placed());
  ctx.counts.protectionsPlaced++;
  ctx.deps.log.info('live protection placed', { positionId: p.positionId, generation, stop: b.stopPrice, target: b.targetPrice, amount: b.amount });
  await ctx.tell.tell(after.recipients, orderSourceId(b.listClientOrderId, 'placed'), 'position-opened', renderProtectionPlacedText(protectionText(ctx, p, b, generation)));
  return 'placed';
}

/** The bracket cannot be placed (or vanished twice): recorded, admins alerted, and by config sold at market. */
export async function fail(ctx: LiveCtx, p: LivePosition, b: Bracket, reason: string): Promise<'failed'> {
  const marketExit = ctx.ex.trading.exitOnProtectionFailure;
  const after = await record(ctx, p, { generation: p.protection.generation, state: 'failed', reason, at: ctx.now() });
  ctx.deps.log.error('live protection failed', { positionId: p.positionId, code: 'PROTECTION_FAILED', error: reason, marketExit });
  await ctx.tell.alert(`protection-failed#${b.listClientOrderId}`, renderProtectionFailedText({ ...protectionText(ctx, p, b, p.protection.generation), error: reason, marketExit }));
  if (marketExit) await exitAtMarket(ctx, after, 'protection-failed');
  return 'failed';
}

/** Sends an entry intent (./submit.ts); filled at once, its position is protected right away. */
export async function sendEntry(ctx: LiveCtx, intent: LiveOrder): Promise<SubmitOutcome> {
  const sent = await submitOrder(ctx, intent);
  if (sent.status === 'sent' && sent.order.status === 'filled' && intent.positionId !== undefined) {
    const position = await ctx.deps.store.getPosition(intent.positionId);
    if (position?.ok) await protectPosition(ctx, position.value);
  }
  return sent;
}
