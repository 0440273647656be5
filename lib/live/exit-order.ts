/**
 * Selling a live position at market (exit reason signal, rule, panic or protection-failed): the exit
 * order row and the position `closing` are written in one transaction (startExit), then the
 * order is sent once (./submit.ts) and, when the answer says it filled, the position closes.
 *
 * The exit's client order id is derived from the position and an exit generation: the first
 * exit is generation 0; when an earlier exit of the position ended without selling (refused,
 * lost) and the position is open again, the next free generation is taken. A row found in
 * `intent` (a run that stopped before sending it) is sent by this call.
 */
import { amountToStep } from '../core/live/sizing.js';
import { clientOrderId, MAX_GENERATION } from '../core/live/client-order-id.js';
import { isFinal } from '../core/live/order-state.js';
import { PermanentError } from '../errors.js';
import type { LiveExitReason, LiveOrder, LivePosition } from '../ports/live.js';
import type { LiveCtx } from './context.js';
import { contended, readOrder, syncOrder } from './order-sync.js';
import { submitOrder, type SubmitOutcome } from './submit.js';

export type ExitOutcome = SubmitOutcome | { readonly status: 'in-flight'; readonly order: LiveOrder };

/** Sells `position` (open) at market; the outcome of sending its exit order. `note`: reason `rule` only, the strategy's reason. */
export async function exitAtMarket(ctx: LiveCtx, position: LivePosition, reason: LiveExitReason, note?: string): Promise<ExitOutcome> {
  if (position.status !== 'open') throw contended(`live position ${position.positionId}`);
  await cancelBracket(ctx, position);
  const rules = await ctx.rules(position.symbol);
  const amount = amountToStep(position.qty, rules.amountStep);
  if (!(amount > 0)) {
    throw new PermanentError(`live position ${position.positionId}: ${position.qty} ${rules.base} is below one amount step (${rules.amountStep}); sell it by hand`, { code: 'LIVE_INCONSISTENT' });
  }
  for (let generation = 0; generation <= MAX_GENERATION; generation++) {
    const id = clientOrderId(position.positionId, 'exit', generation);
    const order = { clientOrderId: id, type: 'market' as const, amount };
    const r = await ctx.deps.store.startExit({ positionId: position.positionId, positionVersion: position.version, order, reason, ...(note === undefined ? {} : { note }), now: ctx.now() });
    if (r.status === 'stale') throw contended(`live position ${position.positionId}`);
    if (r.status === 'created') {
      ctx.deps.log.warn('live position exits at market', { positionId: position.positionId, reason, ...(note === undefined ? {} : { note }), clientOrderId: id, amount });
      return submitOrder(ctx, r.order);
    }
    const existing = await readOrder(ctx, id);
    if (!existing) throw contended(`exit order ${id}`);
    if (!isFinal(existing.status)) return continueExit(ctx, existing);
  }
  throw new PermanentError(`live position ${position.positionId}: every exit generation is used`, { code: 'LIVE_INCONSISTENT' });
}

/**
 * Cancels the position's protective bracket (its amount is locked in it) before a market exit.
 * A leg that sold something meanwhile stops the exit: the next run closes the position from
 * that leg's fills.
 */
export async function cancelBracket(ctx: LiveCtx, position: LivePosition): Promise<void> {
  const { state, stopClientOrderId, targetClientOrderId } = position.protection;
  if (state !== 'placed') return;
  for (const id of [stopClientOrderId, targetClientOrderId]) {
    if (id === undefined) continue;
    const cancelled = await ctx.trading.cancelOrder(position.symbol, id);
    if (cancelled) ctx.counts.cancelled++;
    const leg = cancelled ?? (await ctx.trading.findOrder(position.symbol, id));
    if (leg && leg.filled > 0) throw contended(`live position ${position.positionId} (its ${id === stopClientOrderId ? 'stop' : 'target'} sold meanwhile)`);
  }
}

/** An exit order already written: sent when still an intent, else brought up to date. */
export async function continueExit(ctx: LiveCtx, order: LiveOrder): Promise<ExitOutcome> {
  if (order.status === 'intent') return submitOrder(ctx, order);
  return { status: 'in-flight', order: await syncOrder(ctx, order) };
}
