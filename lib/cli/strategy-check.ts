/**
 * `npm run strategy:check -- --strategy <name|path.ts> --data <file-or-dir> [--params '{"fast":5}'] [--param k=v …]
 *   [--timeframe 5m] [--from <index|ISO date>] [--to <index|ISO date>] [--max-candles 20000] [--history 200]
 *   [--histories 1,2,4] [--json]`
 *
 * Thin: parses the flags, resolves the strategy (registry name or a .ts file: lib/strategy-check/load-file.ts),
 * loads the OHLCV (lib/backtest/load.ts), runs lib/strategy-check/check.ts per series and prints the
 * report (docs/strategies-check.md). Exit 0 clean, 1 lookahead or warm-up problems (or a bug), 2 bad input.
 */
import { pathToFileURL } from 'node:url';
import type { Series } from '../backtest/load.js';
import { timeframeSchema } from '../core/timeframe.js';
import { describeIssues } from '../core/zod-issues.js';
import { checkedRange, checkStrategy, DEFAULT_LIVE_HISTORY } from '../strategy-check/check.js';
import { formatReport } from '../strategy-check/format.js';
import { resolveStrategy } from '../strategy-check/load-file.js';
import type { CheckReport } from '../strategy-check/types.js';
import { badArgs, cliErrorExit, intFlag, loadSeriesWithNotices, parseParamPairs } from './backtest-options.js';
import { checkNumber, parseFlags } from './flags.js';

/** Default bound on checked candles per series: the lookahead check is quadratic in the series length. */
export const DEFAULT_MAX_CANDLES = 20_000;

export const STRATEGY_CHECK_USAGE =
  'usage: npm run strategy:check -- --strategy <name|path.ts> --data <file-or-dir> [--params <json>] [--param key=value ...]\n' +
  '         [--timeframe <tf>] [--from <index|ISO date>] [--to <index|ISO date>] [--max-candles 20000]\n' +
  '         [--history <scan.candles>] [--histories 1,2,4] [--json]\n' +
  '  Lookahead: every candle is evaluated on the candles up to it (next open known) and compared exactly with the\n' +
  '    whole-series evaluation; any difference (signal, side, entry, stop, target, exit) is lookahead.\n' +
  '  Warm-up: every candle is evaluated with only the last warmup × 1, 2, 4 (--histories) and --history candles\n' +
  `    (the live scan's scan.candles; default max(${DEFAULT_LIVE_HISTORY}, warmup + 1)) and compared with the full history.\n` +
  '    Problems: a side that never fires with exactly warmup candles (warm-up too short), or a signal whose presence\n' +
  '    or side differs with the live history. Price differences are information: recursive indicators (EMA, Wilder\n' +
  '    ATR/RSI, MACD) never reproduce their full-history values exactly from a short history.\n' +
  `  Time grows with the square of the candles checked: at most --max-candles (default ${DEFAULT_MAX_CANDLES}); use --from/--to.\n` +
  '  Exit code: 0 clean, 1 problems found, 2 bad input. docs/strategies-check.md explains the checks.';

interface Options {
  readonly strategy: string;
  readonly data: string;
  readonly params: Record<string, unknown>;
  readonly timeframe: string | undefined;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly maxCandles: number;
  readonly history: number | undefined;
  readonly multiples: number[];
  readonly json: boolean;
}

function parseParamsJson(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    badArgs(`--params must be a JSON object, e.g. '{"fast":5}': ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) badArgs(`--params must be a JSON object, got ${text}`);
  return value as Record<string, unknown>;
}

function parseOptions(argv: readonly string[]): Options | 'help' {
  const v = parseFlags(argv, {
    strategy: { type: 'string' },
    data: { type: 'string' },
    params: { type: 'string' },
    param: { type: 'string', multiple: true, default: [] },
    timeframe: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'max-candles': { type: 'string' },
    history: { type: 'string' },
    histories: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (v.help) return 'help';
  if (v.strategy === undefined) badArgs('--strategy <name|path.ts> is required');
  if (v.data === undefined) badArgs('--data <file-or-dir> is required');
  const json = parseParamsJson(v.params);
  const pairs = parseParamPairs(v.param ?? []);
  for (const key of Object.keys(pairs)) if (Object.hasOwn(json, key)) badArgs(`param ${key} given in --params and --param`);
  const maxCandles = intFlag('max-candles', v['max-candles']) ?? DEFAULT_MAX_CANDLES;
  checkNumber('max-candles', maxCandles, { min: 1, integer: true });
  const history = intFlag('history', v.history);
  if (history !== undefined) checkNumber('history', history, { min: 1, integer: true });
  const multiples = (v.histories ?? '1,2,4').split(',').map((m) => intFlag('histories', m.trim())!);
  for (const m of multiples) checkNumber('histories', m, { min: 1, max: 64, integer: true });
  return { strategy: v.strategy, data: v.data, params: { ...json, ...pairs }, timeframe: v.timeframe, from: v.from, to: v.to, maxCandles, history, multiples, json: v.json ?? false };
}

/** `--from` / `--to`: a candle index, or an ISO date (the first candle at or after it / the last at or before it). */
function candleIndex(flag: 'from' | 'to', value: string | undefined, time: readonly number[]): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const t = Date.parse(value);
  if (!Number.isFinite(t)) badArgs(`--${flag} must be a candle index or an ISO date (2024-03-01T12:00Z), got "${value}"`);
  if (flag === 'from') {
    const i = time.findIndex((x) => x >= t);
    return i === -1 ? time.length : i;
  }
  let i = time.length - 1;
  while (i >= 0 && time[i]! > t) i--;
  return i;
}

function progress(label: string): (done: number, total: number) => void {
  const tty = process.stderr.isTTY === true;
  let next = 0.25;
  return (done, total) => {
    const f = done / total;
    if (tty && (done % 50 === 0 || done === total)) process.stderr.write(`\r${label}: ${Math.floor(100 * f)}% (${done}/${total} evaluations of the candle range)${done === total ? '\n' : ''}`);
    else if (!tty && f >= next) {
      process.stderr.write(`${label}: ${Math.floor(100 * f)}%\n`);
      while (next <= f) next += 0.25;
    }
  };
}

function checkSeries(opts: Options, s: Series, strategy: Awaited<ReturnType<typeof resolveStrategy>>, params: object): CheckReport {
  if (opts.timeframe !== undefined && opts.timeframe !== s.timeframe) {
    badArgs(`--timeframe ${opts.timeframe}: ${s.path} holds ${s.timeframe} candles (its name and spacing say so)`);
  }
  const n = s.candles.close.length;
  const warmup = strategy.warmup(params);
  const from = candleIndex('from', opts.from, s.candles.time);
  const to = candleIndex('to', opts.to, s.candles.time);
  if (from !== undefined && to !== undefined && from > to) badArgs(`--from (${opts.from}) is after --to (${opts.to})`);
  const range = checkedRange(n, warmup, from, to);
  const count = range.to - range.from + 1;
  if (count > opts.maxCandles) {
    badArgs(`${s.path}: ${count} candles to check (#${range.from}..#${range.to}); the lookahead check evaluates every prefix, so its time grows with the square of the candles: check a window with --from/--to (at most --max-candles ${opts.maxCandles}) or raise --max-candles`);
  }
  if (opts.history !== undefined && opts.history < warmup) badArgs(`--history ${opts.history} is below the strategy's warm-up ${warmup} (the config refuses scan.candles below warmup + 1)`);
  return checkStrategy({
    strategy,
    params,
    candles: s.candles,
    context: { timeframe: s.timeframe },
    from: range.from,
    to: range.to,
    multiples: opts.multiples,
    ...(opts.history === undefined ? {} : { liveHistory: opts.history }),
    ...(count >= 1000 ? { onProgress: progress(`checking ${s.symbol} ${s.timeframe}`) } : {}),
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  const opts = parseOptions(argv);
  if (opts === 'help') {
    process.stdout.write(`${STRATEGY_CHECK_USAGE}\n`);
    return 0;
  }
  if (opts.timeframe !== undefined && !timeframeSchema.safeParse(opts.timeframe).success) badArgs(`--timeframe must be one of ${timeframeSchema.options.join(', ')}, got "${opts.timeframe}"`);
  const strategy = await resolveStrategy(opts.strategy);
  const parsed = strategy.params.safeParse(opts.params);
  if (!parsed.success) badArgs(`bad params for ${strategy.name}: ${describeIssues(parsed.error.issues, { root: 'params' })}`);
  const series = loadSeriesWithNotices(opts.data);
  const reports = series.map((s) => ({ series: s, report: checkSeries(opts, s, strategy, parsed.data as object) }));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(reports.map(({ series: s, report }) => ({ path: s.path, symbol: s.symbol, timeframe: s.timeframe, ...report })))}\n`);
  } else {
    process.stdout.write(`${reports.map(({ series: s, report }) => formatReport(report, `${s.symbol} ${s.timeframe} (${s.path})`)).join('\n\n')}\n`);
  }
  return reports.every((r) => r.report.ok) ? 0 : 1;
}

/** Runs the CLI and returns its exit code (0 clean, 1 problems or a bug, 2 bad input); prints errors itself. */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (error) {
    return cliErrorExit('strategy:check', error);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run(process.argv.slice(2));
}
