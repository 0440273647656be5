/**
 * `npm run backtest -- --data <file-or-dir> --strategy <name> [--param key=value …]
 *   [--fee 0.001] [--stake 100] [--slippage-bps 0] [--trail-atr <x>] [--max-bars <n>] [--json] [--html <path>]`
 *
 * Thin: parses and validates the flags (strategy params with the strategy's own zod schema),
 * loads and validates the OHLCV files, runs the engine per series, prints. With --json stdout
 * holds exactly one JSON document `{ trades, summary }`; everything else goes to stderr.
 * The HTML report (lib/backtest/report-html.ts: one self-contained file, equity curve, candles
 * with the trades) is written to --html <path>; without --json and without --html it goes to
 * `backtest-report.html` in the current directory (with --json only when --html is given).
 * Its path is printed on stderr.
 * Bad input → one line on stderr, exit code 2. A bug → its stack on stderr, exit code 1.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runBacktest } from '../backtest/engine.js';
import { jsonReport, reasonLine, summaryTable, fmt } from '../backtest/format.js';
import { describeGaps, loadSeries } from '../backtest/load.js';
import { renderBacktestHtml } from '../backtest/report-html.js';
import { combineResults } from '../backtest/summary.js';
import { positionRules } from '../core/positions/rules.js';
import { getStrategy } from '../core/strategies/index.js';
import { ConfigError, isCandlebotError } from '../errors.js';

export const BACKTEST_USAGE =
  'usage: npm run backtest -- --data <file-or-dir> --strategy <name> [--param key=value ...] ' +
  '[--fee 0.001] [--stake 100] [--slippage-bps 0] [--trail-atr <x>] [--max-bars <n>] [--json] [--html <path>]\n' +
  '  without --json: tables on stdout and an HTML report (default ./backtest-report.html; its path on stderr)';

/** Where the HTML report goes without --json and without --html (relative to the current directory). */
export const DEFAULT_HTML_REPORT = 'backtest-report.html';

function badArgs(message: string): never {
  throw new ConfigError(message, { code: 'BAD_ARGS' });
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!NUMBER.test(value.trim())) badArgs(`--${name} must be a number, got "${value}"`);
  return Number(value);
}

/** `key=value` pairs → an object; numbers and true/false are converted, the rest left as text. */
export function parseParamPairs(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) badArgs(`--param expects key=value, got "${pair}"`);
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1).trim();
    if (Object.hasOwn(out, key)) badArgs(`--param ${key} given twice`);
    out[key] = NUMBER.test(raw) ? Number(raw) : raw === 'true' ? true : raw === 'false' ? false : raw;
  }
  return out;
}

interface Options {
  readonly data: string;
  readonly strategy: string;
  readonly params: Record<string, unknown>;
  readonly fee: number;
  readonly stake: number;
  readonly slippageBps: number;
  readonly trailAtr: number | undefined;
  readonly maxBars: number | undefined;
  readonly json: boolean;
  readonly html: string | undefined;
}

function parseOptions(argv: readonly string[]): Options | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        data: { type: 'string' },
        strategy: { type: 'string' },
        param: { type: 'string', multiple: true, default: [] },
        fee: { type: 'string' },
        stake: { type: 'string' },
        'slippage-bps': { type: 'string' },
        'trail-atr': { type: 'string' },
        'max-bars': { type: 'string' },
        json: { type: 'boolean', default: false },
        html: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    badArgs((cause as Error).message.split('\n')[0]!);
  }
  if (values.help) return 'help';
  if (values.data === undefined) badArgs('--data <file-or-dir> is required');
  if (values.strategy === undefined) badArgs('--strategy <name> is required');
  if (values.html !== undefined && values.html.trim() === '') badArgs('--html needs a file path');
  return {
    data: values.data,
    strategy: values.strategy,
    params: parseParamPairs(values.param ?? []),
    fee: numberFlag('fee', values.fee) ?? 0.001,
    stake: numberFlag('stake', values.stake) ?? 100,
    slippageBps: numberFlag('slippage-bps', values['slippage-bps']) ?? 0,
    trailAtr: numberFlag('trail-atr', values['trail-atr']),
    maxBars: numberFlag('max-bars', values['max-bars']),
    json: values.json ?? false,
    html: values.html,
  };
}

export function main(argv: readonly string[]): number {
  const opts = parseOptions(argv);
  if (opts === 'help') {
    process.stdout.write(`${BACKTEST_USAGE}\n`);
    return 0;
  }
  const strategy = getStrategy(opts.strategy);
  const parsed = strategy.params.safeParse(opts.params);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
    badArgs(`bad --param for ${strategy.name}: ${issues}`);
  }
  if (!(Number.isFinite(opts.stake) && opts.stake > 0)) badArgs(`--stake must be > 0, got ${opts.stake}`);
  try {
    positionRules({ feeRate: opts.fee, slippageBps: opts.slippageBps, trailAtr: opts.trailAtr ?? null, maxBars: opts.maxBars ?? null });
  } catch (error) {
    badArgs(`bad --fee/--slippage-bps/--trail-atr/--max-bars: ${(error as Error).message}`);
  }

  const series = loadSeries(opts.data);
  for (const s of series) {
    const gaps = describeGaps(s);
    if (gaps !== null) process.stderr.write(`${gaps}\n`);
  }
  const results = series.map((s) =>
    runBacktest({
      symbol: s.symbol,
      timeframe: s.timeframe,
      candles: s.candles,
      strategy,
      params: parsed.data,
      stake: opts.stake,
      feeRate: opts.fee,
      slippageBps: opts.slippageBps,
      trailAtr: opts.trailAtr,
      maxBars: opts.maxBars,
    }),
  );
  const combined = combineResults(results);
  const htmlPath = opts.html ?? (opts.json ? undefined : DEFAULT_HTML_REPORT);
  if (htmlPath !== undefined) {
    const html = renderBacktestHtml({
      strategy: strategy.name,
      params: parsed.data as Record<string, unknown>,
      stake: opts.stake,
      feeRate: opts.fee,
      slippageBps: opts.slippageBps,
      trailAtr: opts.trailAtr,
      maxBars: opts.maxBars,
      data: opts.data,
      generatedAt: Date.now(),
      series: series.map((s, k) => ({ result: results[k]!, candles: s.candles, path: s.path, gaps: s.gaps.length })),
      combined,
    });
    const target = resolve(htmlPath);
    try {
      writeFileSync(target, html);
    } catch (error) {
      badArgs(`cannot write the HTML report to ${target}: ${(error as Error).message.split('\n')[0]}`);
    }
    process.stderr.write(`HTML report: ${target}\n`);
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(jsonReport(combined))}\n`);
    return 0;
  }
  const extras = [
    opts.slippageBps ? `slippage ${opts.slippageBps} bps` : '',
    opts.trailAtr ? `trailing stop ${opts.trailAtr} ATR` : '',
    opts.maxBars ? `max ${opts.maxBars} bars` : '',
  ].filter(Boolean);
  const out = [
    `${strategy.name} ${JSON.stringify(parsed.data)}; stake ${fmt(opts.stake)} per trade, fee ${opts.fee} per side${extras.length ? `, ${extras.join(', ')}` : ''}`,
    '',
    summaryTable(results, combined),
    '',
    ...results.map(reasonLine),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

/** Runs the CLI and returns its exit code (0, 1 for a bug, 2 for bad input); prints errors itself. */
export function run(argv: readonly string[]): number {
  try {
    return main(argv);
  } catch (error) {
    if (isCandlebotError(error) && error.kind === 'permanent') {
      process.stderr.write(`candlebot backtest: ${error.message.split('\n')[0]}\n`);
      return 2;
    }
    process.stderr.write(`candlebot backtest: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = run(process.argv.slice(2));
}
