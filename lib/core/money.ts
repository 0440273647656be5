/**
 * Ledger amounts as stored in DynamoDB: quote currency rounded to 10 decimal places.
 *
 * DynamoDB adds numbers in exact decimal arithmetic with at most 38 significant digits. A raw
 * double can carry digits down to 1e-30 and beyond (e.g. the PnL of an exit one ulp away from
 * the entry), and repeated atomic `SET available = available + :x` would then exceed 38 digits
 * and be refused. Every amount the ledger adds is therefore rounded here first: all stored
 * balances stay on the 1e-10 grid, their sums are exact, and the conservation identity
 * available + reserved = start + realisedGross − fees holds exactly in the table.
 */
export const MONEY_DECIMALS = 10;

/** `x` rounded to 10 decimal places (finite input required; -0 becomes 0). */
export function money(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`ledger amount must be finite, got ${String(x)}`);
  const rounded = Number(x.toFixed(MONEY_DECIMALS));
  return rounded === 0 ? 0 : rounded;
}

/** The amounts one close books, all on the 1e-10 grid, with pnl = gross − fees and release = stake + pnl exactly. */
export interface CloseAmounts {
  readonly gross: number;
  readonly fees: number;
  readonly pnl: number;
  /** Returned to `available`: the stake plus the net PnL. */
  readonly release: number;
}

export function closeAmounts(stake: number, gross: number, fees: number): CloseAmounts {
  const g = money(gross);
  const f = money(fees);
  const pnl = money(g - f);
  return { gross: g, fees: f, pnl, release: money(stake + pnl) };
}
