/**
 * The scan's pure compute for one symbol, measured in-process on one real klines payload:
 * ccxt's JSON parse of the body (`parseJson`) and `parseOHLCVs` (what `fetchOHLCV` does
 * after the HTTP response), then what lib/scan/evaluate-symbol.ts does: `validateCandles`,
 * `splitClosed` + `candlesFromRows`, and each configured strategy. No I/O, no timers: the
 * floor of CPU per symbol that no transport change can remove.
 */
import type { Exchange } from 'ccxt';
import { candlesFromRows } from '../../lib/core/candle.js';
import { getStrategy } from '../../lib/core/strategies/index.js';
import type { Timeframe } from '../../lib/core/timeframe.js';
import { splitClosed, validateCandles } from '../../lib/core/validate-candles.js';
import type { StrategyConfig } from '../../lib/config/schema.js';

export interface CoreCompute {
  /** ms per symbol, each step measured on its own (median of rounds). */
  readonly parseJson: number;
  readonly parseOHLCVs: number;
  readonly validate: number;
  readonly split: number;
  readonly strategies: number;
  /** All steps in one loop, as the pipeline chains them. */
  readonly total: number;
  readonly rows: number;
}

export interface CoreComputeInput {
  readonly exchange: Exchange;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** The raw response body of one candle request. */
  readonly body: string;
  readonly limit: number;
  readonly strategies: readonly StrategyConfig[];
  readonly now: number;
  readonly iterations?: number;
  readonly rounds?: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Median ms per call of `fn` (CPU time of this process) over `rounds` × `iterations`, after one warm-up round. */
function timeIt(fn: () => unknown, iterations: number, rounds: number): number {
  const out: number[] = [];
  let sink = 0;
  for (let r = -1; r < rounds; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < iterations; i++) sink += fn() === undefined ? 0 : 1;
    const c = process.cpuUsage(c0);
    if (r >= 0) out.push((c.user + c.system) / 1000 / iterations);
  }
  if (sink < 0) throw new Error('unreachable');
  return median(out);
}

export function measureCoreCompute(input: CoreComputeInput): CoreCompute {
  const { exchange, symbol, timeframe, body, limit, strategies, now } = input;
  const iterations = input.iterations ?? 300;
  const rounds = input.rounds ?? 5;
  const market = exchange.market(symbol);
  const parse = () => exchange.parseJson(body) as unknown[];
  const toRows = (json: unknown[]) => exchange.parseOHLCVs(json as object[], market, timeframe, undefined, limit) as unknown as (readonly unknown[])[];
  const validate = (raw: readonly (readonly unknown[])[]) => {
    const v = validateCandles(raw, timeframe);
    if (!v.ok) throw v.error;
    return v.rows;
  };
  const split = (rows: ReturnType<typeof validate>) => {
    const { closed, forming } = splitClosed(rows, now, timeframe);
    return { series: candlesFromRows(closed), closed, forming };
  };
  const evaluate = ({ series, forming }: ReturnType<typeof split>) => {
    let n = 0;
    for (const entry of strategies) if (getStrategy(entry.name).evaluate(series, entry.params as never, forming?.[1])) n++;
    return n;
  };

  const json = parse();
  const raw = toRows(json);
  const rows = validate(raw);
  const splitResult = split(rows);
  if (splitResult.closed.length < Math.max(...strategies.map((s) => s.warmup))) throw new Error(`${splitResult.closed.length} closed candles: too few`);
  return {
    parseJson: timeIt(parse, iterations, rounds),
    parseOHLCVs: timeIt(() => toRows(json), iterations, rounds),
    validate: timeIt(() => validate(raw), iterations, rounds),
    split: timeIt(() => split(rows), iterations, rounds),
    strategies: timeIt(() => evaluate(splitResult), iterations, rounds),
    total: timeIt(() => evaluate(split(validate(toRows(parse())))), iterations, rounds),
    rows: raw.length,
  };
}
