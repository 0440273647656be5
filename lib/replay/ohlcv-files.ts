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

/** Reads one file or every `*.json` in a directory. Rows are validated later like exchange rows. */
export function readOhlcvFiles(pathOrDir: string): OhlcvFile[] {
  const paths = statSync(pathOrDir).isDirectory()
    ? readdirSync(pathOrDir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(pathOrDir, f))
    : [pathOrDir];
  if (paths.length === 0) throw new PermanentError(`${pathOrDir}: no *.json OHLCV files`, { code: 'BAD_OHLCV_FILE' });
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
