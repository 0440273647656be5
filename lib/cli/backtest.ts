/**
 * `npm run backtest -- --data <file-or-dir> --strategy <name> [--param key=value …]
 *   [--fee 0.001] [--stake <quote amount>] [--slippage-bps 0] [--trail-atr <x>] [--max-bars <n>] [--json] [--html <path>]`
 *
 * --stake defaults by the series' quote currency (lib/core/format.ts DEFAULT_STAKES: USDT 100,
 * BTC 0.001, ETH 0.03, …); other or mixed quote currencies require it.
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
import { runBacktest } from '../backtest/engine.js';
import { jsonReport, reasonLine, summaryTable } from '../backtest/format.js';
import { commonQuote, formatAmount } from '../core/format.js';
import { renderBacktestHtml } from '../backtest/report-html.js';
import { combineResults } from '../backtest/summary.js';
import { getStrategy } from '../core/strategies/index.js';
import {
  badArgs,
  checkPositionOptions,
  cliErrorExit,
  costFlags,
  loadSeriesWithNotices,
  numberFlag,
  parseCliArgs,
  parseParamPairs,
  requireDataAndStrategy,
  resolveStake,
  STAKE_HELP,
} from './backtest-options.js';
import { checkNumber } from './flags.js';
import { describeIssues } from '../core/zod-issues.js';

export const BACKTEST_USAGE =
  'usage: npm run backtest -- --data <file-or-dir> --strategy <name> [--param key=value ...] ' +
  '[--fee 0.001] [--stake <amount>] [--slippage-bps 0] [--trail-atr <x>] [--max-bars <n>] [--json] [--html <path>]\n' +
  `  ${STAKE_HELP}\n` +
  '  without --json: tables on stdout and an HTML report (default ./backtest-report.html; its path on stderr)';

/** Where the HTML report goes without --json and without --html (relative to the current directory). */
export const DEFAULT_HTML_REPORT = 'backtest-report.html';

export { parseParamPairs } from './backtest-options.js';

interface Options {
  readonly data: string;
  readonly strategy: string;
  readonly params: Record<string, unknown>;
  readonly fee: number;
  /** Undefined: the quote currency's default (resolveStake). */
  readonly stake: number | undefined;
  readonly slippageBps: number;
  readonly trailAtr: number | undefined;
  readonly maxBars: number | undefined;
  readonly json: boolean;
  readonly html: string | undefined;
}

function parseOptions(argv: readonly string[]): Options | 'help' {
  const values = parseCliArgs(argv, { html: { type: 'string' } });
  if (values.help) return 'help';
  const { data, strategy } = requireDataAndStrategy(values);
  if (values.html !== undefined && values.html.trim() === '') badArgs('--html needs a file path');
  return {
    data,
    strategy,
    params: parseParamPairs(values.param ?? []),
    ...costFlags(values),
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
    const issues = describeIssues(parsed.error.issues, { root: 'params' });
    badArgs(`bad --param for ${strategy.name}: ${issues}`);
  }
  if (opts.stake !== undefined) checkNumber('stake', opts.stake, { above: 0 });
  checkPositionOptions({ stake: opts.stake ?? 1, feeRate: opts.fee, slippageBps: opts.slippageBps, trailAtr: opts.trailAtr ?? null, maxBars: opts.maxBars ?? null });

  const series = loadSeriesWithNotices(opts.data);
  const stake = resolveStake(opts.stake, series.map((s) => s.symbol));
  const results = series.map((s) =>
    runBacktest({
      symbol: s.symbol,
      timeframe: s.timeframe,
      candles: s.candles,
      strategy,
      params: parsed.data,
      stake,
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
      stake,
      feeRate: opts.fee,
      slippageBps: opts.slippageBps,
      trailAtr: opts.trailAtr,
      maxBars: opts.maxBars,
      data: opts.data,
      generatedAt: Date.now(),
      series: series.map((s, k) => ({ result: results[k]!, candles: s.candles, path: s.path, gaps: s.gaps.length, lines: strategy.lines?.(s.candles, parsed.data) ?? [] })),
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
    `${strategy.name} ${JSON.stringify(parsed.data)}; stake ${formatAmount(stake, commonQuote(series.map((s) => s.symbol)))} per trade${opts.stake === undefined ? ' (default for the quote currency)' : ''}, fee ${opts.fee} per side${extras.length ? `, ${extras.join(', ')}` : ''}`,
    '',
    summaryTable(results, combined, stake),
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
    return cliErrorExit('backtest', error);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = run(process.argv.slice(2));
}
