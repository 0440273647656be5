/**
 * Account balances of the Binance simulator (free + locked per asset, 8 decimals like Binance)
 * and the commission charged per fill.
 */

/** Rounds to Binance's 8 decimals (keeps balances free of float dust). */
export const r8 = (x: number): number => Math.round(x * 1e8) / 1e8;

export interface SimCommission {
  /** Fraction of each fill (default 0.001 = 0.1 %, Binance's base spot rate). */
  readonly rate?: number;
  /**
   * `received` (default): charged in the asset the fill brings in (base on a buy, quote on a
   * sell). `BNB`: charged in BNB at `bnbPrice` (quote per BNB) while the BNB balance covers
   * it, else in the received asset (as Binance does).
   */
  readonly asset?: 'received' | 'BNB';
  /** Quote per BNB for `asset: 'BNB'` (default: the simulator's price of BNB/<quote>, if listed). */
  readonly bnbPrice?: number;
}

export interface SimBalance {
  readonly free: number;
  readonly locked: number;
}

/** A lock on part of a balance held by one order (or shared by the legs of an OCO). */
export interface SimLock {
  readonly asset: string;
  remaining: number;
}

export class SimLedger {
  readonly #balances = new Map<string, { free: number; locked: number }>();

  constructor(initial: Readonly<Record<string, number>> = {}) {
    for (const [asset, free] of Object.entries(initial)) this.set(asset, free);
  }

  #row(asset: string): { free: number; locked: number } {
    let row = this.#balances.get(asset);
    if (row === undefined) {
      row = { free: 0, locked: 0 };
      this.#balances.set(asset, row);
    }
    return row;
  }

  free(asset: string): number {
    return this.#balances.get(asset)?.free ?? 0;
  }

  /** Sets the free balance of `asset` (test control). */
  set(asset: string, free: number): void {
    if (!(Number.isFinite(free) && free >= 0)) throw new RangeError(`balance of ${asset} must be a finite number ≥ 0, got ${free}`);
    this.#row(asset).free = r8(free);
  }

  credit(asset: string, amount: number): void {
    const row = this.#row(asset);
    row.free = r8(row.free + amount);
  }

  /** Takes `amount` from the free balance; the caller checked it is there (a bug otherwise). */
  debit(asset: string, amount: number): void {
    const row = this.#row(asset);
    if (row.free + 1e-9 < amount) throw new Error(`simulator bug: debit ${amount} ${asset} with only ${row.free} free`);
    row.free = Math.max(0, r8(row.free - amount));
  }

  /** Moves `amount` from free to locked; false (nothing moved) when free is short. */
  lock(asset: string, amount: number): SimLock | undefined {
    const row = this.#row(asset);
    if (row.free + 1e-9 < amount) return undefined;
    row.free = Math.max(0, r8(row.free - amount));
    row.locked = r8(row.locked + amount);
    return { asset, remaining: r8(amount) };
  }

  /** Gives back up to `amount` of `lock` to the free balance. */
  unlock(lock: SimLock, amount = lock.remaining): void {
    const take = Math.min(r8(amount), lock.remaining);
    if (take <= 0) return;
    const row = this.#row(lock.asset);
    row.locked = Math.max(0, r8(row.locked - take));
    row.free = r8(row.free + take);
    lock.remaining = r8(lock.remaining - take);
  }

  snapshot(): Record<string, SimBalance & { readonly total: number }> {
    const out: Record<string, SimBalance & { total: number }> = {};
    for (const [asset, row] of [...this.#balances.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      out[asset] = { free: row.free, locked: row.locked, total: r8(row.free + row.locked) };
    }
    return out;
  }
}
