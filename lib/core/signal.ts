import { PermanentError } from '../errors.js';
import type { Bar } from './positions/types.js';
import type { SignalIntent, Side } from './strategies/types.js';

/** A strategy's signal for one closed candle of one market: the unit recorded exactly once. */
export interface Signal {
  /** Derived from the data only, see `signalId`. */
  readonly id: string;
  readonly strategy: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  /** Open time (ms, UTC) of the candle on whose close the signal fired. */
  readonly candleTime: number;
  readonly side: Side;
  readonly entry: number;
  readonly stop: number;
  readonly target: number;
  readonly indicators: Readonly<Record<string, number>>;
  /**
   * The signal candle itself (open time = `candleTime`), so the position opener can apply that
   * candle's stop/target checks to an open position before acting on the signal, as the
   * backtester does. Absent on signals recorded before it existed.
   */
  readonly bar?: Bar;
}

export interface SignalKey {
  readonly strategy: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly candleTime: number;
}

/**
 * The id that makes recording idempotent: the same strategy, market, timeframe and candle
 * always give the same id, so repeated or overlapping scans write one row.
 */
export function signalId(key: SignalKey): string {
  return `${key.strategy}#${key.exchange}#${key.symbol}#${key.timeframe}#${key.candleTime}`;
}

/** `bar`: the candle whose close fired (open time must be the intent's candleTime). */
export function toSignal(key: Omit<SignalKey, 'candleTime'>, intent: SignalIntent, bar?: Bar): Signal {
  const full = { ...key, candleTime: intent.candleTime };
  if (bar !== undefined && bar.time !== intent.candleTime) {
    throw new PermanentError(`${signalId(full)}: the signal bar opens at ${bar.time}, not at the signal candle ${intent.candleTime}`, { code: 'BAD_SIGNAL' });
  }
  return Object.freeze({
    id: signalId(full),
    ...full,
    side: intent.side,
    entry: intent.entry,
    stop: intent.stop,
    target: intent.target,
    indicators: intent.indicators,
    ...(bar ? { bar: Object.freeze({ time: bar.time, open: bar.open, high: bar.high, low: bar.low, close: bar.close }) } : {}),
  });
}
