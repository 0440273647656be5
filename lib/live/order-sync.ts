/**
 * Brings one order row up to what the exchange says about it (the exchange is the source of
 * truth): forward status changes and the fills' totals as one versioned update; a final entry
 * settles through settleEntry (the position opens with what filled, the rest of the reservation
 * is released), a final exit closes its position (or reopens it when nothing was sold).
 *
 * Every store change is conditional on the version read: when another run moved the row first
 * the change is not written and LIVE_CONTENDED (transient) leaves the order to the next run,
 * which reads it again. Nothing here sends an order.
 */
import { isFinal, LOOKUPS_BEFORE_LOST, type OrderStatus } from '../core/live/order-state.js';
import { NO_FILLS } from '../core/live/fees.js';
import { renderLiveOrderLostText } from '../core/live-text.js';
import { PermanentError, TransientError } from '../errors.js';
import type { LiveHalt, LiveOrder, LivePosition, OrderFills } from '../ports/live.js';
import type { ExchangeOrder } from '../ports/trading.js';
import type { LiveCtx } from './context.js';
import { averagePrice, newFills, statusOf, storedTotals, totalsOf } from './fills.js';
import { orderText, tellClosed, tellProgress } from './order-messages.js';

/** Look-ups of a submitted order are at least this far apart (and the first this long after sending). */
export const LOOKUP_SPACING_MS = 60_000;
/** Fills are listed from this long before the order row was written (the exchange's clock may differ). */
const FILLS_MARGIN_MS = 5 * 60_000;

export type FinalEntryStatus = 'filled' | 'cancelled' | 'expired' | 'rejected' | 'lost';

export const contended = (what: string): TransientError => new TransientError(`${what} changed meanwhile (another run moved it first); the next run reads it again`, { code: 'LIVE_CONTENDED' });

export async function readPosition(ctx: LiveCtx, positionId: string): Promise<LivePosition> {
  const read = await ctx.deps.store.getPosition(positionId);
  if (!read) throw new PermanentError(`live position ${positionId} does not exist`, { code: 'LIVE_INCONSISTENT' });
  if (!read.ok) throw new PermanentError(`live position ${positionId} fails validation: ${read.problem.reason}`, { code: 'CORRUPT_ROW' });
  return read.value;
}

export async function readOrder(ctx: LiveCtx, clientOrderId: string): Promise<LiveOrder | undefined> {
  const read = await ctx.deps.store.getOrder(clientOrderId);
  if (!read) return undefined;
  if (!read.ok) throw new PermanentError(`live order ${clientOrderId} fails validation: ${read.problem.reason}`, { code: 'CORRUPT_ROW' });
  return read.value;
}

/** The entry is final: the position opens with what filled (or closes when nothing did); the position after. */
export async function settleEntry(ctx: LiveCtx, o: LiveOrder, to: FinalEntryStatus, fills: OrderFills, extra: { exchangeOrderId?: string; reason?: string } = {}): Promise<LivePosition> {
  const position = await readPosition(ctx, requirePositionId(o));
  const r = await ctx.deps.store.settleEntry({
    clientOrderId: o.clientOrderId,
    version: o.version,
    from: o.status,
    to,
    fills,
    ...(extra.exchangeOrderId === undefined ? {} : { exchangeOrderId: extra.exchangeOrderId }),
    ...(extra.reason === undefined ? {} : { reason: extra.reason }),
    stop: position.stop,
    target: position.target,
    now: ctx.now(),
  });
  if (r.status === 'missing') throw new PermanentError(`entry order ${o.clientOrderId} vanished from the store`, { code: 'LIVE_INCONSISTENT' });
  if (r.status === 'stale') throw contended(`entry order ${o.clientOrderId}`);
  ctx.counts.settled++;
  ctx.deps.log.info('live entry settled', { clientOrderId: o.clientOrderId, positionId: o.positionId, status: to, filled: fills.filled, cost: fills.cost, fee: fills.fee, qty: r.position.qty });
  await tellProgress(ctx, r.order, r.position);
  return r.position;
}

/** An exit order is final: close its position with what was sold, or reopen it when nothing was. */
export async function finishExit(ctx: LiveCtx, o: LiveOrder): Promise<LivePosition> {
  const position = await readPosition(ctx, requirePositionId(o));
  if (position.status === 'closed' || position.status === 'open') return position;
  const { store } = ctx.deps;
  const now = ctx.now();
  if (o.filled > 0) {
    const settings = ctx.ex.trading;
    const r = await store.closePosition({
      positionId: position.positionId,
      version: position.version,
      exit: { clientOrderId: o.clientOrderId, reason: position.exit?.reason ?? 'signal', ...noteOf(position), price: averagePrice(o), amount: o.filled, proceeds: o.cost, fee: o.fee },
      maxDrawdown: settings.maxDrawdown,
      cooldownMinutes: settings.cooldownMinutes,
      now,
    });
    if (r.status === 'missing') throw new PermanentError(`live position ${position.positionId} vanished from the store`, { code: 'LIVE_INCONSISTENT' });
    if (r.status === 'stale') throw contended(`live position ${position.positionId}`);
    await afterClose(ctx, r, now);
    return r.position;
  }
  const r = await store.cancelExit(position.positionId, position.version, now);
  if (r.status === 'stale') throw contended(`live position ${position.positionId}`);
  ctx.deps.log.warn('live exit sold nothing: the position is open again', { positionId: position.positionId, clientOrderId: o.clientOrderId, status: o.status });
  return r.position;
}

/** The exit rule's note the closing position carries (reason rule), for its close row. */
const noteOf = (p: LivePosition): { note?: string } => (p.exit?.note === undefined ? {} : { note: p.exit.note });

/** A position just closed: counted, logged, told; a drawdown halt is an admin alert. */
export async function afterClose(ctx: LiveCtx, r: { readonly position: LivePosition; readonly pnl: number; readonly halted?: LiveHalt }, now: number): Promise<void> {
  ctx.counts.closed++;
  ctx.deps.log.info('live position closed', { positionId: r.position.positionId, reason: r.position.exit?.reason, pnl: r.pnl, ...(r.halted ? { halted: r.halted.reason } : {}) });
  await tellClosed(ctx, r.position, now);
  if (r.halted) {
    await ctx.tell.alertOf(ctx.ex, `halted#${ctx.ex.id}#${r.halted.at}`, { title: 'live trading halted', detail: r.halted.reason, check: 'no new live entry until an admin sends /resume' });
  }
}

function requirePositionId(o: LiveOrder): string {
  if (o.positionId === undefined) throw new PermanentError(`order ${o.clientOrderId} has no position (adopted): it is never settled by the bot`, { code: 'LIVE_INCONSISTENT' });
  return o.positionId;
}

/** A final status of any order: entries settle; exits are written final, then close their position. */
async function finish(ctx: LiveCtx, o: LiveOrder, to: FinalEntryStatus, fills: OrderFills, extra: { exchangeOrderId?: string; reason?: string }): Promise<LiveOrder> {
  if (o.role === 'entry') {
    await settleEntry(ctx, o, to, fills, extra);
    return (await readOrder(ctx, o.clientOrderId)) ?? o;
  }
  const done = await advance(ctx, o, to, fills, extra);
  await finishExit(ctx, done);
  return done;
}

async function advance(ctx: LiveCtx, o: LiveOrder, to: OrderStatus, fills: OrderFills | undefined, extra: { exchangeOrderId?: string; reason?: string; lookup?: boolean } = {}): Promise<LiveOrder> {
  const r = await ctx.deps.store.advanceOrder({
    clientOrderId: o.clientOrderId,
    version: o.version,
    from: o.status,
    to,
    ...(fills === undefined ? {} : { fills }),
    ...(extra.exchangeOrderId === undefined ? {} : { exchangeOrderId: extra.exchangeOrderId }),
    ...(extra.reason === undefined ? {} : { reason: extra.reason }),
    ...(extra.lookup ? { lookup: true } : {}),
    now: ctx.now(),
  });
  if (r.status === 'missing') throw new PermanentError(`order ${o.clientOrderId} vanished from the store`, { code: 'LIVE_INCONSISTENT' });
  if (r.status === 'stale') throw contended(`order ${o.clientOrderId}`);
  ctx.counts.advanced++;
  return r.order;
}

/** Records what the exchange answered for `o` (status, fills); the row after. `reason`: why it ended (e.g. entry timeout). */
export async function recordAnswer(ctx: LiveCtx, o: LiveOrder, x: ExchangeOrder, reason?: string): Promise<LiveOrder> {
  const rules = await ctx.rules(o.symbol);
  const totals = await totalsOf(ctx.trading, rules, x, o.createdAt - FILLS_MARGIN_MS);
  const to = statusOf(x);
  const extra = { exchangeOrderId: x.orderId, ...(reason === undefined || to === 'filled' ? {} : { reason }) };
  if (isFinal(to)) return finish(ctx, o, to as FinalEntryStatus, totals, extra);
  if (to === o.status && !newFills(storedTotals(o), totals) && o.exchangeOrderId === x.orderId) return o;
  const next = await advance(ctx, o, to, totals, extra);
  if (newFills(storedTotals(o), totals)) await tellProgress(ctx, next);
  return next;
}

/** An order the exchange does not know: one more look-up, or `lost` after LOOKUPS_BEFORE_LOST spaced look-ups. */
export async function notFound(ctx: LiveCtx, o: LiveOrder): Promise<LiveOrder> {
  if (o.status !== 'submitted') {
    throw new PermanentError(`order ${o.clientOrderId} is ${o.status} in the store but the exchange does not know it`, { code: 'LIVE_INCONSISTENT' });
  }
  const now = ctx.now();
  const last = o.lookups === 0 ? (o.submittedAt ?? o.updatedAt) : o.updatedAt;
  if (now - last < LOOKUP_SPACING_MS) return o;
  const lookups = o.lookups + 1;
  if (lookups < LOOKUPS_BEFORE_LOST) return advance(ctx, o, 'submitted', undefined, { lookup: true });
  const reason = `not found on the exchange after ${lookups} look-ups`;
  let done: LiveOrder;
  if (o.role === 'entry') {
    await settleEntry(ctx, o, 'lost', NO_FILLS, { reason });
    done = (await readOrder(ctx, o.clientOrderId)) ?? o;
  } else {
    done = await advance(ctx, o, 'lost', undefined, { reason, lookup: true });
    await finishExit(ctx, done);
  }
  ctx.counts.lost++;
  ctx.deps.log.error('live order lost', { clientOrderId: o.clientOrderId, positionId: o.positionId, lookups, code: 'ORDER_LOST' });
  const released = o.role === 'entry' ? o.stake : undefined;
  await ctx.tell.alert(
    `lost#${o.clientOrderId}`,
    renderLiveOrderLostText({ ...orderText(ctx, o), lookups, ...(o.submittedAt === undefined ? {} : { submittedAt: o.submittedAt }), ...(released === undefined ? {} : { released }) }),
  );
  return done;
}

/**
 * Reconcile of one in-flight order (not `intent`: ./submit.ts sends those): looked up by client
 * order id; an entry past its deadline has its rest cancelled first; then recorded.
 */
export async function syncOrder(ctx: LiveCtx, o: LiveOrder): Promise<LiveOrder> {
  const x = await ctx.trading.findOrder(o.symbol, o.clientOrderId);
  if (!x) return notFound(ctx, o);
  if (o.role === 'entry' && !isFinal(statusOf(x)) && o.deadline !== undefined && ctx.now() >= o.deadline) {
    const cancelled = await ctx.trading.cancelOrder(o.symbol, o.clientOrderId);
    if (cancelled) ctx.counts.cancelled++;
    const after = cancelled ?? (await ctx.trading.findOrder(o.symbol, o.clientOrderId)) ?? x;
    if (!isFinal(statusOf(after))) throw new TransientError(`entry ${o.clientOrderId}: cancelled at its deadline but still open on the exchange`, { code: 'LIVE_CONTENDED' });
    return recordAnswer(ctx, o, after, 'entry timeout: the unfilled rest was cancelled');
  }
  return recordAnswer(ctx, o, x);
}
