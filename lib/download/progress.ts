/**
 * The download's live display on stderr: a single-line `\r` progress bar when the stream is
 * a terminal, otherwise (pipes, CI logs) one plain progress line per `intervalMs` and per pair.
 * Notices and retries are printed on their own lines in both modes.
 */
import { formatUtc } from '../core/format.js';
import type { DownloadObserver, PairKey, PairProgress } from './observer.js';

export interface TextStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressOptions {
  /** Non-TTY: minimum time between two progress lines of a pair (default 5 s). */
  readonly intervalMs?: number;
  /** TTY: minimum time between two redraws (default 100 ms). */
  readonly redrawMs?: number;
  readonly now?: () => number;
}

const BAR_WIDTH = 24;
const CLEAR_LINE = '\r\x1b[K';

const label = (pair: PairKey): string => `${pair.symbol} ${pair.timeframe}`;

export function progressText(p: PairProgress): string {
  const fraction = p.expected > 0 ? Math.min(1, p.added / p.expected) : 1;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `${percent} ${p.added}/${p.expected} candles, up to ${formatUtc(p.lastTime)}`;
}

export function progressBar(p: PairProgress): string {
  const fraction = p.expected > 0 ? Math.min(1, p.added / p.expected) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  return `${label(p)} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${progressText(p)}`;
}

export function progressReporter(stream: TextStream, options: ProgressOptions = {}): DownloadObserver {
  const tty = stream.isTTY === true;
  const now = options.now ?? (() => Date.now());
  const intervalMs = options.intervalMs ?? 5_000;
  const redrawMs = options.redrawMs ?? 100;
  let bar: string | undefined; // TTY: the bar currently shown
  let lastDraw = Number.NEGATIVE_INFINITY;
  let latest: PairProgress | undefined;

  /** Prints a full line, keeping the bar (TTY) below it. */
  const line = (text: string): void => {
    if (tty && bar !== undefined) stream.write(`${CLEAR_LINE}${text}\n${bar}`);
    else stream.write(`${text}\n`);
  };

  return {
    pairStarted(start) {
      latest = undefined;
      lastDraw = now();
      const resume = start.existing > 0 ? `, ${start.existing} already stored` : '';
      if (start.expected === 0) line(`${label(start)}: up to date${resume} in ${start.path}`);
      else line(`${label(start)}: up to ${start.expected} closed candles to fetch from ${formatUtc(start.from)}${resume} → ${start.path}`);
    },
    progress(p) {
      latest = p;
      const t = now();
      if (tty) {
        if (t - lastDraw < redrawMs && p.added < p.expected) return;
        bar = progressBar(p);
        stream.write(`${CLEAR_LINE}${bar}`);
      } else {
        if (t - lastDraw < intervalMs) return;
        stream.write(`${label(p)}: ${progressText(p)}\n`);
      }
      lastDraw = t;
    },
    notice(pair, message) {
      line(`${label(pair)}: note: ${message}`);
    },
    retrying(r) {
      line(`${r.subject}: ${r.error.code} (attempt ${r.attempt}/${r.attempts}), retrying in ${(r.delayMs / 1000).toFixed(1)} s: ${r.error.message}`);
    },
    pairFinished(result) {
      if (tty && bar !== undefined) {
        if (latest !== undefined) stream.write(`${CLEAR_LINE}${progressBar(latest)}`);
        stream.write('\n');
      } else if (latest !== undefined) {
        stream.write(`${label(result)}: ${progressText(latest)}\n`);
      }
      bar = undefined;
      latest = undefined;
    },
  };
}
