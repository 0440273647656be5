import { escapeHtml, formatPrice, formatUtc } from './format.js';
import type { Signal } from './signal.js';

/**
 * Telegram HTML text of a signal. Pure. Every exchange- or config-supplied string is
 * escaped; numbers are formatted, never interpolated raw.
 */
export function renderSignalText(signal: Signal, timeframeMs: number): string {
  const arrow = signal.side === 'long' ? '🟢 LONG' : '🔴 SHORT';
  const risk = Math.abs(signal.entry - signal.stop);
  const reward = Math.abs(signal.target - signal.entry);
  const rr = risk > 0 ? (reward / risk).toFixed(2) : 'n/a';
  const indicators = Object.entries(signal.indicators)
    .map(([k, v]) => `${escapeHtml(k)} ${formatPrice(v, 6)}`)
    .join(' · ');
  return [
    `<b>${arrow} ${escapeHtml(signal.symbol)}</b> · ${escapeHtml(signal.exchange)} · ${escapeHtml(signal.timeframe)}`,
    `strategy <code>${escapeHtml(signal.strategy)}</code>, candle closed ${formatUtc(signal.candleTime + timeframeMs)}`,
    `entry ≈ <code>${formatPrice(signal.entry)}</code>`,
    `stop <code>${formatPrice(signal.stop)}</code> · target <code>${formatPrice(signal.target)}</code> · R:R ${rr}`,
    ...(indicators ? [indicators] : []),
  ].join('\n');
}
