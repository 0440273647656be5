/**
 * Opens the paper position of a recorded signal, exactly once (position id = signal id):
 * entry at the signal's entry reference (live: the forming candle's open) in the candle after
 * the signal candle, stop and target from the signal, stake from the `risk` config — through
 * the pure rules (pendingFromSignal → fillPending, or → rejectPending) and ONE conditional
 * transaction (lib/store/dynamo-position-open.ts). A refusal (already open, max open, no
 * budget, corrupt portfolio) is recorded as a rejected position with its reason. Repeats —
 * a second scan, an outbox re-drive — find the decided row and change nothing.
 */
import { renderPositionOpenedText } from '../core/message.js';
import { fillPending, pendingFromSignal, positionRules, rejectPending, type PendingPosition } from '../core/positions/index.js';
import type { Signal } from '../core/signal.js';
import { timeframeMs, timeframeSchema } from '../core/timeframe.js';
import type { BotConfig } from '../config/schema.js';
import { PermanentError, TransientError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { OpenOutcome, PortfolioState, PositionCosts, PositionLedger, PositionMeta, PositionOpener, PositionQueries, RefusalReason, RowRead } from '../ports/positions.js';
import { stakeFor } from './stake.js';

export interface PositionOpenerDeps {
  readonly store: Pick<PositionLedger, 'getPortfolio' | 'createPortfolio' | 'open' | 'refuse' | 'quarantine'> & Pick<PositionQueries, 'getPosition'>;
  readonly config: Pick<BotConfig, 'risk'>;
  readonly clock: Clock;
  readonly log: Log;
  /** Chats told about opened positions (default: none). */
  readonly recipients: readonly number[];
}

export function createPositionOpener(deps: PositionOpenerDeps): PositionOpener {
  const { store, clock, log } = deps;
  const risk = deps.config.risk;
  const costs: PositionCosts = { feeRate: risk.feeRate, slippageBps: risk.slippageBps };
  const rules = positionRules(costs);

  async function portfolio(): Promise<RowRead<PortfolioState>> {
    const read = await store.getPortfolio();
    if (read) return read;
    await store.createPortfolio(risk.startingBalance, clock.now());
    const created = await store.getPortfolio();
    if (!created) throw new TransientError('the portfolio was created but cannot be read back yet', { code: 'PORTFOLIO_MISSING' });
    return created;
  }

  async function decided(id: string): Promise<OpenOutcome> {
    const read = await store.getPosition(id);
    return { status: 'exists', positionId: id, state: !read ? 'closed' : read.ok ? read.value.status : 'quarantined' };
  }

  async function refuse(pending: PendingPosition, meta: PositionMeta, reason: RefusalReason, detail: string): Promise<OpenOutcome> {
    const rejected = rejectPending(pending, `${reason}: ${detail}`);
    if ((await store.refuse(rejected, meta, costs, clock.now())) === 'exists') return decided(pending.id);
    log.warn('paper position refused', { positionId: pending.id, reason, detail });
    return { status: 'refused', positionId: pending.id, reason, detail };
  }

  return {
    async open(signal: Signal): Promise<OpenOutcome> {
      const tf = timeframeSchema.safeParse(signal.timeframe);
      if (!tf.success) throw new PermanentError(`signal ${signal.id}: unsupported timeframe ${signal.timeframe}`, { code: 'BAD_POSITION' });
      const meta: PositionMeta = { strategy: signal.strategy, exchange: signal.exchange, timeframe: tf.data };
      const { side, candleTime, stop, target, indicators } = signal;
      const input = (stake: number) => ({ id: signal.id, symbol: signal.symbol, intent: { side, candleTime, stop, target, indicators }, stake });

      const pf = await portfolio();
      if (!pf.ok) {
        if (await store.quarantine(pf.problem, clock.now())) log.error('portfolio row quarantined', { ...pf.problem });
        // Nothing can be staked against an unreadable portfolio; the refusal is recorded with stake 0.
        return refuse({ ...pendingFromSignal(input(1), rules), stake: 0 }, meta, 'portfolio-corrupt', pf.problem.reason);
      }
      const stake = stakeFor(risk, pf.value);
      if (stake <= 0) {
        return refuse({ ...pendingFromSignal(input(1), rules), stake: 0 }, meta, 'no-budget', `equity ${pf.value.available + pf.value.reserved} leaves nothing to stake`);
      }
      // Throws PermanentError (BAD_POSITION, NO_ATR) for a signal the rules cannot trade: the outbox parks it with the reason.
      const pending = pendingFromSignal(input(stake), rules);
      const open = fillPending(pending, candleTime + timeframeMs(tf.data), signal.entry, rules);
      const now = clock.now();
      const event = deps.recipients.length === 0 ? undefined : { kind: 'opened' as const, recipients: deps.recipients, text: renderPositionOpenedText({ ...meta, ...open }) };
      const command = { position: open, meta, costs, maxOpen: risk.maxOpenPositions, now, ...(event ? { event } : {}) };
      let result = await store.open(command);
      if (result.status === 'no-portfolio') {
        // Deleted between our read and the transaction (an operator reset): create and try once more.
        await store.createPortfolio(risk.startingBalance, now);
        result = await store.open(command);
        if (result.status === 'no-portfolio') throw new TransientError(`open ${signal.id}: the portfolio is missing`, { code: 'PORTFOLIO_MISSING' });
      }
      if (result.status === 'exists') return decided(signal.id);
      if (result.status === 'refused') return refuse(pending, meta, result.reason, result.detail);
      log.info('paper position opened', { positionId: open.id, side: open.side, entryPrice: open.entryPrice, stake, stop: open.stop, target: open.target });
      return { status: 'opened', positionId: open.id, stake };
    },
  };
}
