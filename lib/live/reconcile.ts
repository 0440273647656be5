/**
 * Reconcile (scheduled every minute, functions/reconcile.ts): per live exchange, with the
 * exchange as the source of truth and every step bounded (rows listed up to `limits`, no new
 * item started once the invocation's time left is below RESERVE_MS):
 * 1. a pending /panic is executed (./panic.ts);
 * 2. in-flight orders: an intent left by a stopped run is sent (an entry past its deadline is
 *    settled unsent); the others are looked up by client order id — forward transitions, fills
 *    and fees recorded, an entry past its deadline cancelled and settled with what filled,
 *    a final exit closes its position, an order the exchange never knew is `lost` after
 *    LOOKUPS_BEFORE_LOST spaced look-ups (./order-sync.ts);
 * 3. live positions: protected, watched, closed from their protective fills, re-protected
 *    (./watch-position.ts);
 * 4. orders and fills with a bot client order id and no row are adopted (./adopt.ts); an adopted
 *    order is looked up in step 2 until the exchange shows it final, then leaves the in-flight list;
 * 5. the exchange's balances are kept on the budget row for /balance.
 * After a crash anywhere the next run converges: every send is preceded by a versioned change
 * that only one run wins, and everything else is a look-up. An item that fails is counted with
 * its code; a transient failure is left for the next run, a permanent one is alerted.
 */
import { clientOrderId, MAX_GENERATION } from '../core/live/client-order-id.js';
import { describeError, isCandlebotError, isTransient, PermanentError } from '../errors.js';
import type { LiveOrder } from '../ports/live.js';
import { adoptUnknown, followAdopted } from './adopt.js';
import { liveContext, type LiveCounts, type LiveCtx } from './context.js';
import { liveExchangesOf, type LiveDeps, type LiveExchange } from './deps.js';
import { settleEntry, syncOrder } from './order-sync.js';
import { NO_FILLS } from '../core/live/fees.js';
import { runPanic } from './panic.js';
import { submitOrder } from './submit.js';
import { createTeller, type Teller } from './tell.js';
import { watchPosition } from './watch-position.js';
import { sendEntry } from './protect.js';

export interface ReconcileReport extends Omit<LiveCounts, 'cancelled'> {
  exchanges: number;
  alerts: number;
  panics: number;
  failed: number;
  /** Per-item failures with codes, for the log. */
  errors: readonly { id: string; code: string }[];
}

export const DEFAULT_MAX_ORDERS = 100;
export const DEFAULT_MAX_POSITIONS = 100;
/** No new item is started with less time left than this (one item makes a few exchange calls). */
export const RESERVE_MS = 8_000;

export async function runReconcile(deps: LiveDeps, limits: { maxOrders?: number; maxPositions?: number } = {}): Promise<ReconcileReport> {
  const tell = createTeller(deps);
  const errors: { id: string; code: string }[] = [];
  const report = { exchanges: 0, ordersChecked: 0, advanced: 0, settled: 0, protectionsPlaced: 0, closed: 0, adopted: 0, lost: 0, panics: 0 };
  for (const ex of liveExchangesOf(deps.config)) {
    if (deps.remainingMs() < RESERVE_MS) break;
    report.exchanges++;
    const item = itemRunner(deps, tell, errors, ex);
    let ctx: LiveCtx | undefined;
    await item(`exchange#${ex.id}`, async () => {
      ctx = await liveContext(deps, ex.id, tell);
    });
    if (!ctx) continue;
    const c = ctx;
    await item(`panic#${ex.id}`, async () => {
      if (await panicPending(c)) {
        const panic = await runPanic(deps, ex.id, tell);
        report.panics++;
        report.closed += panic.closed;
        for (const f of panic.failed) errors.push(f);
      }
    });
    await reconcileExchange(c, item, limits);
    for (const key of Object.keys(c.counts) as (keyof typeof c.counts)[]) {
      if (key in report) report[key as keyof typeof report] += c.counts[key];
    }
  }
  return { ...report, alerts: tell.alerts(), failed: errors.length, errors };
}

type Item = (id: string, work: () => Promise<unknown>) => Promise<void>;

/** Runs one item: a classified failure is counted (transient: next run; permanent: alerted), a bug propagates. */
function itemRunner(deps: LiveDeps, tell: Teller, errors: { id: string; code: string }[], ex: LiveExchange): Item {
  return async (id, work) => {
    try {
      await work();
    } catch (error) {
      if (!isCandlebotError(error)) throw error;
      errors.push({ id, code: error.code });
      if (isTransient(error)) {
        deps.log.warn('reconcile: left for the next run', { exchange: ex.id, id, code: error.code, error: describeError(error) });
        return;
      }
      deps.log.error('reconcile: item failed', { exchange: ex.id, id, code: error.code, error: describeError(error) });
      await tell.alertOf(ex, `failed#${id}#${error.code}`, { title: 'live reconcile failed', detail: `${id}: ${describeError(error)}`, code: error.code, check: 'the logs of the reconcile function; the item is tried again every run' });
    }
  };
}

async function panicPending(ctx: LiveCtx): Promise<boolean> {
  const budget = await ctx.deps.store.getBudget(ctx.ex.id);
  return budget?.ok === true && budget.value.panic !== undefined && budget.value.panic.handledAt === undefined;
}

async function reconcileExchange(ctx: LiveCtx, item: Item, limits: { maxOrders?: number; maxPositions?: number }): Promise<void> {
  const { store, remainingMs } = ctx.deps;
  const exchange = ctx.ex.id;
  const time = (): boolean => remainingMs() >= RESERVE_MS;

  const orders = await listed(item, `orders#${exchange}`, () => store.listInFlightOrders(exchange, limits.maxOrders ?? DEFAULT_MAX_ORDERS));
  for (const o of orders?.items ?? []) {
    if (!time()) break;
    if (o.adopted === true) {
      // Not the bot's books: only followed until final at the exchange, then off the list (./adopt.ts).
      await item(o.clientOrderId, () => followAdopted(ctx, o));
      continue;
    }
    ctx.counts.ordersChecked++;
    await item(o.clientOrderId, () => followOrder(ctx, o));
  }

  const positions = await listed(item, `positions#${exchange}`, () => store.listOpenPositions(exchange, limits.maxPositions ?? DEFAULT_MAX_POSITIONS));
  const legIds = new Set<string>();
  for (const p of positions?.items ?? []) {
    // Every bracket generation this run may have placed (a re-placement happens during the watch below).
    for (let g = 0; g <= Math.min(p.protection.generation + 1, MAX_GENERATION); g++) {
      for (const role of ['list', 'stop', 'target'] as const) legIds.add(clientOrderId(p.positionId, role, g));
    }
    if (!time()) continue;
    await item(p.positionId, () => watchPosition(ctx, p));
  }
  for (const c of [...(orders?.corrupt ?? []), ...(positions?.corrupt ?? [])]) {
    await item(c.rowId, async () => {
      throw new PermanentError(`live row ${c.rowId} fails validation (${c.reason}); it is skipped until fixed`, { code: 'CORRUPT_ROW' });
    });
  }

  if (time() && positions && !positions.truncated) await item(`adopt#${exchange}`, () => adoptUnknown(ctx, legIds));
  if (time()) {
    await item(`balances#${exchange}`, async () => {
      const balances = await ctx.trading.balances();
      const seen = Object.fromEntries(Object.entries(balances).filter(([, b]) => b.total > 0));
      await store.recordBalances(exchange, seen, ctx.now());
    });
  }
}

async function listed<T>(item: Item, id: string, list: () => Promise<T>): Promise<T | undefined> {
  let out: T | undefined;
  await item(id, async () => {
    out = await list();
  });
  return out;
}

/** One in-flight order: an intent is sent (or, past its deadline, settled unsent); the others are looked up. */
async function followOrder(ctx: LiveCtx, o: LiveOrder): Promise<void> {
  if (o.status !== 'intent') {
    await syncOrder(ctx, o);
    return;
  }
  if (o.role === 'entry' && o.deadline !== undefined && ctx.now() >= o.deadline) {
    await settleEntry(ctx, o, 'cancelled', NO_FILLS, { reason: 'not sent before its deadline (the run that recorded it stopped)' });
    return;
  }
  if (o.role === 'entry') await sendEntry(ctx, o);
  else await submitOrder(ctx, o);
}
