/**
 * The one flag parser of every CLI (npm start, backtest, optimize, download, dlq:redrive,
 * webhook:set, stack, package): node:util parseArgs (strict, no positionals) plus
 *  - `--help` / `-h` on every CLI (the caller prints its usage and exits 0),
 *  - negative numbers as values: parseArgs reads `--fee -1` as a flag `-1` ("argument is
 *    ambiguous"); here `--fee -1` is passed on as `--fee=-1`, so range checks can refuse it by
 *    name ("--fee must be ≥ 0, got -1"),
 *  - one-line errors (ConfigError `BAD_ARGS`) that point at `--help`.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../errors.js';

export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const satisfies FlagOptions;

/** A number with a leading minus: `-1`, `-0.5`, `-.5`, `-1e-3`. */
const NEGATIVE_NUMBER = /^-(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

export function badArgs(message: string, cause?: unknown): never {
  throw new ConfigError(message, { code: 'BAD_ARGS', ...(cause === undefined ? {} : { cause }) });
}

/** `--name -1` → `--name=-1` when `--name` takes a value; everything else unchanged. */
export function joinNegativeValues(argv: readonly string[], options: FlagOptions): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** True when argv asks for help (`--help` or `-h` before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * Parses `argv` with `options` plus `--help`; strict, no positionals. A bad flag throws
 * ConfigError `BAD_ARGS` with parseArgs' first line and a pointer to --help.
 */
export function parseFlags<T extends FlagOptions>(argv: readonly string[], options: T) {
  const all = { ...HELP, ...options };
  try {
    return parseArgs({ args: joinNegativeValues(argv, all), options: all, strict: true, allowPositionals: false }).values;
  } catch (cause) {
    return badArgs(`${(cause as Error).message.split('\n')[0]!} (--help for usage)`, cause);
  }
}

export interface NumberBounds {
  /** value ≥ min */
  readonly min?: number;
  /** value > above */
  readonly above?: number;
  /** value ≤ max */
  readonly max?: number;
  readonly integer?: boolean;
}

/** Refuses `value` by the flag's name when it is not finite or outside the bounds. */
export function checkNumber(flag: string, value: number, bounds: NumberBounds): void {
  const got = `got ${String(value)}`;
  if (!Number.isFinite(value)) badArgs(`--${flag} must be a finite number, ${got}`);
  if (bounds.integer && !Number.isInteger(value)) badArgs(`--${flag} must be an integer, ${got}`);
  if (bounds.min !== undefined && value < bounds.min) badArgs(`--${flag} must be ≥ ${bounds.min}, ${got}`);
  if (bounds.above !== undefined && value <= bounds.above) badArgs(`--${flag} must be > ${bounds.above}, ${got}`);
  if (bounds.max !== undefined && value > bounds.max) badArgs(`--${flag} must be ≤ ${bounds.max}, ${got}`);
}
