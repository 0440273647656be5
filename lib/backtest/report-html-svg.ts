/**
 * Shared SVG helpers of the HTML report charts (report-html-charts.ts, report-html-equity.ts):
 * escaping, coordinate rounding, round value ticks and round UTC time ticks.
 */

export const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));

/** A coordinate rounded to 0.1 px. */
export const r = (v: number): number => Math.round(v * 10) / 10;

/** About `target` round ticks (1, 2, 5 × 10^k) covering [min, max]. */
export function niceTicks(min: number, max: number, target: number): { ticks: number[]; step: number } {
  if (!(max > min)) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.01 : 1;
    return niceTicks(min - pad, max + pad, target);
  }
  const raw = (max - min) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return { ticks, step };
}

/** A tick label with just enough decimals for the step. */
export function tickLabel(v: number, step: number): string {
  const decimals = Math.min(12, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
  const s = (v === 0 ? 0 : v).toFixed(decimals);
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
const TIME_STEPS = [MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY, 91 * DAY, 364 * DAY];

/** The smallest round time step that is at least `minMs` long. */
export function timeStep(minMs: number): number {
  return TIME_STEPS.find((s) => s >= minMs) ?? Math.ceil(minMs / (364 * DAY)) * 364 * DAY;
}

/** UTC `YYYY-MM-DD HH:MM`. */
export const utc = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

export function timeTickLabel(t: number, step: number): string {
  const iso = new Date(t).toISOString();
  if (step >= DAY || t % DAY === 0) return step >= 28 * DAY ? iso.slice(0, 10) : iso.slice(5, 10);
  return iso.slice(11, 16);
}
