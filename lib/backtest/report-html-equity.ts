/**
 * The equity curve of the HTML backtest report (report-html.ts): cumulative closed-trade PnL as
 * a step line, with the max drawdown shaded. Pure string building, no DOM, no script.
 */
import type { EquityPoint } from './types.js';
import { DAY, esc, niceTicks, r, tickLabel, timeStep, timeTickLabel, utc } from './report-html-svg.js';

const EQUITY_CHART = { width: 1240, height: 320, padLeft: 76, padRight: 20, padTop: 36, padBottom: 28 } as const;

export interface Drawdown {
  /** Index into [start, ...points] (0 = the starting 0 before any trade). */
  readonly peak: number;
  readonly trough: number;
  readonly amount: number;
}

/** The largest peak-to-trough fall of the curve, starting from 0 (null when it never falls). */
export function maxDrawdownOf(points: readonly EquityPoint[]): Drawdown | null {
  let peak = 0;
  let peakValue = 0;
  let best: Drawdown | null = null;
  for (let k = 0; k < points.length; k++) {
    const v = points[k]!.equity;
    if (v > peakValue) {
      peakValue = v;
      peak = k + 1;
    }
    const dd = peakValue - v;
    if (dd > 0 && (best === null || dd > best.amount)) best = { peak, trough: k + 1, amount: dd };
  }
  return best;
}

export interface EquityLine {
  readonly label: string;
  readonly points: readonly EquityPoint[];
  readonly color: string;
}

/**
 * Cumulative closed-trade PnL over [from, to] as a step line (the total, plus one thin line per
 * series when there are several), with the total's max drawdown shaded and labelled.
 */
export function equityChartSvg(total: readonly EquityPoint[], lines: readonly EquityLine[], from: number, to: number, fmtNum: (x: number) => string): string {
  const E = EQUITY_CHART;
  const all = [total, ...lines.map((l) => l.points)];
  let lo = 0;
  let hi = 0;
  let tMin = from;
  let tMax = to;
  for (const pts of all)
    for (const p of pts) {
      if (p.equity < lo) lo = p.equity;
      if (p.equity > hi) hi = p.equity;
      if (p.time < tMin) tMin = p.time;
      if (p.time > tMax) tMax = p.time;
    }
  if (!(tMax > tMin)) tMax = tMin + DAY;
  const pad = hi > lo ? (hi - lo) * 0.06 : 1;
  const yMin = lo - pad;
  const yMax = hi + pad;
  const plotW = E.width - E.padLeft - E.padRight;
  const plotH = E.height - E.padTop - E.padBottom;
  const x = (t: number): number => r(E.padLeft + ((t - tMin) / (tMax - tMin)) * plotW);
  const y = (v: number): number => r(E.padTop + ((yMax - v) / (yMax - yMin)) * plotH);
  const bottom = E.padTop + plotH;
  const right = E.padLeft + plotW;

  const { ticks, step } = niceTicks(yMin, yMax, 6);
  const yT = ticks.filter((v) => v >= yMin && v <= yMax);
  const grid = yT.map((v) => `M${E.padLeft} ${y(v)}H${right}`).join('');
  const yLabels = yT.map((v) => `<text x="${E.padLeft - 8}" y="${y(v) + 4}" text-anchor="end">${esc(tickLabel(v, step))}</text>`).join('');
  const tStep = timeStep((90 / plotW) * (tMax - tMin));
  const xLabels: string[] = [];
  for (let k = Math.ceil(tMin / tStep); k * tStep <= tMax; k++) {
    const xt = x(k * tStep);
    if (xt < E.padLeft + 20 || xt > right - 20) continue;
    xLabels.push(`<path class="tick" d="M${xt} ${E.padTop}V${bottom + 4}"/><text x="${xt}" y="${bottom + 18}" text-anchor="middle">${esc(timeTickLabel(k * tStep, tStep))}</text>`);
  }

  const step1 = (pts: readonly EquityPoint[]): string => {
    let d = `M${x(tMin)} ${y(0)}`;
    for (const p of pts) d += `H${x(p.time)}V${y(p.equity)}`;
    return `${d}H${x(tMax)}`;
  };

  let ddMark = '';
  const dd = maxDrawdownOf(total);
  if (dd !== null) {
    const at = (k: number): EquityPoint => (k === 0 ? { time: tMin, equity: 0 } : total[k - 1]!);
    const p = at(dd.peak);
    const t = at(dd.trough);
    const x1 = x(p.time);
    const x2 = Math.max(x(t.time), x1 + 2);
    // The label sits above the plot, centred over the drawdown's time span, with a bracket.
    const mid = Math.min(Math.max((x1 + x2) / 2, E.padLeft + 110), right - 110);
    const top = E.padTop - 8;
    ddMark =
      `<g class="dd"><title>${esc(`max drawdown ${fmtNum(dd.amount)}: ${utc(p.time)} → ${utc(t.time)} UTC`)}</title>` +
      `<rect x="${x1}" y="${y(p.equity)}" width="${r(x2 - x1)}" height="${r(y(t.equity) - y(p.equity))}"/>` +
      `<path d="M${x1} ${y(p.equity)}H${x2}M${x2} ${y(p.equity)}V${y(t.equity)}"/>` +
      `<path class="bracket" d="M${x1} ${top + 4}V${top}H${x2}V${top + 4}"/>` +
      `<text x="${r(mid)}" y="${top - 4}" text-anchor="middle">max drawdown ${esc(fmtNum(dd.amount))}</text></g>`;
  }

  const thin = lines.map((l) => `<path class="series" stroke="${esc(l.color)}" d="${step1(l.points)}"><title>${esc(l.label)}</title></path>`).join('');
  return (
    `<svg class="equity" width="${E.width}" height="${E.height}" viewBox="0 0 ${E.width} ${E.height}" role="img" aria-label="equity curve">` +
    `<path class="grid" d="${grid}"/>${xLabels.join('')}<path class="zero" d="M${E.padLeft} ${y(0)}H${right}"/>` +
    `<path class="axis" d="M${E.padLeft} ${E.padTop}V${bottom}H${right}"/>${yLabels}${ddMark}${thin}` +
    `<path class="total" d="${step1(total)}"><title>total</title></path></svg>`
  );
}
