/**
 * Fees of a live order in quote currency, from the exchange's fills (issue 15). A fee charged
 * in the quote asset counts as is, in the base asset at the fill's price (and the position holds
 * that much base less), in any other asset (BNB) at a rate the caller gives (quote per unit).
 * A missing rate is an error (FEE_RATE_MISSING), never 0: an unpriced fee would leak budget.
 * Totals are counted per trade id, so a fill seen twice counts once.
 */
import { PermanentError } from '../../errors.js';
import { money } from '../money.js';

export interface FillLike {
  readonly tradeId: string;
  readonly price: number;
  readonly amount: number;
  /** price × amount (quote). */
  readonly cost: number;
  readonly fee: { readonly cost: number; readonly currency: string };
}

export interface FeeMarket {
  readonly base: string;
  readonly quote: string;
  /** Quote per unit of each other fee asset (e.g. { BNB: 600 }). */
  readonly rates?: Readonly<Record<string, number>>;
}

export interface FeeInQuote {
  /** The whole fee in quote (money grid). */
  readonly fee: number;
  /** The part charged in base, in quote (money grid). */
  readonly feeFromBase: number;
  /** The part charged in base, in base units. */
  readonly baseFee: number;
}

/** Same shape as OrderFills of lib/ports/live.ts. */
export interface FillTotals extends FeeInQuote {
  readonly filled: number;
  readonly cost: number;
  readonly tradeIds: readonly string[];
}

export const NO_FILLS: FillTotals = Object.freeze({ filled: 0, cost: 0, fee: 0, feeFromBase: 0, baseFee: 0, tradeIds: Object.freeze([]) as readonly string[] });

/** Base amounts on a 1e-12 grid (sums of fills without float noise). */
export function qty(x: number): number {
  const r = Number(x.toFixed(12));
  return r === 0 ? 0 : r;
}

function finiteAtLeast0(x: number, what: string): void {
  if (!(Number.isFinite(x) && x >= 0)) throw new PermanentError(`${what} must be a finite number ≥ 0, got ${String(x)}`, { code: 'BAD_FILL' });
}

/** One fill's fee in quote. */
export function feeInQuote(fill: FillLike, market: FeeMarket): FeeInQuote {
  const { cost, currency } = fill.fee;
  finiteAtLeast0(cost, `fee of trade ${fill.tradeId}`);
  if (currency === market.quote) return { fee: money(cost), feeFromBase: 0, baseFee: 0 };
  if (currency === market.base) {
    finiteAtLeast0(fill.price, `price of trade ${fill.tradeId}`);
    const inQuote = money(cost * fill.price);
    return { fee: inQuote, feeFromBase: inQuote, baseFee: qty(cost) };
  }
  if (cost === 0) return { fee: 0, feeFromBase: 0, baseFee: 0 };
  const rate = market.rates?.[currency];
  if (rate === undefined || !(Number.isFinite(rate) && rate > 0)) {
    throw new PermanentError(`trade ${fill.tradeId}: fee of ${cost} ${currency} has no ${currency}/${market.quote} rate to convert it`, { code: 'FEE_RATE_MISSING' });
  }
  return { fee: money(cost * rate), feeFromBase: 0, baseFee: 0 };
}

/** The totals after the fills not counted yet (by trade id) are added to `current`. */
export function addFills(current: FillTotals, fills: readonly FillLike[], market: FeeMarket): FillTotals {
  const seen = new Set(current.tradeIds);
  let { filled, cost, fee, feeFromBase, baseFee } = current;
  const tradeIds = [...current.tradeIds];
  for (const fill of fills) {
    if (seen.has(fill.tradeId)) continue;
    finiteAtLeast0(fill.amount, `amount of trade ${fill.tradeId}`);
    finiteAtLeast0(fill.cost, `cost of trade ${fill.tradeId}`);
    const f = feeInQuote(fill, market);
    seen.add(fill.tradeId);
    tradeIds.push(fill.tradeId);
    filled = qty(filled + fill.amount);
    cost = money(cost + money(fill.cost));
    fee = money(fee + f.fee);
    feeFromBase = money(feeFromBase + f.feeFromBase);
    baseFee = qty(baseFee + f.baseFee);
  }
  return { filled, cost, fee, feeFromBase, baseFee, tradeIds };
}

/** Base the buyer holds after these fills: filled less the fee taken in base. */
export const heldAmount = (totals: Pick<FillTotals, 'filled' | 'baseFee'>): number => qty(totals.filled - totals.baseFee);
