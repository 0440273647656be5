import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { timeframeSchema, type Timeframe } from '../core/timeframe.js';
import { PermanentError } from '../errors.js';

/** A recorded OHLCV file: ccxt rows `[timeMs, open, high, low, close, volume]`, named `BASE_QUOTE-<tf>.json`. */
export interface OhlcvFile {
  readonly path: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly rows: readonly (readonly unknown[])[];
}

const NAME = /^([A-Z0-9]+)_([A-Z0-9]+)-([0-9]+[mhd])\.json$/;

/** `ETH_BTC-5m.json` → `{ symbol: 'ETH/BTC', timeframe: '5m' }`. */
export function parseOhlcvFileName(name: string): { symbol: string; timeframe: Timeframe } {
  const m = NAME.exec(basename(name));
  const tf = m ? timeframeSchema.safeParse(m[3]) : undefined;
  if (!m || !tf?.success) {
    throw new PermanentError(`${name}: expected a file name like ETH_BTC-5m.json (BASE_QUOTE-<timeframe>.json)`, { code: 'BAD_OHLCV_FILE' });
  }
  return { symbol: `${m[1]}/${m[2]}`, timeframe: tf.data };
}

function isOhlcvFileName(name: string): boolean {
  const m = NAME.exec(name);
  return m !== null && timeframeSchema.safeParse(m[3]).success;
}

const SYMBOL = /^([A-Z0-9]+)\/([A-Z0-9]+)$/;

/**
 * `BTC/USDT`, `1h` → `BTC_USDT-1h.json`: the inverse of `parseOhlcvFileName`. Throws
 * PermanentError `BAD_SYMBOL` for a symbol the naming cannot represent (e.g. `BTC/USDT:USDT`).
 */
export function ohlcvFileName(symbol: string, timeframe: Timeframe): string {
  const m = SYMBOL.exec(symbol);
  if (!m) {
    throw new PermanentError(`symbol ${JSON.stringify(symbol)} cannot be stored as an OHLCV file (expected BASE/QUOTE, letters and digits)`, {
      code: 'BAD_SYMBOL',
    });
  }
  return `${m[1]}_${m[2]}-${timeframe}.json`;
}

const rowsSchema = z.array(z.array(z.unknown()));

export interface ReadOhlcvOptions {
  /** Where the one "skipped files" line of a directory read goes (default: stderr). */
  readonly warn?: (line: string) => void;
}

/**
 * Reads one file or every `BASE_QUOTE-<tf>.json` in a directory. A directory may hold other
 * files: they are skipped with ONE warning line naming them (a directory with no matching file
 * is refused); a file given by path must be named that way. Rows are validated later like
 * exchange rows.
 */
export function readOhlcvFiles(pathOrDir: string, options: ReadOhlcvOptions = {}): OhlcvFile[] {
  let paths = [pathOrDir];
  if (statSync(pathOrDir).isDirectory()) {
    const names = readdirSync(pathOrDir).filter((f) => f.endsWith('.json')).sort();
    const skipped = names.filter((f) => !isOhlcvFileName(f));
    paths = names.filter(isOhlcvFileName).map((f) => join(pathOrDir, f));
    const expected = 'expected a file name like ETH_BTC-5m.json (BASE_QUOTE-<timeframe>.json)';
    if (paths.length === 0) {
      throw new PermanentError(`${pathOrDir}: no OHLCV files (${expected})${skipped.length ? `; found ${skipped.join(', ')}` : ''}`, { code: 'BAD_OHLCV_FILE' });
    }
    if (skipped.length > 0) {
      const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
      warn(`${pathOrDir}: skipped ${skipped.length} file(s) not named like ETH_BTC-5m.json (BASE_QUOTE-<timeframe>.json): ${skipped.join(', ')}`);
    }
  }
  return paths.map((path) => {
    const { symbol, timeframe } = parseOhlcvFileName(path);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (cause) {
      throw new PermanentError(`${path}: not valid JSON (${(cause as Error).message})`, { code: 'BAD_OHLCV_FILE', cause });
    }
    const rows = rowsSchema.safeParse(data);
    if (!rows.success) throw new PermanentError(`${path}: expected an array of [time, open, high, low, close, volume] rows`, { code: 'BAD_OHLCV_FILE' });
    return { path, symbol, timeframe, rows: rows.data };
  });
}
