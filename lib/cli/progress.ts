/**
 * Replay progress on the console. On a terminal: one line rewritten in place (`\r`), cleared
 * before anything else is printed. Otherwise (a pipe, a file, tests): one line every `everyPercent`
 * of the way, so the output stays bounded (at most 100 / everyPercent lines).
 */
export interface ReplayProgress {
  readonly done: number;
  readonly total: number;
  readonly signals: number;
  /** Paper positions opened so far. */
  readonly opened: number;
}

export interface ProgressLine {
  update(p: ReplayProgress): void;
  /** Before printing something else: a terminal's progress line is erased (redrawn on the next update). */
  clear(): void;
  /** The end: a terminal's line is erased. */
  end(): void;
}

export function progressText(p: ReplayProgress): string {
  const pct = p.total === 0 ? 100 : Math.floor((100 * p.done) / p.total);
  return `replay ${pct}%: ${p.done}/${p.total} candle closes, ${p.signals} signals, ${p.opened} paper positions opened`;
}

export function createProgressLine(out: { write(s: string): unknown; isTTY?: boolean }, everyPercent = 10): ProgressLine {
  let shown = false;
  let nextPercent = everyPercent;
  let lastWidth = 0;
  const erase = () => {
    if (!shown) return;
    out.write(`\r${' '.repeat(lastWidth)}\r`);
    shown = false;
  };
  return {
    update(p) {
      const text = progressText(p);
      if (out.isTTY) {
        erase();
        out.write(text);
        lastWidth = text.length;
        shown = true;
        return;
      }
      const pct = p.total === 0 ? 100 : (100 * p.done) / p.total;
      if (pct < nextPercent) return;
      out.write(`${text}\n`);
      while (nextPercent <= pct) nextPercent += everyPercent;
    },
    clear: erase,
    end: erase,
  };
}
