/**
 * Sending an order row that is in `intent`, exactly once:
 *
 * 1. the versioned change intent → submitted: of all invocations holding the row (a repeated
 *    signal, a re-driven outbox, reconcile) exactly one wins; the others send nothing;
 * 2. the winner sends it with its derived client order id;
 * 3. the answer is recorded (./order-sync.ts). When the answer is lost (ORDER_ANSWER_UNKNOWN,
 *    or any error that does not prove the order was refused) the order is looked up by client
 *    order id a bounded number of times, never sent again; not found, it stays `submitted` for
 *    reconcile (lost after LOOKUPS_BEFORE_LOST spaced look-ups). A refusal by the exchange
 *    (ORDER_REJECTED, or keys/clock it refuses) ends the order `rejected` and releases its money.
 *
 * An error that is not classified (a bug, or a crash injected by a test) is never caught: the
 * run stops there and the next one converges from the rows.
 */
import { NO_FILLS } from '../core/live/fees.js';
import { describeError, isCandlebotError, isTransient, type CandlebotError } from '../errors.js';
import type { LiveOrder } from '../ports/live.js';
import type { ExchangeOrder } from '../ports/trading.js';
import { realSleep } from '../retry.js';
import type { LiveCtx } from './context.js';
import { contended, recordAnswer, settleEntry, finishExit } from './order-sync.js';
import { tellPlaced } from './order-messages.js';

/** Look-ups after a lost answer within one invocation, and the waits before each. */
const LOOKUP_WAITS_MS = [250, 750, 1500] as const;
/** Codes that prove the exchange did not take the order. */
const REFUSED: ReadonlySet<string> = new Set(['ORDER_REJECTED', 'EXCHANGE_AUTH', 'EXCHANGE_CLOCK_SKEW', 'AUTH']);

export type SubmitOutcome =
  /** Sent and recorded (the row after; possibly already final). */
  | { readonly status: 'sent'; readonly order: LiveOrder }
  /** Another invocation moved the intent first: it sends the order, not this one. */
  | { readonly status: 'raced' }
  /** The answer was lost and the look-ups did not find it: left `submitted` for reconcile. */
  | { readonly status: 'unknown'; readonly order: LiveOrder; readonly error: CandlebotError }
  /** The exchange refused it: the order is `rejected`, its money released. */
  | { readonly status: 'rejected'; readonly order: LiveOrder; readonly error: CandlebotError };

async function lookUp(ctx: LiveCtx, o: LiveOrder): Promise<ExchangeOrder | undefined> {
  const sleep = ctx.deps.sleep ?? realSleep;
  for (const wait of LOOKUP_WAITS_MS) {
    if (ctx.deps.remainingMs() < wait + 5_000) return undefined;
    await sleep(wait);
    try {
      const found = await ctx.trading.findOrder(o.symbol, o.clientOrderId);
      if (found) return found;
    } catch (error) {
      if (!isTransient(error)) throw error;
      ctx.deps.log.warn('live order look-up failed', { clientOrderId: o.clientOrderId, error: describeError(error) });
    }
  }
  return undefined;
}

export async function submitOrder(ctx: LiveCtx, intent: LiveOrder): Promise<SubmitOutcome> {
  const { store, log } = ctx.deps;
  const moved = await store.advanceOrder({ clientOrderId: intent.clientOrderId, version: intent.version, from: 'intent', to: 'submitted', submittedAt: ctx.now(), now: ctx.now() });
  if (moved.status === 'missing') throw contended(`order ${intent.clientOrderId}`);
  if (moved.status === 'stale') return { status: 'raced' };
  const o = moved.order;
  let answer: ExchangeOrder | undefined;
  try {
    answer = await ctx.trading.placeOrder({
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      amount: o.amount,
      ...(o.price === undefined ? {} : { price: o.price }),
    });
  } catch (error) {
    if (!isCandlebotError(error)) throw error;
    if (REFUSED.has(error.code)) return reject(ctx, o, error);
    log.warn('live order answer unknown: looking it up by client order id', { clientOrderId: o.clientOrderId, code: error.code, error: describeError(error) });
    answer = await lookUp(ctx, o);
    if (!answer) return { status: 'unknown', order: o, error };
  }
  log.info('live order placed', { clientOrderId: o.clientOrderId, positionId: o.positionId, role: o.role, symbol: o.symbol, amount: o.amount, price: o.price, status: answer.status });
  await tellPlaced(ctx, o);
  return { status: 'sent', order: await recordAnswer(ctx, o, answer) };
}

async function reject(ctx: LiveCtx, o: LiveOrder, error: CandlebotError): Promise<SubmitOutcome> {
  const reason = describeError(error);
  ctx.deps.log.warn('live order refused by the exchange', { clientOrderId: o.clientOrderId, positionId: o.positionId, code: error.code, error: reason });
  if (o.role === 'entry') {
    await settleEntry(ctx, o, 'rejected', NO_FILLS, { reason });
  } else {
    const r = await ctx.deps.store.advanceOrder({ clientOrderId: o.clientOrderId, version: o.version, from: o.status, to: 'rejected', reason, now: ctx.now() });
    if (r.status !== 'advanced') throw contended(`order ${o.clientOrderId}`);
    await finishExit(ctx, r.order);
  }
  // An entry refused for good is told to its recipients; a refused exit leaves coins unsold, and keys or clock refused stop all trading: admins.
  if (error.code !== 'ORDER_REJECTED' || o.role === 'exit') {
    await ctx.tell.alertOf(ctx.ex, `refused#${o.clientOrderId}`, { title: `${o.role} order refused by ${ctx.ex.id}`, detail: reason, code: error.code, check: 'the API key (trading permission), the clock and the account' });
  }
  const after = await ctx.deps.store.getOrder(o.clientOrderId);
  return { status: 'rejected', order: after?.ok ? after.value : o, error };
}
