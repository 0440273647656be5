/**
 * The live dashboard (pinned per chat, edited by the notify consumer): portfolio and open
 * paper positions with their latest marks. Pure. Every exchange/config string is escaped;
 * prices use the market's decimals when known (formatPrice otherwise); the text always fits
 * one Telegram message (≤ 4096 characters: positions past the budget are counted, not cut).
 */
import { commonQuote, escapeHtml, formatPrice, formatUtc, quoteCurrency, TELEGRAM_TEXT_LIMIT } from './format.js';
import type { PositionMessage } from './message.js';

/** At most this many positions are listed (the rest are counted). */
export const DASHBOARD_MAX_POSITIONS = 25;

export interface DashboardPosition extends Omit<PositionMessage, 'entryTime'> {
  /** Latest mark from the monitor; absent before its first run. */
  readonly mark?: { readonly price: number; readonly unrealisedPnl: number; readonly at: number };
  /** Decimals of the market's prices, when known. */
  readonly priceDecimals?: number;
}

export interface DashboardPortfolio {
  readonly start: number;
  readonly available: number;
  readonly reserved: number;
  readonly realisedGross: number;
  readonly fees: number;
  readonly closedCount: number;
}

export interface DashboardData {
  readonly now: number;
  readonly positions: readonly DashboardPosition[];
  /** More open positions exist than were read. */
  readonly truncated: boolean;
  readonly portfolio?: DashboardPortfolio;
  readonly paused?: { readonly scanning: boolean; readonly trading: boolean };
}

/** A price with the market's decimals when known, else 8 significant digits. */
export function formatMarketPrice(value: number, decimals?: number): string {
  if (decimals === undefined || !Number.isFinite(value)) return formatPrice(value);
  return value.toFixed(Math.min(12, Math.max(0, Math.trunc(decimals))));
}

/** Amounts smaller than the ledger's grid (1e-10) are float noise: shown as 0. */
const AMOUNT_EPSILON = 1e-10;

/** An amount of quote currency with an explicit sign (+1.5, −0.25, 0). */
export function formatSigned(value: number, significant = 6): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) < AMOUNT_EPSILON) return '0';
  const text = formatPrice(Math.abs(value), significant);
  if (text === '0') return '0';
  return value > 0 ? `+${text}` : `−${text}`;
}

/** " BTC" after an amount when the currency is known, else nothing. */
const unit = (currency: string): string => (currency ? ` ${escapeHtml(currency)}` : '');

function positionLines(p: DashboardPosition): string[] {
  const cur = unit(quoteCurrency(p.symbol));
  const icon = p.side === 'long' ? '🟢' : '🔴';
  const price = (v: number) => `<code>${formatMarketPrice(v, p.priceDecimals)}</code>`;
  const head = `${icon} <b>${escapeHtml(p.symbol)}</b> ${p.side.toUpperCase()} · ${escapeHtml(p.exchange)} · ${escapeHtml(p.timeframe)} · <code>${escapeHtml(p.strategy)}</code>`;
  let detail = `   entry ${price(p.entryPrice)}`;
  if (p.mark) {
    const pct = p.stake > 0 ? ` (${formatSigned((p.mark.unrealisedPnl / p.stake) * 100, 3)} %)` : '';
    detail += ` → ${price(p.mark.price)} · PnL <code>${formatSigned(p.mark.unrealisedPnl)}${cur}</code>${pct}`;
  } else detail += ' · not marked yet';
  return [head, detail, `   stop ${price(p.stop)} · target ${price(p.target)} · stake <code>${formatPrice(p.stake, 6)}${cur}</code>`];
}

export function renderDashboardText(data: DashboardData): string {
  const header: string[] = [`<b>📊 candlebot dashboard</b> · ${formatUtc(data.now)}`];
  if (data.paused?.scanning || data.paused?.trading) {
    const what = data.paused.scanning && data.paused.trading ? 'scanning and trading' : data.paused.scanning ? 'scanning' : 'trading';
    header.push(`⏸ ${what} paused by the admin`);
  }
  const unrealised = data.positions.reduce((sum, p) => sum + (p.mark?.unrealisedPnl ?? 0), 0);
  // The total names the quote currency when every open position has the same one.
  const cur = unit(commonQuote(data.positions.map((p) => p.symbol)));
  if (data.portfolio) {
    const pf = data.portfolio;
    const realised = pf.realisedGross - pf.fees;
    const equity = pf.available + pf.reserved + unrealised;
    header.push(
      `equity <code>${formatPrice(equity, 8)}</code> (start <code>${formatPrice(pf.start, 8)}</code>) · available <code>${formatPrice(pf.available, 8)}</code>`,
      `realised PnL <code>${formatSigned(realised)}</code> over ${pf.closedCount} trade${pf.closedCount === 1 ? '' : 's'} · unrealised <code>${formatSigned(unrealised)}${cur}</code>`,
    );
  } else header.push(`unrealised PnL <code>${formatSigned(unrealised)}${cur}</code>`);

  const total = data.positions.length;
  header.push('', `<b>Open positions: ${total}${data.truncated ? '+' : ''}</b>`);
  if (total === 0) return [...header, 'none'].join('\n');

  const lines = [...header];
  let length = lines.join('\n').length;
  let shown = 0;
  const reserve = 40; // room for the "… and n more" line
  for (const p of data.positions.slice(0, DASHBOARD_MAX_POSITIONS)) {
    const block = positionLines(p).join('\n');
    if (length + 1 + block.length > TELEGRAM_TEXT_LIMIT - reserve) break;
    lines.push(block);
    length += 1 + block.length;
    shown++;
  }
  const hidden = total - shown;
  if (hidden > 0 || data.truncated) lines.push(`… and ${hidden}${data.truncated ? '+' : ''} more`);
  return lines.join('\n');
}
