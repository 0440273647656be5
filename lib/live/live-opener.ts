/**
 * Opens the live position of a recorded signal on an exchange in live mode, exactly once
 * (position id = signal id, entry client order id derived from it):
 *
 * long:  the pure position rules give the rule's entry, stop and target (as paper would:
 *        pendingFromSignal → fillPending) → the entry is sized to the market (limit buy at the
 *        signal's entry × (1 + entrySlippageBps/1e4), amount down to the step, minimum amount
 *        and notional) → recordIntent writes order (intent), position (opening), lock and
 *        reservation with every protection checked in the same transaction → the order is sent
 *        once (./submit.ts) → its answer recorded; filled at once, it settles and its
 *        protective bracket is placed (./protect.ts). Everything not finished here (a partial
 *        fill, a lost answer, a crash) is finished by reconcile.
 * short: spot is long only — the open live long of the market is sold at market (exit reason
 *        `signal`), or with none the signal is refused `spot-long-only`.
 *
 * A repeat (a second delivery, 30 concurrent ones) finds the order row: it sends it only if it
 * is still an intent and wins the versioned intent → submitted change, so one order is sent.
 * Every refusal is logged with its reason and told to the signal's recipients.
 */
import { clientOrderId } from '../core/live/client-order-id.js';
import { sizeEntry } from '../core/live/sizing.js';
import { renderLiveRefusedText, type LiveFigure } from '../core/live-text.js';
import { fillPending, pendingFromSignal, positionRules } from '../core/positions/index.js';
import type { Signal } from '../core/signal.js';
import { timeframeMs, timeframeSchema, type Timeframe } from '../core/timeframe.js';
import { PermanentError } from '../errors.js';
import type { IntentResult, LiveOrder } from '../ports/live.js';
import type { OpenOutcome, PositionOpener, RefusalReason } from '../ports/positions.js';
import { liveContext, type LiveCtx } from './context.js';
import type { LiveDeps } from './deps.js';
import { exitAtMarket } from './exit-order.js';
import { readOrder } from './order-sync.js';
import { sendEntry } from './protect.js';
import { orderSourceId } from './tell.js';

/** Open positions read to find the long a short signal closes (maxOpenPositions ≤ 50). */
const POSITIONS_LIMIT = 100;

export function createLiveOpener(deps: LiveDeps): PositionOpener {
  return {
    async open(signal: Signal): Promise<OpenOutcome> {
      const tf = timeframeSchema.safeParse(signal.timeframe);
      if (!tf.success) throw new PermanentError(`signal ${signal.id}: unsupported timeframe ${signal.timeframe}`, { code: 'BAD_POSITION' });
      const ctx = await liveContext(deps, signal.exchange);
      return signal.side === 'short' ? openShort(ctx, signal, tf.data) : openLong(ctx, signal, tf.data);
    },
  };
}

/**
 * The paper opener's outcome type knows the paper reasons only: the live reasons it lacks
 * (daily-loss, cooldown, halted, panic, max-stake, sizing, spot-long-only) are reported as
 * `no-budget` — nothing is committed for the signal — with the live reason first in `detail`.
 */
function outcomeReason(reason: string): RefusalReason {
  return reason === 'already-open' || reason === 'max-open' || reason === 'no-budget' ? reason : 'no-budget';
}

async function refuse(ctx: LiveCtx, signal: Signal, tf: Timeframe, reason: string, detail: string, figures: readonly LiveFigure[] = []): Promise<OpenOutcome> {
  const { log, recipients } = ctx.deps;
  log.warn('live signal refused', { signalId: signal.id, exchange: signal.exchange, symbol: signal.symbol, side: signal.side, reason, detail });
  const chats = await recipients.resolve({ strategy: signal.strategy, exchange: signal.exchange, symbol: signal.symbol, timeframe: tf, kind: 'position-opened' });
  const text = renderLiveRefusedText({ venue: ctx.ex.venue, exchange: signal.exchange, symbol: signal.symbol, strategy: signal.strategy, timeframe: tf, side: signal.side, reason, detail, figures });
  await ctx.tell.tell(chats, orderSourceId(clientOrderId(signal.id, 'entry'), `refused-${reason}`), 'position-opened', text);
  return { status: 'refused', positionId: signal.id, reason: outcomeReason(reason), detail: `${reason}: ${detail}` };
}

async function openLong(ctx: LiveCtx, signal: Signal, tf: Timeframe): Promise<OpenOutcome> {
  const { store, config, clock } = ctx.deps;
  const live = ctx.ex.trading;
  const risk = config.risk;
  // The rule's prices, as paper trading would have them (no trailing stop: the bracket is fixed on the exchange).
  const rules = positionRules({ feeRate: risk.feeRate, slippageBps: risk.slippageBps, maxBars: risk.maxBars ?? null });
  const { side, candleTime, stop, target, indicators } = signal;
  const pending = pendingFromSignal({ id: signal.id, symbol: signal.symbol, intent: { side, candleTime, stop, target, indicators }, stake: live.stake }, rules);
  const rule = fillPending(pending, candleTime + timeframeMs(tf), signal.entry, rules);

  const id = clientOrderId(signal.id, 'entry');
  const known = await readOrder(ctx, id);
  if (known) return repeat(ctx, signal, known.status === 'intent' ? known : undefined);

  const market = await ctx.rules(signal.symbol);
  const limit = signal.entry * (1 + live.entrySlippageBps / 10_000);
  const sized = sizeEntry(live.stake, limit, market, risk.feeRate);
  if (!sized.ok) {
    return refuse(ctx, signal, tf, sized.reason, sized.detail, [
      { label: 'stake', value: live.stake },
      { label: 'minimum notional', value: market.minNotional },
    ]);
  }
  const chats = await ctx.deps.recipients.resolve({ strategy: signal.strategy, exchange: signal.exchange, symbol: signal.symbol, timeframe: tf, kind: 'position-opened' });
  const now = clock.now();
  const command = {
    order: { clientOrderId: id, type: 'limit' as const, amount: sized.amount, price: sized.price, stake: live.stake, deadline: now + live.entryTimeoutMinutes * 60_000 },
    position: {
      positionId: signal.id,
      signalId: signal.id,
      exchange: signal.exchange,
      symbol: signal.symbol,
      strategy: signal.strategy,
      timeframe: tf,
      ruleEntry: rule.entryPrice,
      ruleStop: rule.stop,
      ruleTarget: rule.target,
      recipients: chats,
    },
    limits: { maxOpenPositions: live.maxOpenPositions, maxStake: live.stake, dailyLossLimit: live.dailyLossLimit },
    now,
  };
  let result: IntentResult = await store.recordIntent(command);
  if (result.status === 'refused' && result.reason === 'no-budget-row') {
    await store.ensureBudget(ctx.ex.id, ctx.ex.quote, live.budget, now);
    result = await store.recordIntent(command);
  }
  if (result.status === 'refused') return refuse(ctx, signal, tf, result.reason, result.detail, [{ label: 'stake', value: live.stake }]);
  if (result.status === 'exists') {
    const row = await readOrder(ctx, id);
    return repeat(ctx, signal, row?.status === 'intent' ? row : undefined);
  }
  ctx.deps.log.info('live entry recorded', { signalId: signal.id, clientOrderId: id, symbol: signal.symbol, amount: sized.amount, price: sized.price, stake: live.stake, ruleEntry: rule.entryPrice });
  return (await send(ctx, signal, result.order)) ?? { status: 'opened', positionId: signal.id, stake: live.stake };
}

/** A repeat: sends the order only when it is still an intent (the versioned change decides who); else it is decided. */
async function repeat(ctx: LiveCtx, signal: Signal, intent: LiveOrder | undefined): Promise<OpenOutcome> {
  const sent = intent ? await send(ctx, signal, intent) : undefined;
  if (sent) return sent;
  const position = await ctx.deps.store.getPosition(signal.id);
  const state = !position ? 'closed' : !position.ok ? 'quarantined' : position.value.status === 'closed' ? 'closed' : 'open';
  return { status: 'exists', positionId: signal.id, state };
}

/** Sends the intent (and protects an entry filled at once); undefined when another invocation sends it. */
async function send(ctx: LiveCtx, signal: Signal, intent: LiveOrder): Promise<OpenOutcome | undefined> {
  const sent = await sendEntry(ctx, intent);
  if (sent.status === 'raced') return undefined;
  // Told to the recipients as a cancelled order with the exchange's reason (./order-sync.ts settleEntry).
  if (sent.status === 'rejected') return { status: 'refused', positionId: signal.id, reason: 'no-budget', detail: `rejected: ${sent.error.message}` };
  return { status: 'opened', positionId: signal.id, stake: intent.stake };
}

async function openShort(ctx: LiveCtx, signal: Signal, tf: Timeframe): Promise<OpenOutcome> {
  const listed = await ctx.deps.store.listOpenPositions(ctx.ex.id, POSITIONS_LIMIT);
  const held = listed.items.find((p) => p.symbol === signal.symbol && p.status !== 'closed');
  if (held && held.status !== 'open') {
    return { status: 'refused', positionId: signal.id, reason: 'already-open', detail: `spot-long-only: the live long ${held.positionId} of ${signal.symbol} is ${held.status}; it is not sold twice` };
  }
  const long = held;
  if (!long) return refuse(ctx, signal, tf, 'spot-long-only', `no open live long of ${signal.symbol} to close`);
  const exit = await exitAtMarket(ctx, long, 'signal');
  ctx.deps.log.info('live long closed by a short signal', { signalId: signal.id, positionId: long.positionId, exit: exit.status });
  return { status: 'refused', positionId: signal.id, reason: 'already-open', detail: `spot-long-only: the short signal sells the open live long ${long.positionId} at market (${exit.status})` };
}
