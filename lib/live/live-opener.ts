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
 * Every refusal is recorded (a `rejected` entry order row with its reason: LiveStore.recordRefusal,
 * listed by /orders), logged and told to the signal's recipients; a repeat of a refused signal
 * finds that row and is refused again with the same reason, nothing sent or told twice.
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

const REASONS: readonly RefusalReason[] = [
  'already-open', 'max-open', 'no-budget', 'max-stake', 'daily-loss', 'cooldown', 'halted', 'panic',
  'min-amount', 'min-notional', 'max-amount', 'zero-amount', 'spot-long-only', 'rejected',
];

/** The outcome's reason of a live refusal code (every code the opener refuses with is one; anything else is a bug). */
function outcomeReason(reason: string): RefusalReason {
  const known = REASONS.find((r) => r === reason);
  if (known === undefined) throw new PermanentError(`live refusal reason ${reason} is not a RefusalReason`, { code: 'BAD_POSITION' });
  return known;
}

/**
 * Records the refusal (a rejected entry order row; a repeat changes nothing), logs it and tells
 * the recipients (the message id derives from the entry id and reason: told once however often
 * it is delivered). A short refused because its market's long is opening or closing is not told:
 * that long's own messages follow.
 */
async function refuse(ctx: LiveCtx, signal: Signal, tf: Timeframe, reason: RefusalReason, detail: string, figures: readonly LiveFigure[] = []): Promise<OpenOutcome> {
  const tell = !(signal.side === 'short' && reason === 'already-open');
  const { log, recipients, store, clock } = ctx.deps;
  const id = clientOrderId(signal.id, 'entry');
  const side = signal.side === 'short' ? 'sell' : 'buy';
  const base = { signalId: signal.id, exchange: signal.exchange, symbol: signal.symbol, strategy: signal.strategy, timeframe: tf, side } as const;
  const recorded = await store.recordRefusal({ clientOrderId: id, ...base, reason, detail, now: clock.now() });
  log.warn('live signal refused', { signalId: signal.id, exchange: signal.exchange, symbol: signal.symbol, side: signal.side, reason, detail, clientOrderId: id, recorded });
  // The outcome's detail starts with the reason, as the row's does (`min-notional: notional … < …`).
  if (!tell) return { status: 'refused', positionId: signal.id, reason, detail: `${reason}: ${detail}` };
  const chats = await recipients.resolve({ strategy: signal.strategy, exchange: signal.exchange, symbol: signal.symbol, timeframe: tf, kind: 'position-opened' });
  const text = renderLiveRefusedText({ venue: ctx.ex.venue, exchange: signal.exchange, symbol: signal.symbol, strategy: signal.strategy, timeframe: tf, side: signal.side, reason, detail, figures });
  await ctx.tell.tell(chats, orderSourceId(id, `refused-${reason}`), 'position-opened', text);
  return { status: 'refused', positionId: signal.id, reason, detail: `${reason}: ${detail}` };
}

/**
 * A refused signal delivered again keeps its recorded refusal (the row's `<reason>: <detail>`),
 * whatever changed since: refused again (nothing written; the message, if the first delivery
 * failed before telling, told now under the same id).
 */
async function refusedBefore(ctx: LiveCtx, signal: Signal, tf: Timeframe, row: LiveOrder): Promise<OpenOutcome | undefined> {
  if (row.status !== 'rejected' || row.exchangeOrderId !== undefined || row.submittedAt !== undefined || row.reason === undefined) return undefined;
  const match = /^([a-z-]+): ([\s\S]*)$/.exec(row.reason);
  const reason = match ? REASONS.find((r) => r === match[1]) : undefined;
  return match && reason ? refuse(ctx, signal, tf, reason, match[2] ?? '') : undefined;
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
  if (known) return (await refusedBefore(ctx, signal, tf, known)) ?? repeat(ctx, signal, known.status === 'intent' ? known : undefined);

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
  if (result.status === 'refused') {
    // no-budget-row after ensureBudget cannot happen (the row was just created); refused as no budget all the same.
    const reason = result.reason === 'no-budget-row' ? 'no-budget' : outcomeReason(result.reason);
    return refuse(ctx, signal, tf, reason, result.detail, [{ label: 'stake', value: live.stake }]);
  }
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
  // The order row itself is the record: rejected with the exchange's reason.
  if (sent.status === 'rejected') return { status: 'refused', positionId: signal.id, reason: 'rejected', detail: `rejected: ${sent.error.message}` };
  return { status: 'opened', positionId: signal.id, stake: intent.stake };
}

async function openShort(ctx: LiveCtx, signal: Signal, tf: Timeframe): Promise<OpenOutcome> {
  // Decided afresh on every delivery (a long opened since is sold); a refusal's row, once written, stays as it is.
  const listed = await ctx.deps.store.listOpenPositions(ctx.ex.id, POSITIONS_LIMIT);
  const held = listed.items.find((p) => p.symbol === signal.symbol && p.status !== 'closed');
  if (held && held.status !== 'open') {
    // Recorded, not told (see refuse): the long is being opened or sold already.
    return refuse(ctx, signal, tf, 'already-open', `spot-long-only: the live long ${held.positionId} of ${signal.symbol} is ${held.status}; it is not sold twice`);
  }
  const long = held;
  if (!long) return refuse(ctx, signal, tf, 'spot-long-only', `no open live long of ${signal.symbol} to close`);
  const exit = await exitAtMarket(ctx, long, 'signal');
  ctx.deps.log.info('live long closed by a short signal', { signalId: signal.id, positionId: long.positionId, exit: exit.status });
  return { status: 'refused', positionId: signal.id, reason: 'already-open', detail: `spot-long-only: the short signal sells the open live long ${long.positionId} at market (${exit.status})` };
}
