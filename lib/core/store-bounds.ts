/**
 * What a stored number may be, and the candle price range that keeps every number derived
 * from a candle storable. One place, so the live bot (scan, monitor) and the backtester (both
 * validate candles with lib/core/validate-candles.ts) refuse the same data.
 *
 * The store's limits (DynamoDB through @aws-sdk/lib-dynamodb, as configured in lib/aws/clients.ts):
 * - The document client refuses to marshal a JS number above Number.MAX_SAFE_INTEGER or below
 *   Number.MIN_SAFE_INTEGER ("Number … is greater than Number.MAX_SAFE_INTEGER", thrown before any
 *   request, surfacing as AWS_PERMANENT) unless `allowImpreciseNumbers` is set, and reading such
 *   a number back turns it into a BigInt or throws. It passes tiny floats through as written
 *   (`1e-200`).
 * - DynamoDB itself keeps 38 significant digits (a double prints with at most 17) and refuses a
 *   non-zero magnitude below 1e-130 (underflow) or at/above 1e126.
 * So a storable number is finite, and either 0 or 1e-130 <= |x| <= MAX_SAFE_INTEGER.
 *
 * Candle prices are bounded to [PRICE_MIN, PRICE_MAX] (checked on every row, forming candle
 * included, INVALID_CANDLE naming the value). With prices in that range every value computed
 * from one market's candles stays storable:
 * - entry, stop, target, ATR and the indicators (EMA/SMA, Bollinger bands, MACD, RSI in [0, 100])
 *   are within a small multiple of PRICE_MAX (stop/target = entry ± a few ATRs), far below
 *   MAX_SAFE_INTEGER; a non-zero difference of two such prices is at least one ulp of PRICE_MIN
 *   (~1e-26), far above 1e-130;
 * - a paper position's quantity stake / price is at most stake / PRICE_MIN, storable for any
 *   stake up to MAX_STORABLE_STAKE;
 * - fees and notionals are of the order of the stake.
 * A position's PnL depends on two prices (entry and exit) that may come from different fetches:
 * |PnL| <= stake × max(1, exit / entry); `storableProblem` is what the paper-trading writes use to
 * refuse a value before it reaches the store (the monitor's mark does: lib/monitor/mark.ts).
 *
 * The range: the cheapest listed tokens trade around 1e-9 quote units (BABYDOGE/USDT) and the
 * dearest pairs around 3e9 (BTC against IDR/VND); the bounds leave a decade or more either side.
 */

/** Largest magnitude stored (the document client's limit; DynamoDB's own is 1e126). */
export const STORE_MAX_ABS = Number.MAX_SAFE_INTEGER;
/** Smallest non-zero magnitude DynamoDB stores. */
export const STORE_MIN_ABS = 1e-130;

/** Lowest candle price accepted (open, high, low, close). */
export const PRICE_MIN = 1e-10;
/** Highest candle price accepted. */
export const PRICE_MAX = 1e11;
/** Largest stake whose quantity at PRICE_MIN (stake / PRICE_MIN) is still storable. */
export const MAX_STORABLE_STAKE = Math.floor(STORE_MAX_ABS * PRICE_MIN);

/** Newest candle open time accepted: JavaScript's largest date (also below MAX_SAFE_INTEGER). */
export const TIME_MAX = 8.64e15;

/** Why `x` cannot be stored (`name` is how the message calls it), or null when it can. */
export function storableProblem(name: string, x: unknown): string | null {
  if (typeof x !== 'number' || !Number.isFinite(x)) return `${name} is not a finite number (got ${String(x)})`;
  if (x === 0) return null;
  const abs = Math.abs(x);
  if (abs > STORE_MAX_ABS) return `${name} ${x} is beyond the largest number the store holds (±${STORE_MAX_ABS})`;
  if (abs < STORE_MIN_ABS) return `${name} ${x} is closer to 0 than the smallest number the store holds (${STORE_MIN_ABS})`;
  return null;
}

/** Why `price` is outside the accepted candle price range, or null. (`price` must be finite.) */
export function priceRangeProblem(name: string, price: number): string | null {
  if (price <= 0) return `${name} must be > 0 (got ${price})`;
  if (price < PRICE_MIN) return `${name} ${price} is below the lowest price accepted (${PRICE_MIN}): derived values (position quantity) would not be storable`;
  if (price > PRICE_MAX) return `${name} ${price} is above the highest price accepted (${PRICE_MAX}): derived values (stop, target, ATR, PnL) would not be storable`;
  return null;
}
