/** The end-of-run text of `npm run download`: one line per pair, its gaps, a summary, the exit code. */
import { formatUtc } from '../core/format.js';
import { timeframeMs } from '../core/timeframe.js';
import type { PairResult } from './observer.js';
import type { DownloadReport } from './run-download.js';

/** Gap ranges listed per pair; the rest are counted. */
export const GAP_RANGES_SHOWN = 3;

export const EXIT_OK = 0;
export const EXIT_SOME_FAILED = 1;
export const EXIT_BAD_ARGS = 2;
export const EXIT_INTERRUPTED = 130;

const label = (r: PairResult): string => `${r.symbol} ${r.timeframe}`;

function span(r: PairResult): string {
  if (r.firstTime === undefined || r.lastTime === undefined) return 'no candles';
  return `${r.stored} candles ${formatUtc(r.firstTime)} … ${formatUtc(r.lastTime)}`;
}

/** `BTC/USDT 1h: 2741 candles 2024-01-01 00:00 UTC … 2024-04-24 12:00 UTC (+2741) in data/BTC_USDT-1h.json` */
export function resultLine(r: PairResult): string {
  const file = r.stored > 0 ? ` in ${r.path}` : '';
  if (r.status === 'done') return `${label(r)}: ${span(r)} (+${r.added})${file}`;
  if (r.status === 'interrupted') return `${label(r)}: interrupted, ${span(r)} (+${r.added})${file}`;
  const error = r.error === undefined ? 'unknown error' : `${r.error.code} (${r.error.kind}): ${r.error.message}`;
  return `${label(r)}: FAILED ${error}${r.stored > 0 ? `; the file keeps ${span(r)}${file}` : ''}`;
}

/** Undefined when the series has no gap; else the count, the candles missing and the first ranges. */
export function gapsLine(r: PairResult): string | undefined {
  if (r.gaps.length === 0) return undefined;
  const tfMs = timeframeMs(r.timeframe);
  const missing = r.gaps.reduce((sum, g) => sum + g.missing, 0);
  const ranges = r.gaps
    .slice(0, GAP_RANGES_SHOWN)
    .map((g) => (g.missing === 1 ? formatUtc(g.from + tfMs) : `${formatUtc(g.from + tfMs)} … ${formatUtc(g.to - tfMs)}`) + ` (${g.missing})`);
  const more = r.gaps.length > GAP_RANGES_SHOWN ? `, and ${r.gaps.length - GAP_RANGES_SHOWN} more` : '';
  return `${label(r)}: ${r.gaps.length} gap${r.gaps.length === 1 ? '' : 's'}, ${missing} candle${missing === 1 ? '' : 's'} missing: ${ranges.join(', ')}${more}`;
}

export function summaryLine(report: DownloadReport): string {
  const failed = report.results.filter((r) => r.status === 'failed');
  const total = report.results.length;
  if (report.interrupted) return `download: interrupted after ${total} pair${total === 1 ? '' : 's'}; run it again to resume`;
  if (failed.length === 0) return `download: all ${total} pair${total === 1 ? '' : 's'} done`;
  const list = failed.map((r) => `${r.symbol} (${r.error?.code ?? 'UNKNOWN'})`).join(', ');
  return `download: ${failed.length} of ${total} pair${total === 1 ? '' : 's'} failed: ${list}`;
}

export function exitCode(report: DownloadReport): number {
  if (report.interrupted) return EXIT_INTERRUPTED;
  return report.results.every((r) => r.status === 'done') ? EXIT_OK : EXIT_SOME_FAILED;
}
