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

export function toSignal(key: Omit<SignalKey, 'candleTime'>, intent: SignalIntent): Signal {
  const full = { ...key, candleTime: intent.candleTime };
  return Object.freeze({
    id: signalId(full),
    ...full,
    side: intent.side,
    entry: intent.entry,
    stop: intent.stop,
    target: intent.target,
    indicators: intent.indicators,
  });
}
