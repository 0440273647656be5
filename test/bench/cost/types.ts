/** Shared shapes of `npm run cost`'s measurement (test/bench/cost/measure.ts, test/bench/cost/scenarios.ts). */
import type { BotConfig } from '../../../lib/config/schema.js';
import { timeframeMs, timeframeSchema } from '../../../lib/core/timeframe.js';
import type { Quantities } from '../../../lib/cost/measurement.js';

/** What the peers process (test/bench/cost/peers.ts) has counted so far. */
export interface PeerCounters {
  readonly ddb: { requests: number; rru: number; wru: number; byOp: Record<string, number> };
  readonly sqs: { requests: number; billed: number; byOp: Record<string, number> };
  readonly telegram: { calls: number };
}

export interface MeasureOptions {
  readonly config: BotConfig;
  /** The config file as written (YAML parsed, not validated): the measurement's configs are derived from it. */
  readonly raw: Readonly<Record<string, unknown>>;
  readonly subscribers: number;
  readonly latencyMs: number;
  readonly commit: string;
  readonly progress: (line: string) => void;
}

/** The peers process: counting proxies and the fake Bot API. */
export interface Peers {
  readonly ddb: string;
  readonly sqs: string;
  readonly telegram: string;
  readonly token: string;
  snap(): Promise<PeerCounters>;
  close(): Promise<void>;
}

/** Runs `fn` as one measured invocation: peers' counters, captured log output, CPU and wall time. */
export type Invoke = <T>(fn: () => Promise<T>) => Promise<{ result: T; q: Quantities; log: string }>;

/** The symbols of the i-th exchange, made distinct for the one simulated exchange (`BTC/USDT` of exchange 1 → `BTCX1/USDT`). */
export function measuredSymbol(symbol: string, exchangeIndex: number): string {
  if (exchangeIndex === 0) return symbol;
  const [base, quote] = symbol.split('/');
  return `${base}X${exchangeIndex}/${quote}`;
}

/** Minutes of a timeframe. */
export const tfMinutes = (tf: string): number => timeframeMs(timeframeSchema.parse(tf)) / 60_000;
