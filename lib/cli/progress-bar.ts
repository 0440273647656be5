/**
 * A progress bar with ETA for long CLI runs (the optimiser): `optimize [#####.....] 45% 69/153
 * sets, 23.1 sets/s, ETA 0:03`. Same conventions as replay's line (progress.ts): on a terminal one
 * line rewritten in place (`\r`, at most every `minIntervalMs`, always on the last update) and
 * erased at the end; otherwise (a pipe, a file, CI) one plain line every `everyPercent` of the
 * way, so the output stays bounded (at most 100 / everyPercent lines). Written to stderr by the
 * caller, so stdout (e.g. --json) stays clean.
 *
 * Rate and ETA: sets done since the first update divided by the time since the start (`now()`
 * at creation); ETA = remaining / rate, shown once at least one set is done.
 */
export interface BarOptions {
  /** Word before the bar, e.g. `optimize`. */
  readonly label: string;
  /** What is counted, e.g. `sets`. */
  readonly unit: string;
  readonly everyPercent?: number;
  readonly minIntervalMs?: number;
  /** Clock in ms (tests inject one); default performance.now. */
  readonly now?: () => number;
}

export interface ProgressBar {
  update(done: number, total: number): void;
  /** Erases a terminal's bar (nothing on a pipe). */
  end(): void;
}

const WIDTH = 20;

/** `m:ss`, or `h:mm:ss` from an hour. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function barText(label: string, unit: string, done: number, total: number, elapsedMs: number): string {
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(fraction * WIDTH);
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  const eta = done > 0 && rate > 0 ? formatDuration(((total - done) / rate) * 1000) : '–';
  const rateText = rate >= 100 ? rate.toFixed(0) : rate.toPrecision(3);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${Math.floor(fraction * 100)}% ${done}/${total} ${unit}, ${done > 0 ? rateText : '–'} ${unit}/s, ETA ${eta}`;
}

export function createProgressBar(out: { write(s: string): unknown; isTTY?: boolean }, options: BarOptions): ProgressBar {
  const now = options.now ?? (() => performance.now());
  const everyPercent = options.everyPercent ?? 10;
  const minIntervalMs = options.minIntervalMs ?? 100;
  const start = now();
  let lastDraw = -Infinity;
  let lastWidth = 0;
  let nextPercent = everyPercent;
  return {
    update(done, total) {
      const t = now();
      const text = barText(options.label, options.unit, done, total, t - start);
      if (out.isTTY) {
        if (t - lastDraw < minIntervalMs && done < total) return;
        lastDraw = t;
        out.write(`\r${text.padEnd(lastWidth)}`);
        lastWidth = text.length;
        return;
      }
      const pct = total === 0 ? 100 : (100 * done) / total;
      if (pct < nextPercent) return;
      out.write(`${text}\n`);
      while (nextPercent <= pct) nextPercent += everyPercent;
    },
    end() {
      if (out.isTTY && lastWidth > 0) out.write(`\r${' '.repeat(lastWidth)}\r`);
      lastWidth = 0;
    },
  };
}
