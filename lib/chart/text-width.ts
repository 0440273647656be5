/**
 * Text width for ECharts' layout in SSR. Without a canvas ECharts estimates widths with a
 * Helvetica-like table, but the PNG is drawn with DejaVu Sans, which is wider: label boxes came
 * out too short for their text. These are DejaVu Sans advance widths (per mille of the em) for
 * ASCII 32..126, read from the shipped DejaVuSans.ttf (hmtx via cmap format 4).
 */
const ASCII_WIDTHS = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337,
  838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989,
  685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521,
  392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
/** Width for characters outside ASCII (· is 318, most others are close to an average letter). */
const OTHER: Readonly<Record<string, number>> = { '\u00b7': 318, '\u2014': 1000, '\u2013': 500 };
const FALLBACK = 700;
const DEFAULT_FONT_SIZE = 12;

/** Width in px of `text` drawn in DejaVu Sans at the size in the CSS `font` string. */
export function dejaVuTextWidth(text: string, font?: string): number {
  const m = /(\d+(?:\.\d+)?)px/.exec(font ?? '');
  const size = m ? Number(m[1]) : DEFAULT_FONT_SIZE;
  const bold = /\bbold\b|\b[6-9]00\b/.test(font ?? '') ? 1.08 : 1;
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    w += c >= 32 && c < 127 ? ASCII_WIDTHS[c - 32]! : (OTHER[ch] ?? FALLBACK);
  }
  return (w / 1000) * size * bold;
}
