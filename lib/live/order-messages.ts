/**
 * The messages about one live order or position (texts: lib/core/live-text.ts), told to the
 * position's recipients with ids derived from the order id and the event (./tell.ts).
 */
import {
  renderLiveOrderCancelledText,
  renderLiveOrderFilledText,
  renderLiveOrderPartialText,
  renderLiveOrderPlacedText,
  renderLivePositionClosedText,
  type LiveOrderText,
} from '../core/live-text.js';
import type { LiveOrder, LivePosition } from '../ports/live.js';
import type { LiveCtx } from './context.js';
import { orderSourceId } from './tell.js';

export function orderText(ctx: LiveCtx, o: LiveOrder): LiveOrderText {
  return {
    venue: ctx.ex.venue,
    exchange: o.exchange,
    symbol: o.symbol,
    ...(o.strategy === undefined ? {} : { strategy: o.strategy }),
    ...(o.timeframe === undefined ? {} : { timeframe: o.timeframe }),
    clientOrderId: o.clientOrderId,
    role: o.role,
    side: o.side,
    type: o.type,
    amount: o.amount,
    ...(o.price === undefined ? {} : { price: o.price }),
  };
}

const kindOf = (o: LiveOrder) => (o.role === 'entry' ? ('position-opened' as const) : ('position-closed' as const));

/** Who hears about the order: its position's recipients (none for an adopted order). */
async function chatsOf(ctx: LiveCtx, o: LiveOrder, position?: LivePosition): Promise<readonly number[]> {
  if (position) return position.recipients;
  if (o.positionId === undefined) return [];
  const read = await ctx.deps.store.getPosition(o.positionId);
  return read?.ok ? read.value.recipients : [];
}

export async function tellPlaced(ctx: LiveCtx, o: LiveOrder, position?: LivePosition): Promise<void> {
  const text = renderLiveOrderPlacedText({ ...orderText(ctx, o), ...(o.role === 'entry' ? { stake: o.stake } : {}), ...(o.deadline === undefined ? {} : { deadline: o.deadline }) });
  await ctx.tell.tell(await chatsOf(ctx, o, position), orderSourceId(o.clientOrderId, 'placed'), kindOf(o), text);
}

/** A fill, partial or complete, or the order's end with what filled (cancelled, expired, rejected after a part). */
export async function tellProgress(ctx: LiveCtx, o: LiveOrder, position?: LivePosition): Promise<void> {
  const chats = await chatsOf(ctx, o, position);
  const fills = { filled: o.filled, cost: o.cost, fee: o.fee };
  if (o.status === 'filled') {
    await ctx.tell.tell(chats, orderSourceId(o.clientOrderId, 'filled'), kindOf(o), renderLiveOrderFilledText({ ...orderText(ctx, o), ...fills }));
  } else if (o.status === 'partially-filled') {
    // One message per fill level: the id carries the filled amount.
    await ctx.tell.tell(chats, orderSourceId(o.clientOrderId, `part-${o.filled}`), kindOf(o), renderLiveOrderPartialText({ ...orderText(ctx, o), ...fills }));
  } else if (o.status === 'cancelled' || o.status === 'expired' || o.status === 'rejected') {
    const released = o.role === 'entry' ? Math.max(0, o.stake - o.cost - (o.fee - o.feeFromBase)) : 0;
    const reason = o.reason ?? o.status;
    await ctx.tell.tell(chats, orderSourceId(o.clientOrderId, o.status), kindOf(o), renderLiveOrderCancelledText({ ...orderText(ctx, o), ...fills, reason, released }));
  }
}

/** A closed live position: fills next to the rule's prices. */
export async function tellClosed(ctx: LiveCtx, p: LivePosition, now: number): Promise<void> {
  const exit = p.exit;
  if (!exit || exit.price === undefined) return;
  const ruleExit = exit.reason === 'stop' ? p.ruleStop : exit.reason === 'target' ? p.ruleTarget : undefined;
  const text = renderLivePositionClosedText({
    venue: ctx.ex.venue,
    exchange: p.exchange,
    symbol: p.symbol,
    strategy: p.strategy,
    timeframe: p.timeframe,
    reason: exit.reason,
    ...(exit.note === undefined ? {} : { note: exit.note }),
    qty: exit.amount ?? p.qty,
    avgEntry: p.avgEntry ?? 0,
    ruleEntry: p.ruleEntry,
    exitPrice: exit.price,
    ...(ruleExit === undefined ? {} : { ruleExit }),
    entryFee: p.entryFee,
    exitFee: exit.fee ?? 0,
    pnl: p.pnl ?? 0,
    cost: p.cost,
    openedAt: p.createdAt,
    closedAt: p.closedAt ?? now,
  });
  await ctx.tell.tell(p.recipients, orderSourceId(exit.clientOrderId, 'closed'), 'position-closed', text);
}
