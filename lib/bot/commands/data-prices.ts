/**
 * Latest prices of a few markets through the exchange port, for /positions: bounded
 * concurrency, a timeout per request and an overall budget. The price is the monitor's
 * (lib/monitor/mark.ts): the forming candle's last price, else the newest closed close.
 * Never throws: a market whose price cannot be had is simply absent from the result
 * (and logged), so the caller shows "price unavailable".
 */
import type { ExchangeConfig } from '../../config/schema.js';
import { timeframeSchema } from '../../core/timeframe.js';
import { splitLive, validateCandles } from '../../core/validate-candles.js';
import { describeError } from '../../errors.js';
import { markPrice } from '../../monitor/mark.js';
import type { ExchangePort } from '../../ports/exchange.js';
import type { Log } from '../../ports/log.js';
import { runBounded } from '../../core/bounded.js';

export interface Market {
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
}

export interface PriceDeps {
  readonly exchanges: readonly ExchangeConfig[];
  readonly exchange: (c: ExchangeConfig) => Promise<ExchangePort>;
  readonly log: Log;
  /** Per exchange request (prepare, each candle fetch). */
  readonly timeoutMs: number;
  readonly concurrency: number;
  /** No new request starts after this much time. */
  readonly budgetMs: number;
  /** Wall clock for the budget (not the bot's clock, which tests may freeze). */
  readonly elapsed?: () => number;
}

export const marketKey = (m: Market): string => `${m.exchange}|${m.symbol}|${m.timeframe}`;

/** Rejects with a TIMEOUT error after `ms`; the timer never outlives the race. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Prices by marketKey of the markets that could be priced at `now`. */
export async function latestPrices(markets: readonly Market[], now: number, deps: PriceDeps): Promise<Map<string, number>> {
  const started = Date.now();
  const elapsed = deps.elapsed ?? (() => Date.now() - started);
  const unique = [...new Map(markets.map((m) => [marketKey(m), m])).values()];
  const prices = new Map<string, number>();
  const byExchange = new Map<string, Market[]>();
  for (const m of unique) byExchange.set(m.exchange, [...(byExchange.get(m.exchange) ?? []), m]);

  // Prepare each exchange once (markets from the DynamoDB cache), then fetch per market.
  const ready = new Map<string, { port: ExchangePort; known: Set<string> }>();
  await runBounded([...byExchange.keys()], deps.concurrency, () => elapsed() < deps.budgetMs, async (id) => {
    const config = deps.exchanges.find((c) => c.id === id);
    if (!config) return deps.log.warn('positions: exchange not configured, no price', { exchange: id });
    const symbols = [...new Set(byExchange.get(id)!.map((m) => m.symbol))];
    try {
      const port = await withTimeout(deps.exchange(config), deps.timeoutMs, `exchange ${id}`);
      const prepared = await withTimeout(port.prepare(symbols), deps.timeoutMs, `markets of ${id}`);
      ready.set(id, { port, known: new Set(prepared.known) });
    } catch (error) {
      deps.log.warn('positions: exchange unavailable, no prices', { exchange: id, error: describeError(error) });
    }
  });

  const fetchable = unique.filter((m) => ready.get(m.exchange)?.known.has(m.symbol));
  await runBounded(fetchable, deps.concurrency, () => elapsed() < deps.budgetMs, async (m) => {
    const tf = timeframeSchema.safeParse(m.timeframe);
    if (!tf.success) return;
    try {
      const raw = await withTimeout(ready.get(m.exchange)!.port.fetchCandles(m.symbol, tf.data, 2), deps.timeoutMs, `price of ${m.symbol}`);
      const valid = validateCandles(raw, tf.data);
      if (!valid.ok) throw valid.error;
      // As the monitor: a candle opening in the future is refused, a stale close is no price.
      const { closed, forming } = splitLive(valid.rows, now, tf.data);
      const price = markPrice(closed, forming, { now, timeframe: tf.data });
      if (price !== undefined) prices.set(marketKey(m), price);
    } catch (error) {
      deps.log.warn('positions: price unavailable', { exchange: m.exchange, symbol: m.symbol, error: describeError(error) });
    }
  });
  return prices;
}
