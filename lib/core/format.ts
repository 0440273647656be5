/** Telegram Bot API limits: a message text, and a photo caption (characters). */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const TELEGRAM_CAPTION_LIMIT = 1024;

/** Escapes text for Telegram's HTML parse mode (the only three characters it requires). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Formats a price with `significant` significant digits (no exponent for usual crypto
 * magnitudes), trimming trailing zeros: 0.0123456789 → "0.01234568", 43251.5 → "43251.5".
 * Market-precision formatting arrives with the notify issue; this keeps messages readable.
 */
export function formatPrice(value: number, significant = 8): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.min(20, Math.max(0, significant - 1 - magnitude));
  return value.toFixed(decimals).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');
}
