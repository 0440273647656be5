/**
 * Pure: the mark to market of an open position. The price is the latest the exchange gave —
 * the forming candle's last price (its close so far) when it returned the forming candle,
 * else the newest closed candle's close — and the unrealised PnL is the net PnL of closing
 * there now by the rules' `end` exit (exit fill with slippage, fees of both sides).
 *
 * The forming candle marks but never exits: exits are decided on closed candles only, exactly
 * as the backtester decides them (stepOpenPosition's order — gap at the open, stop before
 * target, time exit at the close, then the trailing stop — is defined per whole candle, and a
 * forming candle's high, low and close are still moving). A stop touched inside the forming
 * candle therefore closes the position when that candle has closed, at the same price the
 * backtester uses.
 */
import type { OhlcvRow } from '../core/candle.js';
import { closeAt, type OpenPosition, type PositionRules } from '../core/positions/index.js';
import { storableProblem } from '../core/store-bounds.js';
import { lastClosedOpenTime, timeframeMs, type Timeframe } from '../core/timeframe.js';
import { PermanentError } from '../errors.js';
import { money } from '../core/money.js';
import type { PositionMark } from '../ports/positions.js';

/**
 * The mark price from a market's candles: the forming candle's close, else the newest closed
 * close, else none. With `fresh` (the monitor passes it), a newest closed candle older than the
 * one before the candle that just closed is stale (a halted or delisted market, or an exchange
 * serving old data): no mark rather than a mark at an old price. (One candle of lag is allowed:
 * right after a close the exchange may not have published the candle that just closed.)
 */
export function markPrice(closed: readonly OhlcvRow[], forming: OhlcvRow | undefined, fresh?: { readonly now: number; readonly timeframe: Timeframe }): number | undefined {
  if (forming !== undefined) return forming[4];
  const newest = closed.at(-1);
  if (newest === undefined) return undefined;
  if (fresh !== undefined && newest[0] < lastClosedOpenTime(fresh.now, fresh.timeframe) - timeframeMs(fresh.timeframe)) return undefined;
  return newest[4];
}

/** The mark at `price` (for display: nothing is stored, so any finite PnL will do). */
export function markOf(p: OpenPosition, price: number, at: number, rules: PositionRules): PositionMark {
  return { price, at, unrealisedPnl: money(closeAt(p, at, price, 'end', rules).pnl) };
}

/**
 * The mark the monitor stores. The price comes from validated candles (within the storable
 * price range), but the PnL also depends on the entry, from another fetch: an unrealised PnL
 * the store cannot hold is refused here (INVALID_CANDLE, naming the value) instead of failing
 * the write as an AWS error.
 */
export function storableMarkOf(p: OpenPosition, price: number, at: number, rules: PositionRules): PositionMark {
  const pnl = closeAt(p, at, price, 'end', rules).pnl;
  const problem = storableProblem('unrealised PnL', pnl) ?? storableProblem('mark price', price);
  if (problem !== null) {
    throw new PermanentError(`position ${p.id}: a mark at ${price} (entry ${p.entryPrice}, quantity ${p.qty}) gives ${problem}`, { code: 'INVALID_CANDLE' });
  }
  return { price, at, unrealisedPnl: money(pnl) };
}
