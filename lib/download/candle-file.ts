/**
 * The downloaded candle files: one JSON file per pair and timeframe, ccxt rows
 * `[timeMs, open, high, low, close, volume]`, named `BASE_QUOTE-<tf>.json` — the files
 * `npm start -- --replay` reads (lib/backtest/ohlcv-files.ts is the reader and the naming rule;
 * every name built here is checked against its parser).
 *
 * Writes are atomic: a temp file in the same directory, then a rename over the target, so a
 * reader or an interrupted run only ever sees a complete previous or new version.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { OhlcvRow } from '../core/candle.js';
import type { Timeframe } from '../core/timeframe.js';
import { validateCandles } from '../core/validate-candles.js';
import { PermanentError } from '../errors.js';
import { ohlcvFileName, readOhlcvFiles } from '../backtest/ohlcv-files.js';

export { ohlcvFileName };

export function ohlcvFilePath(dir: string, symbol: string, timeframe: Timeframe): string {
  return join(dir, ohlcvFileName(symbol, timeframe));
}

/**
 * The validated rows of an existing candle file, or undefined when there is none. A file
 * that is not valid JSON, not rows, or holds an invalid candle is a PermanentError naming
 * the file: it is never overwritten silently.
 */
export function readCandleFile(path: string, timeframe: Timeframe): OhlcvRow[] | undefined {
  if (!existsSync(path)) return undefined;
  const [file] = readOhlcvFiles(path);
  if (file === undefined) return undefined;
  if (file.timeframe !== timeframe) {
    throw new PermanentError(`${path}: holds ${file.timeframe} candles, not ${timeframe}`, { code: 'BAD_OHLCV_FILE' });
  }
  const validation = validateCandles(file.rows, timeframe);
  if (!validation.ok) {
    throw new PermanentError(`${path}: existing file is invalid (fix or remove it): ${validation.error.message}`, {
      code: 'BAD_OHLCV_FILE',
      cause: validation.error,
    });
  }
  return validation.rows;
}

/** One row per line, like the shipped replay fixtures. */
export function formatCandleFile(rows: readonly OhlcvRow[]): string {
  return `[${rows.map((row) => JSON.stringify(row)).join(',\n')}]\n`;
}

/** Replaces `path` with `rows` atomically (temp file + rename); creates the directory. */
export function writeCandleFile(path: string, rows: readonly OhlcvRow[]): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, formatCandleFile(rows), { flush: true });
    renameSync(temp, path);
  } catch (cause) {
    rmSync(temp, { force: true });
    throw new PermanentError(`cannot write ${path}: ${(cause as Error).message}`, { code: 'WRITE_FAILED', cause });
  }
}
