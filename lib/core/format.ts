/**
 * The ONE number-formatting module (messages, CLI tables, the HTML backtest report):
 *
 * - prices: `formatPrice` — PRICE_DIGITS (6) significant digits, plain decimals, never exponent
 *   notation, trailing zeros trimmed: 0.0000368100 → "0.00003681", 43251.54 → "43251.5",
 *   0.0123456789 → "0.0123457" (a caller that knows the market's decimals passes them instead).
 * - amounts in quote currency: `formatAmount` — the same digits plus the currency:
 *   "12.3457 USDT", "0.000123 BTC"; `{ sign: true }` adds "+" to gains ("+0.0012 BTC").
 * - percentages: `formatPercent` — a fraction with sign and 2 decimals: 0.0123 → "+1.23%".
 * - max drawdown is everywhere a positive magnitude labelled "max drawdown" (never "−x").
 * JSON output keeps raw numbers.
 */

/** Telegram Bot API limits: a message text, and a photo caption (characters). */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const TELEGRAM_CAPTION_LIMIT = 1024;

/** Significant digits of every formatted price and amount. */
export const PRICE_DIGITS = 6;

/** Escapes text for Telegram's HTML parse mode (the only three characters it requires). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `value` with exactly `decimals` decimals as plain digits (no exponent, even ≥ 1e21 or < 1e-6). */
function plainFixed(value: number, decimals: number): string {
  if (decimals > 20) {
    // Intl allows at most 20 fraction digits on Node 20: spell out the exponent form by hand.
    const [mantissa, exp] = Math.abs(value).toExponential(Math.min(100, Math.max(0, decimals + Math.floor(Math.log10(Math.abs(value)))))).split('e') as [string, string];
    const e = Number(exp);
    const digits = mantissa.replace('.', '');
    const plain = e < 0 ? `0.${'0'.repeat(-e - 1)}${digits}` : digits;
    const fixed = plain.includes('.') ? plain.slice(0, plain.indexOf('.') + 1 + decimals).padEnd(plain.indexOf('.') + 1 + decimals, '0') : plain;
    return value < 0 && /[1-9]/.test(fixed) ? `-${fixed}` : fixed;
  }
  const s = value.toLocaleString('en-US', { useGrouping: false, minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/**
 * Formats a price with `significant` significant digits (default PRICE_DIGITS) as a plain
 * decimal (never `e` notation), trimming trailing zeros: 0.0123456789 → "0.0123457",
 * 43251.5 → "43251.5", 3.681e-5 → "0.00003681". Integer digits are never dropped.
 */
export function formatPrice(value: number, significant = PRICE_DIGITS): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.min(100, Math.max(0, significant - 1 - magnitude));
  const s = plainFixed(value, decimals);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** A price with exactly the market's `decimals` (its precision), plain digits. */
export function formatPriceDecimals(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return String(value);
  return plainFixed(value, Math.min(100, Math.max(0, Math.floor(decimals))));
}

/** "BTC" of "ETH/BTC" (and of a derivatives symbol "ETH/BTC:BTC"); "" when there is no "/". */
export function quoteCurrency(symbol: string): string {
  const slash = symbol.indexOf('/');
  if (slash < 0) return '';
  const rest = symbol.slice(slash + 1);
  const colon = rest.indexOf(':');
  return (colon < 0 ? rest : rest.slice(0, colon)).trim().toUpperCase();
}

/** The one quote currency of all the symbols ("BTC"), or "" when they differ (or have none). */
export function commonQuote(symbols: readonly string[]): string {
  const quotes = new Set(symbols.map(quoteCurrency));
  return quotes.size === 1 ? [...quotes][0]! : '';
}

/**
 * An amount in quote currency: "12.3457 USDT", "0.000123 BTC" (no currency when `currency` is
 * empty). With `sign`, gains get a "+" (losses always have "-").
 */
export function formatAmount(value: number, currency: string, opts: { readonly sign?: boolean; readonly significant?: number } = {}): string {
  const s = formatPrice(value, opts.significant ?? PRICE_DIGITS);
  const signed = opts.sign && value > 0 && s !== '0' ? `+${s}` : s;
  return currency ? `${signed} ${currency}` : signed;
}

/** A fraction as a percentage with sign: 0.0123 → "+1.23%", -0.5 → "-50.00%", 0 → "0.00%". */
export function formatPercent(fraction: number, decimals = 2): string {
  if (!Number.isFinite(fraction)) return String(fraction);
  const s = plainFixed(fraction * 100, decimals);
  return fraction > 0 && /[1-9]/.test(s) ? `+${s}%` : `${s}%`;
}

/**
 * Default stake (quote currency per trade) of the backtest/optimize CLIs by quote currency:
 * ≈ 100 USD worth. Unknown currencies have none (the CLI then requires --stake).
 */
export const DEFAULT_STAKES: Readonly<Record<string, number>> = {
  USDT: 100,
  USDC: 100,
  USD: 100,
  BUSD: 100,
  FDUSD: 100,
  TUSD: 100,
  DAI: 100,
  EUR: 100,
  GBP: 100,
  BTC: 0.001,
  ETH: 0.03,
  BNB: 0.2,
};

export function defaultStake(quote: string): number | undefined {
  return Object.hasOwn(DEFAULT_STAKES, quote) ? DEFAULT_STAKES[quote] : undefined;
}

export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');
}
