/**
 * One series of a live scan, as the scan's own timeframe and each higher timeframe need it:
 * `count` + 1 rows fetched (the exchange usually includes the forming candle, never evaluated),
 * every row validated (validateCandles), the forming candle required to be the one open now
 * (splitLive), and the newest closed candle required to be the one that just closed — else the
 * exchange has not published it yet: TransientError STALE_CANDLES, naming `where`.
 */
import type { OhlcvRow } from '../core/candle.js';
import { lastClosedOpenTime, type Timeframe } from '../core/timeframe.js';
import { splitLive, validateCandles, type Gap } from '../core/validate-candles.js';
import { TransientError, type PermanentError } from '../errors.js';
import type { ExchangePort } from '../ports/exchange.js';

export interface LiveCandles {
  readonly closed: OhlcvRow[];
  readonly forming?: OhlcvRow;
  readonly gaps: readonly Gap[];
}

export async function fetchLiveCandles(args: {
  readonly exchange: ExchangePort;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Closed candles wanted; the request asks one more. */
  readonly count: number;
  readonly now: number;
  /** How errors name the series, e.g. `ETH/BTC` or `ETH/BTC 4h (higher timeframe)`. */
  readonly where: string;
  /** What an invalid row becomes (default: the validation's own PermanentError). */
  readonly invalid?: (error: PermanentError) => never;
}): Promise<LiveCandles> {
  const { exchange, symbol, timeframe, now, where } = args;
  const raw = await exchange.fetchCandles(symbol, timeframe, args.count + 1);
  const validated = validateCandles(raw, timeframe);
  if (!validated.ok) {
    if (args.invalid !== undefined) args.invalid(validated.error);
    throw validated.error;
  }
  const { closed, forming } = splitLive(validated.rows, now, timeframe);
  const expected = lastClosedOpenTime(now, timeframe);
  const newest = closed.at(-1)?.[0];
  if (newest === undefined || newest < expected) {
    throw new TransientError(
      `${where}: newest closed candle ${newest === undefined ? 'missing' : new Date(newest).toISOString()}, expected ${new Date(expected).toISOString()}`,
      { code: 'STALE_CANDLES' },
    );
  }
  return forming === undefined ? { closed, gaps: validated.gaps } : { closed, forming, gaps: validated.gaps };
}
