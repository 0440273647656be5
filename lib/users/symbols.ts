/**
 * Symbols typed by users (/subscribe btcusdt, BTC-USDT, btc/usdt) → ccxt spot symbols
 * (`BTC/USDT`), validated against the markets the bot scans (the markets cache, else the
 * config), with a clear error and close suggestions.
 */
import type { BotConfig } from '../config/schema.js';
import type { MarketsCache } from '../ports/exchange.js';

/** Quote assets recognised in a symbol typed without a separator (longest match first). */
export const DEFAULT_QUOTES: readonly string[] = ['FDUSD', 'USDT', 'USDC', 'TUSD', 'BUSD', 'DAI', 'USD', 'EUR', 'GBP', 'TRY', 'BRL', 'JPY', 'BTC', 'ETH', 'BNB'];

/** `all` / `*` in a command mean every symbol. */
export const ALL_SYMBOLS = '*';

/** Quote assets of these symbols (e.g. the markets list), longest first. */
export function quotesOf(symbols: readonly string[]): string[] {
  const quotes = new Set(symbols.map((s) => s.split('/')[1]).filter((q): q is string => !!q));
  return [...quotes].sort((a, b) => b.length - a.length || a.localeCompare(b));
}

/**
 * `btcusdt` / `BTC-USDT` / `btc/usdt` / `BTC_USDT` → `BTC/USDT`; `all` / `*` → `*`. Without a
 * separator the quote is recognised by suffix among `quotes` (the markets' quotes, then the
 * common ones). Input that cannot be split is returned upper-cased (validateSymbol explains).
 */
export function normaliseSymbol(input: string, quotes: readonly string[] = DEFAULT_QUOTES): string {
  const s = input.trim().toUpperCase();
  if (s === '*' || s === 'ALL') return ALL_SYMBOLS;
  const parts = s.split(/[/\-_:. ]+/).filter(Boolean);
  if (parts.length === 2) return `${parts[0]}/${parts[1]}`;
  if (parts.length !== 1) return s;
  const all = [...new Set([...quotes.map((q) => q.toUpperCase()), ...DEFAULT_QUOTES])].sort((a, b) => b.length - a.length);
  const quote = all.find((q) => s.length > q.length && s.endsWith(q));
  return quote ? `${s.slice(0, -quote.length)}/${quote}` : s;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** Up to `max` markets close to `symbol`: same base first, then by edit distance (≤ 3). */
export function suggestSymbols(symbol: string, markets: readonly string[], max = 3): string[] {
  const base = symbol.split('/')[0] ?? symbol;
  return markets
    .map((m) => ({ m, score: m.split('/')[0] === base ? 0 : distance(symbol, m) }))
    .filter((x) => x.score <= 3)
    .sort((a, b) => a.score - b.score || a.m.localeCompare(b.m))
    .slice(0, max)
    .map((x) => x.m);
}

export type SymbolCheck = { readonly ok: true; readonly symbol: string } | { readonly ok: false; readonly error: string };

/** A normalised symbol (or `*`) checked against `markets`: the symbol, or a message for the user. */
export function validateSymbol(symbol: string, markets: readonly string[]): SymbolCheck {
  if (symbol === ALL_SYMBOLS) return { ok: true, symbol };
  if (!/^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}$/.test(symbol)) {
    return { ok: false, error: `"${symbol}" is not a symbol: write it like BTC/USDT (or btcusdt, BTC-USDT), or "all"` };
  }
  if (markets.includes(symbol)) return { ok: true, symbol };
  const close = suggestSymbols(symbol, markets);
  const hint = close.length > 0 ? ` Did you mean ${close.join(', ')}?` : markets.length > 0 ? ` Available: ${markets.slice(0, 10).join(', ')}${markets.length > 10 ? ', …' : ''}.` : '';
  return { ok: false, error: `${symbol} is not a market the bot scans.${hint}` };
}

/** The symbols of an exchange's markets cache that the exchange lists; undefined when nothing is cached. */
export async function listCachedSymbols(cache: MarketsCache, exchangeId: string): Promise<string[] | undefined> {
  const snapshot = await cache.get(exchangeId);
  if (!snapshot) return undefined;
  const unknown = new Set(snapshot.unknown);
  return Object.keys(snapshot.markets).filter((s) => !unknown.has(s)).sort();
}

/**
 * Every symbol a chat may subscribe to: the configured symbols of every exchange, less those
 * its markets cache records as not listed by the exchange (all configured ones when nothing
 * is cached yet). Sorted, distinct.
 */
export async function subscribableSymbols(config: Pick<BotConfig, 'exchanges'>, cache: MarketsCache): Promise<string[]> {
  const lists = await Promise.all(
    config.exchanges.map(async (e) => {
      const snapshot = await cache.get(e.id);
      const unknown = new Set(snapshot?.unknown ?? []);
      return e.symbols.filter((s) => !unknown.has(s));
    }),
  );
  return [...new Set(lists.flat())].sort();
}
