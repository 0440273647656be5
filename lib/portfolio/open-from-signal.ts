/**
 * Opens the paper position of a recorded signal, exactly once (position id = signal id):
 * entry at the signal's entry reference (live: the forming candle's open) in the candle after
 * the signal candle, stop and target from the signal, stake from the `risk` config, trailing
 * distance `risk.trailAtr` × the signal's ATR, time exit `risk.maxBars` (fixed on the row) —
 * through the pure rules (pendingFromSignal → fillPending, or → rejectPending) and ONE
 * conditional transaction (lib/store/positions/open.ts).
 *
 * When the market lock is held by an OPPOSITE position, the signal reverses it
 * (./reverse-position.ts: close + open in one transaction). Either way the holder first gets
 * the signal candle's own checks (./signal-bar-step.ts), then its strategy's exit rule on that
 * candle's close, as the backtester does: when that candle exits it (stop/target/…, or the rule
 * at the next open), it is closed and the signal opens normally. A
 * same-direction signal on a holder still open after that candle is ignored and recorded as
 * refused (`already-open`), like every other refusal (max open, no
 * budget, corrupt portfolio, `no-atr` when a trailing stop is configured and the signal has no
 * ATR): a rejected position row with the reason. Repeats — a second scan, an outbox re-drive —
 * find the decided row and change nothing.
 */
import { renderPositionOpenedText } from '../core/message.js';
import { fillPending, pendingFromSignal, positionRules, rejectPending, type NewPosition, type PendingPosition } from '../core/positions/index.js';
import type { Signal } from '../core/signal.js';
import { timeframeMs, timeframeSchema } from '../core/timeframe.js';
import type { BotConfig, ExchangeConfig } from '../config/schema.js';
import type { ExchangePort } from '../ports/exchange.js';
import type { StrategyOf } from './exit-rule.js';
import { isCandlebotError, PermanentError, TransientError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { RecipientResolver } from '../ports/users.js';
import type { OpenContext, OpenOutcome, PortfolioState, PositionCosts, PositionLedger, PositionMeta, PositionOpener, PositionQueries, RefusalReason, RowRead } from '../ports/positions.js';
import { reverseOnSignal } from './reverse-position.js';
import { stakeFor } from './stake.js';
import { retry, retryOnCode, type RetryPolicy, type Sleep } from '../retry.js';

export interface PositionOpenerDeps {
  readonly store: Pick<PositionLedger, 'getPortfolio' | 'createPortfolio' | 'open' | 'refuse' | 'quarantine' | 'reverse' | 'close'> & Pick<PositionQueries, 'getPosition'>;
  readonly config: Pick<BotConfig, 'risk' | 'strategies' | 'scan' | 'exchanges'>;
  /**
   * The exchange adapters (the scan's): a holder's exit rule on the signal candle reads the
   * market's closed candles through them (./signal-bar-step.ts). Absent: that rule is not applied there.
   */
  readonly exchange?: ((config: ExchangeConfig) => Promise<ExchangePort>) | undefined;
  /** Strategies by config name (exit rules); absent: the registry. */
  readonly strategyOf?: StrategyOf | undefined;
  readonly clock: Clock;
  readonly log: Log;
  /** Chats told about opened (and reversed) positions, resolved per event before it is recorded. */
  readonly recipients: RecipientResolver;
  /** The wait between attempts when the market changed under an open (default: real timers). */
  readonly sleep?: Sleep;
}

/** Opens attempted per signal when the market keeps changing under us (a reversal that lost a race, then a normal open). */
const MAX_ATTEMPTS = 4;
/** Read the market again after a short jittered wait (≤ 10, 20, 40 ms): the race's winner is usually done by then. */
const OPEN_RETRY: RetryPolicy = { attempts: MAX_ATTEMPTS, baseMs: 10, capMs: 40 };

export function createPositionOpener(deps: PositionOpenerDeps): PositionOpener {
  const { store, clock, log } = deps;
  const risk = deps.config.risk;
  const costs: PositionCosts = { feeRate: risk.feeRate, slippageBps: risk.slippageBps, maxBars: risk.maxBars ?? null };
  const rules = positionRules({ ...costs, trailAtr: risk.trailAtr ?? null });
  /** For refusal records only: no trailing distance (a refusal may be for the missing ATR itself). */
  const plain = positionRules(costs);

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
    log.warn('paper position refused', { positionId: pending.id, signalId: pending.id, reason, detail });
    return { status: 'refused', positionId: pending.id, reason, detail };
  }

  /** A refusal record needs no stake: it is recorded with stake 0 and without a trailing distance. */
  const unstaked = (input: NewPosition): PendingPosition => ({ ...pendingFromSignal({ ...input, stake: 1 }, plain), stake: 0 });

  async function attempt(signal: Signal, meta: PositionMeta, tfMs: number, context: OpenContext): Promise<OpenOutcome | 'retry'> {
    const { side, candleTime, stop, target, indicators } = signal;
    const input = (stake: number): NewPosition => ({ id: signal.id, symbol: signal.symbol, intent: { side, candleTime, stop, target, indicators }, stake });
    const pf = await portfolio();
    if (!pf.ok) {
      if (await store.quarantine(pf.problem, clock.now())) log.error('portfolio row quarantined', { ...pf.problem });
      return refuse(unstaked(input(0)), meta, 'portfolio-corrupt', pf.problem.reason);
    }
    const stake = stakeFor(risk, pf.value);
    if (stake <= 0) return refuse(unstaked(input(0)), meta, 'no-budget', `equity ${pf.value.available + pf.value.reserved} leaves nothing to stake`);
    let pending: PendingPosition;
    try {
      // Throws PermanentError for a signal the rules cannot trade: BAD_POSITION (the outbox parks it with the reason), NO_ATR (refused below).
      pending = pendingFromSignal(input(stake), rules);
    } catch (error) {
      if (isCandlebotError(error) && error.code === 'NO_ATR') return refuse(unstaked(input(0)), meta, 'no-atr', error.message);
      throw error;
    }
    const entryTime = candleTime + tfMs;
    const open = fillPending(pending, entryTime, signal.entry, rules);
    const now = clock.now();
    const chats = await deps.recipients.resolve({ ...meta, symbol: signal.symbol, kind: 'position-opened' });
    const event = chats.length === 0 ? undefined : { kind: 'opened' as const, recipients: chats, text: renderPositionOpenedText({ ...meta, ...open }) };
    const command = { position: open, meta, costs, maxOpen: risk.maxOpenPositions, now, ...(event ? { event } : {}) };
    const result = await store.open(command);
    if (result.status === 'no-portfolio') {
      // Deleted between our read and the transaction (an operator reset): create it and start again.
      await store.createPortfolio(risk.startingBalance, now);
      return 'retry';
    }
    if (result.status === 'exists') return decided(signal.id);
    if (result.status === 'refused') {
      if (result.reason !== 'already-open' || !result.holder) return refuse(pending, meta, result.reason, result.detail);
      // Held (either side): the holder first gets the signal candle's checks; then reversed, freed (retry) or refused.
      const newPosition = (s: number) => fillPending(pendingFromSignal(input(s), rules), entryTime, signal.entry, rules);
      const step = await reverseOnSignal(
        { store, risk, costs, clock, log, recipients: deps.recipients, rule: { config: deps.config, exchange: deps.exchange, strategyOf: deps.strategyOf, clock } },
        { signal, meta, tfMs, holderId: result.holder.positionId, portfolio: pf.value, newPosition, chart: context.chart },
      );
      if (step.kind === 'done') return step.outcome;
      if (step.kind === 'exists') return decided(signal.id);
      if (step.kind === 'refuse') return refuse(pending, meta, 'already-open', step.detail);
      return 'retry';
    }
    log.info('paper position opened', { positionId: open.id, signalId: signal.id, ...meta, symbol: signal.symbol, side: open.side, entryPrice: open.entryPrice, stake, stop: open.stop, target: open.target });
    return { status: 'opened', positionId: open.id, stake };
  }

  return {
    async open(signal: Signal, context: OpenContext = {}): Promise<OpenOutcome> {
      const tf = timeframeSchema.safeParse(signal.timeframe);
      if (!tf.success) throw new PermanentError(`signal ${signal.id}: unsupported timeframe ${signal.timeframe}`, { code: 'BAD_POSITION' });
      const meta: PositionMeta = { strategy: signal.strategy, exchange: signal.exchange, timeframe: tf.data };
      return retry(
        async () => {
          const outcome = await attempt(signal, meta, timeframeMs(tf.data), context);
          if (outcome !== 'retry') return outcome;
          throw new TransientError(`open ${signal.id}: the market kept changing for ${MAX_ATTEMPTS} attempts`, { code: 'POSITION_CONTENDED' });
        },
        OPEN_RETRY,
        { ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }), retryable: retryOnCode('POSITION_CONTENDED') },
      );
    },
  };
}
