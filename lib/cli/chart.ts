/**
 * `npm run chart -- --data <file> --strategy <name> [--at <time>] [--out <file.png>]
 *   [--param key=value …] [--candles 150]`
 *
 * Renders the chart a signal notification would carry (lib/core/chart-data.ts → lib/chart) for
 * one candle file (`BASE_QUOTE-<tf>.json`, as `npm run download` writes and the backtester
 * reads), so a user can look at a strategy's signals before deploying it. The signal is the one
 * on the candle containing `--at` (UTC; `2024-01-01T12:00`, `…Z`, an offset, or epoch ms), else
 * the last signal in the file; none there → one line naming the nearest signals, exit 2.
 * The PNG goes to --out, default `chart-<BASE>-<QUOTE>-<strategy>.png` in the current directory
 * (git-ignored); its path and the signal are printed on stdout.
 * Bad input → one line on stderr, exit code 2. A bug → its stack on stderr, exit code 1.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderChartPng } from '../chart/render.js';
import { chartForSignal, lastIndexAtOrBefore } from '../core/chart-data.js';
import { formatPrice } from '../core/format.js';
import { toSignal } from '../core/signal.js';
import { getStrategy } from '../core/strategies/index.js';
import type { SignalIntent } from '../core/strategies/types.js';
import { parseUtcTime } from './download-args.js';
import { PermanentError } from '../errors.js';
import { cliErrorExit, loadSeriesWithNotices, parseParamPairs } from './backtest-options.js';
import { badArgs, checkNumber, parseFlags, type FlagOptions } from './flags.js';
import { describeIssues } from '../core/zod-issues.js';

export const CHART_USAGE =
  'usage: npm run chart -- --data <BASE_QUOTE-tf.json> --strategy <name> [--at <time>] [--out <file.png>] [--param key=value ...] [--candles 150]\n' +
  '  renders the signal chart (PNG) of the signal on the candle containing --at (UTC, e.g. 2024-01-01T12:00, or epoch ms),\n' +
  '  else of the last signal in the file; default output ./chart-<BASE>-<QUOTE>-<strategy>.png';

const OPTIONS = {
  data: { type: 'string' },
  strategy: { type: 'string' },
  at: { type: 'string' },
  out: { type: 'string' },
  param: { type: 'string', multiple: true, default: [] },
  candles: { type: 'string' },
} satisfies FlagOptions;

/** The default output file: `chart-ETH-BTC-macd-trend.png` (matches the `chart-*.png` git-ignore). */
export function defaultChartFile(symbol: string, strategy: string): string {
  return `chart-${symbol.replace(/[^A-Za-z0-9._-]+/g, '-')}-${strategy}.png`;
}

/** `--at`: a UTC date/time (see parseUtcTime) or epoch milliseconds. */
export function parseAt(text: string): number {
  const trimmed = text.trim();
  const ms = /^\d{10,}$/.test(trimmed) ? Number(trimmed) : parseUtcTime(trimmed);
  if (ms === undefined || !Number.isSafeInteger(ms)) badArgs(`--at: not a time like 2024-01-01T12:00 (UTC), 2024-01-01T12:00+02:00 or epoch ms (got ${JSON.stringify(text)})`);
  return ms;
}

const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export async function main(argv: readonly string[]): Promise<number> {
  const values = parseFlags(argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${CHART_USAGE}\n`);
    return 0;
  }
  if (values.data === undefined || values.data.trim() === '') badArgs('--data <BASE_QUOTE-tf.json> is required (--help for usage)');
  if (values.strategy === undefined || values.strategy.trim() === '') badArgs('--strategy <name> is required (--help for usage)');
  if (values.out !== undefined && values.out.trim() === '') badArgs('--out needs a file path');
  const count = values.candles === undefined ? 150 : Number(values.candles);
  checkNumber('candles', count, { min: 2, max: 300, integer: true });
  const at = values.at === undefined ? undefined : parseAt(values.at);

  const strategy = getStrategy(values.strategy);
  const parsed = strategy.params.safeParse(parseParamPairs(values.param ?? []));
  if (!parsed.success) {
    badArgs(`bad --param for ${strategy.name}: ${describeIssues(parsed.error.issues, { root: 'params' })}`);
  }
  const params = parsed.data as object;

  const series = loadSeriesWithNotices(values.data);
  if (series.length !== 1) badArgs(`--data must be one candle file; ${values.data} holds ${series.length} (${series.map((s) => s.path).join(', ')})`);
  const { symbol, timeframe, candles, path } = series[0]!;
  const intents = strategy.evaluateAll(candles, params);
  const span = candles.time.length === 0 ? 'no candles' : `${candles.time.length} candles, ${iso(candles.time[0]!)} … ${iso(candles.time.at(-1)!)}`;

  let intent: SignalIntent | undefined;
  if (at === undefined) {
    intent = intents.at(-1);
    if (intent === undefined) throw new PermanentError(`no ${strategy.name} signal in ${path} (${span})`, { code: 'NO_SIGNAL' });
  } else {
    const i = lastIndexAtOrBefore(candles.time, at);
    const candleTime = i < 0 ? undefined : candles.time[i];
    intent = intents.find((x) => x.candleTime === candleTime);
    if (intent === undefined) {
      const before = intents.filter((x) => x.candleTime < at).at(-1);
      const after = intents.find((x) => x.candleTime > at);
      const near = [before && `before: ${iso(before.candleTime)} (${before.side})`, after && `after: ${iso(after.candleTime)} (${after.side})`].filter(Boolean).join('; ');
      const where = candleTime === undefined ? `${iso(at)} is before the first candle` : `no ${strategy.name} signal on the candle opening ${iso(candleTime)}`;
      throw new PermanentError(`${where} in ${path} (${span}); ${near === '' ? 'no signal at all in the file' : `nearest signals ${near}`}`, { code: 'NO_SIGNAL' });
    }
  }

  const signal = toSignal({ strategy: strategy.name, exchange: 'file', symbol, timeframe }, intent);
  const spec = chartForSignal({ candles, signal, strategy, params, count });
  if (spec === undefined) throw new PermanentError(`the signal at ${iso(signal.candleTime)} cannot be charted (fewer than 2 candles)`, { code: 'NO_CHART' });
  const png = await renderChartPng(spec);
  const out = resolve(values.out ?? defaultChartFile(symbol, strategy.name));
  writeFileSync(out, png);
  process.stdout.write(
    `${symbol} ${timeframe} ${strategy.name}: ${signal.side.toUpperCase()} signal on the candle opening ${iso(signal.candleTime)}; ` +
      `entry ${formatPrice(signal.entry)}, stop ${formatPrice(signal.stop)}, target ${formatPrice(signal.target)} ` +
      `(${intents.length} signal(s) in the file)\n${out}\n`,
  );
  return 0;
}

/** Runs the CLI and returns its exit code (0, 1 for a bug, 2 for bad input); prints errors itself. */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (error) {
    return cliErrorExit('chart', error);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run(process.argv.slice(2));
}
