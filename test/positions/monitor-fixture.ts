/** Open paper positions over the exchange simulator's candles, and what the pure rules say must happen to them. */
import { openFromSignal, positionRules, stepOpenPosition, type ClosingPosition } from '../../lib/core/positions/index.js';
import type { OhlcvRow } from '../../lib/core/candle.js';
import type { Signal } from '../../lib/core/signal.js';
import { splitClosed, validateCandles } from '../../lib/core/validate-candles.js';
import type { ExchangePort } from '../../lib/ports/exchange.js';
import { HOUR, positionSignal } from './fixture.js';

export interface Planned {
  readonly signal: Signal;
  /** The exit the pure rules find on the closed candles after the signal, or null (still open). */
  readonly exit: ClosingPosition | null;
}

/** Closed 1h candles of `symbol` at `now`, validated. */
export async function closedRows(exchange: ExchangePort, symbol: string, now: number, limit = 50): Promise<OhlcvRow[]> {
  const v = validateCandles(await exchange.fetchCandles(symbol, '1h', limit), '1h');
  if (!v.ok) throw v.error;
  return splitClosed(v.rows, now, '1h').closed;
}

/**
 * A signal on the candle at `signalTime` for each symbol (strategies alternate), entering at
 * the next candle's open; `width` is the stop/target distance as a fraction of the entry.
 */
export async function planPositions(
  exchange: ExchangePort,
  symbols: readonly string[],
  signalTime: number,
  now: number,
  width: (i: number) => number,
  stake = 100,
): Promise<Planned[]> {
  const rules = positionRules({ feeRate: 0.001 });
  const out: Planned[] = [];
  for (const [i, symbol] of symbols.entries()) {
    const rows = await closedRows(exchange, symbol, now);
    const entryRow = rows.find((r) => r[0] === signalTime + HOUR);
    if (!entryRow) throw new Error(`no entry candle for ${symbol}`);
    const entry = entryRow[1];
    const side = i % 3 === 2 ? 'short' : 'long';
    const w = width(i);
    const signal = positionSignal({
      symbol,
      strategy: i % 2 === 0 ? 'ema-cross' : 'rsi-reversion',
      candleTime: signalTime,
      side,
      entry,
      stop: side === 'long' ? entry * (1 - w) : entry * (1 + w),
      target: side === 'long' ? entry * (1 + w) : entry * (1 - w),
    });
    let p = openFromSignal({ id: signal.id, symbol, intent: signal, stake }, signalTime + HOUR, entry, rules);
    let exit: ClosingPosition | null = null;
    for (const [time, open, high, low, close] of rows.filter((r) => r[0] > signalTime)) {
      const next = stepOpenPosition(p, { time, open, high, low, close }, rules);
      if (next.status === 'closing') {
        exit = next;
        break;
      }
      p = next;
    }
    out.push({ signal, exit });
  }
  return out;
}
