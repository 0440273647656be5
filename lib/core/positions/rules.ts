/**
 * Trading rules and the arithmetic of fills and PnL (pure).
 *
 * Fills: slippage works against the trader on EVERY fill, entry and exit alike:
 *   buy  (long entry, short exit) at price × (1 + slippageBps / 10 000),
 *   sell (short entry, long exit) at price × (1 − slippageBps / 10 000).
 * Sizing: qty = stake / entryPrice (entry fill), so the entry notional is the stake.
 * PnL in quote currency, fees included:
 *   gross = qty × (exit − entry) for a long, qty × (entry − exit) for a short,
 *   fees  = feeRate × (qty × entry + qty × exit)   (fee per side on each side's notional),
 *   pnl   = gross − fees.
 */
import { PermanentError } from '../../errors.js';
import type { PositionRules, Side } from './types.js';

export const DEFAULT_FEE_RATE = 0.001;
/** Same bounds as the `risk` section of the config. */
export const MAX_FEE_RATE = 0.05;
export const MAX_SLIPPAGE_BPS = 500;

export interface PositionRulesInput {
  readonly feeRate?: number;
  readonly slippageBps?: number;
  readonly trailAtr?: number | null;
  readonly maxBars?: number | null;
}

function bad(message: string): never {
  throw new PermanentError(message, { code: 'BAD_POSITION_RULES' });
}

/**
 * Validated, frozen rules. Defaults: feeRate 0.001, slippageBps 0, no trailing stop, no time
 * exit. feeRate in [0, 0.05], slippageBps in [0, 500], trailAtr > 0, maxBars an integer >= 1.
 */
export function positionRules(input: PositionRulesInput = {}): PositionRules {
  const feeRate = input.feeRate ?? DEFAULT_FEE_RATE;
  const slippageBps = input.slippageBps ?? 0;
  const trailAtr = input.trailAtr ?? null;
  const maxBars = input.maxBars ?? null;
  if (!(Number.isFinite(feeRate) && feeRate >= 0 && feeRate <= MAX_FEE_RATE)) {
    bad(`feeRate must be a number in [0, ${MAX_FEE_RATE}], got ${String(feeRate)}`);
  }
  if (!(Number.isFinite(slippageBps) && slippageBps >= 0 && slippageBps <= MAX_SLIPPAGE_BPS)) {
    bad(`slippageBps must be a number in [0, ${MAX_SLIPPAGE_BPS}], got ${String(slippageBps)}`);
  }
  if (trailAtr !== null && !(Number.isFinite(trailAtr) && trailAtr > 0)) {
    bad(`trailAtr must be a number > 0, got ${String(trailAtr)}`);
  }
  if (maxBars !== null && !(Number.isSafeInteger(maxBars) && maxBars >= 1)) {
    bad(`maxBars must be an integer >= 1, got ${String(maxBars)}`);
  }
  return Object.freeze({ feeRate, slippageBps, trailAtr, maxBars });
}

/** The fill for a buy (`buy` true) or a sell at reference `price`, slippage against the trader. */
export function fillPrice(price: number, buy: boolean, slippageBps: number): number {
  if (slippageBps === 0) return price;
  const s = slippageBps / 10_000;
  return buy ? price * (1 + s) : price * (1 - s);
}

/** Entry fill: a long buys, a short sells. */
export function entryFill(side: Side, price: number, slippageBps: number): number {
  return fillPrice(price, side === 'long', slippageBps);
}

/** Exit fill: a long sells, a short buys. */
export function exitFill(side: Side, price: number, slippageBps: number): number {
  return fillPrice(price, side === 'short', slippageBps);
}

/** Fees of both sides: feeRate × (qty × entry + qty × exit). */
export function tradeFees(qty: number, entryPrice: number, exitPrice: number, feeRate: number): number {
  return feeRate * (qty * entryPrice + qty * exitPrice);
}

/** Price-move PnL before fees: qty × (exit − entry) long, qty × (entry − exit) short. */
export function grossPnl(side: Side, qty: number, entryPrice: number, exitPrice: number): number {
  return side === 'long' ? qty * (exitPrice - entryPrice) : qty * (entryPrice - exitPrice);
}

/** Net PnL: gross − fees. */
export function tradePnl(side: Side, qty: number, entryPrice: number, exitPrice: number, feeRate: number): number {
  return grossPnl(side, qty, entryPrice, exitPrice) - tradeFees(qty, entryPrice, exitPrice, feeRate);
}
