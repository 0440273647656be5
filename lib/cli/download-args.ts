/** Arguments of `npm run download`: the shared CLI flag parser (lib/cli/flags.ts) for the shape, zod for the values. */
import { z } from 'zod';
import { parseFlags } from './flags.js';
import { TIMEFRAMES } from '../core/timeframe.js';
import { ConfigError, isCandlebotError } from '../errors.js';
import { normalizeApiBase } from '../exchange/api-base.js';
import type { DownloadRequest } from '../download/run-download.js';

export const DOWNLOAD_USAGE =
  'usage: npm run download -- --exchange <ccxt id> --symbols BTC/USDT[,ETH/USDT…] --timeframe <' + TIMEFRAMES.join('|') + '> ' +
  '--since <YYYY-MM-DD[THH:MM[:SS]][Z]> [--until <date>] [--out data/] [--api-base <url>] [--limit 1000] [--timeout-ms 10000] ' +
  '(times are UTC unless an offset is given)';

export type DownloadArgs = { readonly help: true } | ({ readonly help: false } & DownloadRequest);

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** `2024-01-01` / `2024-01-01T12:00` (UTC) / `…Z` / `…+02:00` → ms; undefined when not a real date. */
export function parseUtcTime(text: string): number | undefined {
  const m = DATE.exec(text.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, , zone] = m;
  const hasTime = h !== undefined;
  const iso = hasTime ? `${text.trim()}${zone === undefined ? 'Z' : ''}` : `${text.trim()}T00:00:00Z`;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return undefined;
  // Date.parse rolls 2024-02-30 over to March: check the calendar fields survive.
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), hasTime ? Number(h) : 0, hasTime ? Number(mi) : 0));
  const sameDay = check.getUTCFullYear() === Number(y) && check.getUTCMonth() === Number(mo) - 1 && check.getUTCDate() === Number(d);
  const sameTime = !hasTime || (check.getUTCHours() === Number(h) && check.getUTCMinutes() === Number(mi));
  return sameDay && sameTime ? ms : undefined;
}

const time = (flag: string) =>
  z.string().transform((text, ctx) => {
    const ms = parseUtcTime(text);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: `${flag}: not a date like 2024-01-01 or 2024-01-01T12:00Z (got ${JSON.stringify(text)})` });
    return ms ?? 0;
  });

const intIn = (flag: string, min: number, max: number) =>
  z.string().transform((text, ctx) => {
    const n = Number(text);
    if (!(/^\d+$/.test(text) && n >= min && n <= max)) ctx.addIssue({ code: 'custom', message: `${flag}: expected an integer from ${min} to ${max} (got ${JSON.stringify(text)})` });
    return n;
  });

const SYMBOL = /^[A-Z0-9]+\/[A-Z0-9]+$/;

const argsSchema = z.object({
  exchange: z.string({ error: '--exchange is required' }).regex(/^[a-z][a-z0-9]*$/, '--exchange: expected a ccxt id like binance'),
  symbols: z
    .string({ error: '--symbols is required' })
    .transform((text) => text.split(',').map((s) => s.trim()).filter((s) => s !== ''))
    .pipe(z.array(z.string().regex(SYMBOL, '--symbols: expected BASE/QUOTE in capitals, e.g. BTC/USDT')).min(1, '--symbols: give at least one symbol')),
  timeframe: z.string({ error: '--timeframe is required' }).pipe(z.enum(TIMEFRAMES, { error: `--timeframe: expected one of ${TIMEFRAMES.join(' ')}` })),
  since: z.string({ error: '--since is required' }).pipe(time('--since')),
  until: time('--until').optional(),
  out: z.string().min(1, '--out: empty path'),
  'api-base': z.string().optional(),
  limit: intIn('--limit', 1, 5000),
  'timeout-ms': intIn('--timeout-ms', 100, 600_000),
});

function fail(message: string, cause?: unknown): never {
  throw new ConfigError(message, { code: 'BAD_ARGS', ...(cause === undefined ? {} : { cause }) });
}

/** Parses argv (after the script name); throws ConfigError `BAD_ARGS` with a one-line message. */
export function parseDownloadArgs(argv: readonly string[], nowMs: number): DownloadArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseFlags(argv, {
      exchange: { type: 'string' }, symbols: { type: 'string' }, timeframe: { type: 'string' },
      since: { type: 'string' }, until: { type: 'string' }, out: { type: 'string', default: 'data/' },
      'api-base': { type: 'string' }, limit: { type: 'string', default: '1000' },
      'timeout-ms': { type: 'string', default: '10000' },
    });
  } catch (cause) {
    fail((cause as Error).message, cause);
  }
  if (values['help'] === true) return { help: true };

  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    fail(parsed.error.issues.map((issue) => issue.message).join('; '));
  }
  const a = parsed.data;
  let apiBase: string | undefined;
  try {
    apiBase = a['api-base'] === undefined ? undefined : normalizeApiBase(a['api-base']);
  } catch (error) {
    fail(`--api-base: ${isCandlebotError(error) ? error.message : String(error)}`, error);
  }
  if (a.since >= nowMs) fail(`--since ${new Date(a.since).toISOString()} is not in the past`);
  if (a.until !== undefined && a.until <= a.since) fail(`--until must be after --since`);
  return {
    help: false,
    exchange: a.exchange,
    symbols: [...new Set(a.symbols)],
    timeframe: a.timeframe,
    sinceMs: a.since,
    untilMs: a.until,
    outDir: a.out,
    apiBase,
    limit: a.limit,
    timeoutMs: a['timeout-ms'],
  };
}
