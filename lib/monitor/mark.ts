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
import { money } from '../portfolio/money.js';
import type { PositionMark } from '../ports/positions.js';

/** The mark price from a market's candles: forming candle's close, else the newest closed close, else none. */
export function markPrice(closed: readonly OhlcvRow[], forming: OhlcvRow | undefined): number | undefined {
  return (forming ?? closed.at(-1))?.[4];
}

export function markOf(p: OpenPosition, price: number, at: number, rules: PositionRules): PositionMark {
  return { price, at, unrealisedPnl: money(closeAt(p, at, price, 'end', rules).pnl) };
}
