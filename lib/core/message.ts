import { escapeHtml, formatAmount, formatPercent, formatPrice, formatUtc, quoteCurrency } from './format.js';
import type { Signal } from './signal.js';

/**
 * Telegram HTML text of a signal. Pure. Every exchange- or config-supplied string is
 * escaped; numbers are formatted (lib/core/format.ts: prices 6 significant digits, amounts with
 * the quote currency, percentages with sign), never interpolated raw.
 */
export function renderSignalText(signal: Signal, timeframeMs: number): string {
  const arrow = signal.side === 'long' ? '🟢 LONG' : '🔴 SHORT';
  const risk = Math.abs(signal.entry - signal.stop);
  const reward = Math.abs(signal.target - signal.entry);
  const rr = risk > 0 ? (reward / risk).toFixed(2) : 'n/a';
  const indicators = Object.entries(signal.indicators)
    .map(([k, v]) => `${escapeHtml(k)} ${formatPrice(v)}`)
    .join(' · ');
  return [
    `<b>${arrow} ${escapeHtml(signal.symbol)}</b> · ${escapeHtml(signal.exchange)} · ${escapeHtml(signal.timeframe)}`,
    `strategy <code>${escapeHtml(signal.strategy)}</code>, candle closed ${formatUtc(signal.candleTime + timeframeMs)}`,
    `entry ≈ <code>${formatPrice(signal.entry)}</code>`,
    `stop <code>${formatPrice(signal.stop)}</code> · target <code>${formatPrice(signal.target)}</code> · R:R ${rr}`,
    ...(indicators ? [indicators] : []),
  ].join('\n');
}

/** What a paper-position message shows (pure data; prices in quote currency). */
export interface PositionMessage {
  readonly strategy: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly side: 'long' | 'short';
  readonly stake: number;
  readonly entryTime: number;
  readonly entryPrice: number;
  readonly stop: number;
  readonly target: number;
}

export interface ClosedPositionMessage extends PositionMessage {
  readonly exitTime: number;
  readonly exitPrice: number;
  readonly exitReason: string;
  /** Exit by the strategy's rule: its reason, shown as "closed by rule: …". */
  readonly exitNote?: string;
  readonly pnl: number;
  readonly fees: number;
  readonly bars: number;
}

function positionHeader(p: PositionMessage, verb: string): string {
  const side = p.side === 'long' ? 'LONG' : 'SHORT';
  return `<b>${verb} paper ${side} ${escapeHtml(p.symbol)}</b> · ${escapeHtml(p.exchange)} · ${escapeHtml(p.timeframe)} · <code>${escapeHtml(p.strategy)}</code>`;
}

/** Telegram HTML text of an opened paper position. */
export function renderPositionOpenedText(p: PositionMessage): string {
  return [
    positionHeader(p, '📂 opened'),
    `entry <code>${formatPrice(p.entryPrice)}</code> at ${formatUtc(p.entryTime)} · stake <code>${formatAmount(p.stake, quoteCurrency(p.symbol))}</code>`,
    `stop <code>${formatPrice(p.stop)}</code> · target <code>${formatPrice(p.target)}</code>`,
  ].join('\n');
}

/** Telegram HTML text of a closed paper position. */
export function renderPositionClosedText(p: ClosedPositionMessage): string {
  const mark = p.pnl > 0 ? '✅' : p.pnl < 0 ? '❌' : '➖';
  const quote = quoteCurrency(p.symbol);
  const pct = p.stake > 0 ? ` (${formatPercent(p.pnl / p.stake)})` : '';
  return [
    positionHeader(p, `${mark} closed`),
    `exit <code>${formatPrice(p.exitPrice)}</code> (${escapeHtml(p.exitReason)}) at ${formatUtc(p.exitTime)} after ${p.bars} candle${p.bars === 1 ? '' : 's'}`,
    ...(p.exitNote === undefined ? [] : [`closed by rule: ${escapeHtml(p.exitNote)}`]),
    `entry <code>${formatPrice(p.entryPrice)}</code> · PnL <code>${formatAmount(p.pnl, quote, { sign: true })}</code>${pct} · fees <code>${formatAmount(p.fees, quote)}</code>`,
  ].join('\n');
}
