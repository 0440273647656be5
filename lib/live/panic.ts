/**
 * /panic on one live exchange (requested by an admin; executed by reconcile, or directly):
 * 1. every entry order in flight is cancelled at the exchange and settled with what filled
 *    (an intent never sent is settled without sending it);
 * 2. every live position is sold at market (its protective bracket cancelled first; a leg
 *    that sold meanwhile closes it instead), exit reason `panic`;
 * 3. every other open order with a bot client order id in the exchange's live markets is
 *    cancelled (adopted or unknown ones included).
 * Trading stays halted (requestPanic set it) until /resume. Idempotent: ids are derived, every
 * change is versioned, a second run finds less to do. A pending panic is marked handled only
 * when nothing failed; else the next reconcile run executes it again. The admins get the report.
 */
import { isBotOrderId } from '../core/live/client-order-id.js';
import { NO_FILLS } from '../core/live/fees.js';
import { renderPanicReportText } from '../core/live-text.js';
import { asCandlebotError, describeError, isCandlebotError } from '../errors.js';
import type { LiveOrder, LivePosition } from '../ports/live.js';
import { liveContext, type LiveCtx } from './context.js';
import type { LiveDeps } from './deps.js';
import { continueExit, exitAtMarket } from './exit-order.js';
import { readPosition, settleEntry, syncOrder } from './order-sync.js';
import type { Teller } from './tell.js';

export interface PanicReport {
  exchange: string;
  cancelled: number;
  closed: number;
  failed: readonly { id: string; code: string }[];
}

const LIST_LIMIT = 200;

export async function runPanic(deps: LiveDeps, exchange: string, tell?: Teller): Promise<PanicReport> {
  const ctx = await liveContext(deps, exchange, tell);
  const failed: { id: string; code: string; error: string }[] = [];
  const attempt = async (id: string, work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      if (!isCandlebotError(error)) throw error;
      const e = asCandlebotError(error);
      failed.push({ id, code: e.code, error: describeError(e) });
      deps.log.error('panic: an item failed', { exchange, id, code: e.code, error: describeError(e) });
    }
  };
  const { store } = deps;

  const orders = await store.listInFlightOrders(exchange, LIST_LIMIT);
  for (const o of orders.items.filter((x) => x.role === 'entry' && x.adopted !== true)) await attempt(o.clientOrderId, () => cancelEntry(ctx, o));

  const positions = await store.listOpenPositions(exchange, LIST_LIMIT);
  for (const p of positions.items) await attempt(p.positionId, () => sell(ctx, p.positionId));

  const symbols = [...new Set([...ctx.ex.config.symbols, ...positions.items.map((p) => p.symbol)])];
  for (const symbol of symbols) {
    await attempt(`open-orders#${symbol}`, async () => {
      for (const x of await ctx.trading.openOrders(symbol)) {
        if (!isBotOrderId(x.clientOrderId)) continue;
        await attempt(x.clientOrderId, async () => {
          if (await ctx.trading.cancelOrder(symbol, x.clientOrderId)) ctx.counts.cancelled++;
        });
      }
    });
  }
  for (const c of [...orders.corrupt, ...positions.corrupt]) failed.push({ id: c.rowId, code: 'CORRUPT_ROW', error: c.reason });

  const report: PanicReport = { exchange, cancelled: ctx.counts.cancelled, closed: ctx.counts.closed, failed: failed.map(({ id, code }) => ({ id, code })) };
  await finishPanic(ctx, report, failed);
  return report;
}

async function finishPanic(ctx: LiveCtx, report: PanicReport, failed: readonly { id: string; error: string }[]): Promise<void> {
  const { store, log } = ctx.deps;
  const now = ctx.now();
  const budget = await store.getBudget(ctx.ex.id);
  const pending = budget?.ok && budget.value.panic && budget.value.panic.handledAt === undefined ? budget.value.panic : undefined;
  const line = `cancelled ${report.cancelled}, closed ${report.closed}, failed ${failed.length}`;
  if (pending && failed.length === 0) await store.markPanicHandled(ctx.ex.id, pending.requestedAt, line, now);
  log.warn('panic executed', { exchange: ctx.ex.id, cancelled: report.cancelled, closed: report.closed, failed: failed.length, handled: pending !== undefined && failed.length === 0 });
  const text = renderPanicReportText({ venue: ctx.ex.venue, exchange: ctx.ex.id, cancelled: report.cancelled, closed: report.closed, failed: failed.map((f) => ({ what: f.id, error: f.error })), handledAt: now });
  await ctx.tell.alert(`panic#${ctx.ex.id}#${pending?.requestedAt ?? now}#${failed.length === 0 ? 'done' : `run-${now}`}`, text);
}

/** Cancels an entry at the exchange (an intent is never sent) and settles it with what filled. */
async function cancelEntry(ctx: LiveCtx, o: LiveOrder): Promise<void> {
  if (o.status === 'intent') {
    await settleEntry(ctx, o, 'cancelled', NO_FILLS, { reason: 'panic: cancelled before it was sent' });
    return;
  }
  if (await ctx.trading.cancelOrder(o.symbol, o.clientOrderId)) ctx.counts.cancelled++;
  const after = await syncOrder(ctx, o);
  if (after.status === 'submitted') ctx.deps.log.warn('panic: an entry whose answer was lost is not known to the exchange yet', { clientOrderId: o.clientOrderId });
}

/** Sells a live position at market (reason panic); an exit in flight is followed instead. */
async function sell(ctx: LiveCtx, positionId: string): Promise<void> {
  const p: LivePosition = await readPosition(ctx, positionId);
  if (p.status === 'open') {
    await exitAtMarket(ctx, p, 'panic');
    return;
  }
  if (p.status === 'closing' && p.exit) {
    const order = await ctx.deps.store.getOrder(p.exit.clientOrderId);
    if (order?.ok) await continueExit(ctx, order.value);
  }
}
