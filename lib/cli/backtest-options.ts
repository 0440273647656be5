/**
 * Flag handling shared by the backtest and optimize CLIs (lib/cli/backtest.ts, lib/cli/optimize.ts):
 * the common parseArgs options, number / key=value parsing, position-rule validation, loading the
 * series (gap notices on stderr) and the error → exit code mapping.
 */
import { describeGaps, loadSeries, type Series } from '../backtest/load.js';
import { DEFAULT_STAKES, defaultStake, quoteCurrency } from '../core/format.js';
import { MAX_FEE_RATE, MAX_SLIPPAGE_BPS, positionRules } from '../core/positions/rules.js';
import { isCandlebotError } from '../errors.js';
import { badArgs, checkNumber, parseFlags, type FlagOptions } from './flags.js';

export { badArgs } from './flags.js';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

export function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!NUMBER.test(value.trim())) badArgs(`--${name} must be a number, got "${value}"`);
  return Number(value);
}

export function intFlag(name: string, value: string | undefined): number | undefined {
  const x = numberFlag(name, value);
  if (x !== undefined && !Number.isInteger(x)) badArgs(`--${name} must be an integer, got "${value}"`);
  return x;
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

/** The flags both CLIs take. */
const COMMON_OPTIONS = {
  data: { type: 'string' },
  strategy: { type: 'string' },
  param: { type: 'string', multiple: true, default: [] },
  fee: { type: 'string' },
  stake: { type: 'string' },
  'slippage-bps': { type: 'string' },
  'trail-atr': { type: 'string' },
  'max-bars': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies FlagOptions;

/** The common flags plus `extra`, through the shared parser (--help, negative numbers); a bad flag → badArgs. */
export function parseCliArgs<T extends FlagOptions>(argv: readonly string[], extra: T) {
  return parseFlags(argv, { ...COMMON_OPTIONS, ...extra });
}

/** --data and --strategy, both required. */
export function requireDataAndStrategy(values: { readonly data?: string | undefined; readonly strategy?: string | undefined }): { data: string; strategy: string } {
  if (values.data === undefined) badArgs('--data <file-or-dir> is required');
  if (values.strategy === undefined) badArgs('--strategy <name> is required');
  return { data: values.data, strategy: values.strategy };
}

/** --fee, --slippage-bps (with their defaults), --stake (undefined when not given: see resolveStake) and --trail-atr. */
export function costFlags(values: { readonly fee?: string | undefined; readonly stake?: string | undefined; readonly 'slippage-bps'?: string | undefined; readonly 'trail-atr'?: string | undefined }) {
  return {
    fee: numberFlag('fee', values.fee) ?? 0.001,
    stake: numberFlag('stake', values.stake),
    slippageBps: numberFlag('slippage-bps', values['slippage-bps']) ?? 0,
    trailAtr: numberFlag('trail-atr', values['trail-atr']),
  };
}

/** Validates the stake and the position rules (fee, slippage, trailing stop, max bars), each refused by its flag's name. */
export function checkPositionOptions(o: { readonly stake: number; readonly feeRate: number; readonly slippageBps: number; readonly trailAtr: number | null; readonly maxBars: number | null }): void {
  checkNumber('stake', o.stake, { above: 0 });
  checkNumber('fee', o.feeRate, { min: 0, max: MAX_FEE_RATE });
  checkNumber('slippage-bps', o.slippageBps, { min: 0, max: MAX_SLIPPAGE_BPS });
  if (o.trailAtr !== null) checkNumber('trail-atr', o.trailAtr, { above: 0 });
  if (o.maxBars !== null) checkNumber('max-bars', o.maxBars, { min: 1, integer: true });
  try {
    positionRules({ feeRate: o.feeRate, slippageBps: o.slippageBps, trailAtr: o.trailAtr, maxBars: o.maxBars });
  } catch (error) {
    badArgs(`bad --fee/--slippage-bps/--trail-atr/--max-bars: ${(error as Error).message}`);
  }
}

/** The help text's description of the stake default. */
export const STAKE_HELP =
  `--stake: quote currency per trade; default by the pairs' quote currency (${Object.entries(DEFAULT_STAKES)
    .map(([q, v]) => `${q} ${v}`)
    .join(', ')}); required for other quote currencies or when the series' quote currencies differ`;

/**
 * The stake: --stake when given, else the default of the series' one quote currency
 * (DEFAULT_STAKES: ≈ 100 USD). No default (unknown or mixed quote currencies) → badArgs.
 */
export function resolveStake(explicit: number | undefined, symbols: readonly string[]): number {
  if (explicit !== undefined) return explicit;
  const quotes = [...new Set(symbols.map(quoteCurrency))];
  if (quotes.length === 1) {
    const stake = defaultStake(quotes[0]!);
    if (stake !== undefined) return stake;
    badArgs(`--stake is required: no default stake for quote currency "${quotes[0]}" (defaults: ${Object.entries(DEFAULT_STAKES).map(([q, v]) => `${q} ${v}`).join(', ')})`);
  }
  badArgs(`--stake is required: the series are quoted in different currencies (${quotes.map((q) => q || '?').join(', ')}); a stake of 100 means 100 of each`);
}

/** Loads and validates the OHLCV files; a gap notice per series with gaps goes to stderr. */
export function loadSeriesWithNotices(data: string): Series[] {
  const series = loadSeries(data);
  for (const s of series) {
    const gaps = describeGaps(s);
    if (gaps !== null) process.stderr.write(`${gaps}\n`);
  }
  return series;
}

/** Prints an error of CLI `name` and returns its exit code: 2 for bad input, 1 for a bug. */
export function cliErrorExit(name: string, error: unknown): number {
  if (isCandlebotError(error) && error.kind === 'permanent') {
    process.stderr.write(`candlebot ${name}: ${error.message.split('\n')[0]}\n`);
    return 2;
  }
  process.stderr.write(`candlebot ${name}: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}
