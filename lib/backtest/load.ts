/**
 * Loads recorded OHLCV files for a backtest: `BASE_QUOTE-<tf>.json` (one file or every *.json
 * of a directory, lib/backtest/ohlcv-files.ts), each validated like exchange rows
 * (validateCandles). Gaps are returned for the caller to report; rows are used as given.
 */
import { existsSync } from 'node:fs';
import { candlesFromRows, type Candles } from '../core/candle.js';
import type { Timeframe } from '../core/timeframe.js';
import { validateCandles, type Gap } from '../core/validate-candles.js';
import { PermanentError } from '../errors.js';
import { readOhlcvFiles } from './ohlcv-files.js';

export interface Series {
  readonly path: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly candles: Candles;
  readonly gaps: readonly Gap[];
}

export function loadSeries(pathOrDir: string): Series[] {
  if (!existsSync(pathOrDir)) {
    throw new PermanentError(`${pathOrDir}: no such file or directory`, { code: 'BAD_OHLCV_FILE' });
  }
  return readOhlcvFiles(pathOrDir).map((file) => {
    const v = validateCandles(file.rows, file.timeframe);
    if (!v.ok) throw new PermanentError(`${file.path}: ${v.error.message}`, { code: v.error.code, cause: v.error });
    return { path: file.path, symbol: file.symbol, timeframe: file.timeframe, candles: candlesFromRows(v.rows), gaps: v.gaps };
  });
}

/** One line describing a series' gaps, or null when it has none. */
export function describeGaps(s: Series): string | null {
  if (s.gaps.length === 0) return null;
  const missing = s.gaps.reduce((sum, g) => sum + g.missing, 0);
  const first = s.gaps[0]!;
  return (
    `${s.symbol} ${s.timeframe} (${s.path}): ${s.gaps.length} gap(s), ${missing} missing candle(s), ` +
    `first after ${new Date(first.from).toISOString()}; rows used as given`
  );
}
