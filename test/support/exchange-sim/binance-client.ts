/** A plain ccxt binance client with API keys pointed at a simulator (drives the order endpoints unchanged). */
import type { Exchange } from 'ccxt';
import binance from '../../../node_modules/ccxt/js/src/binance.js';
import { pointApiAt } from '../../../lib/exchange/api-base.js';

export const SIM_KEYS = Object.freeze({ apiKey: 'sim-api-key', secret: 'sim-secret' });

export function ccxtBinanceAt(url: string, keys: { apiKey: string; secret: string } = SIM_KEYS, timeoutMs = 2_000): Exchange {
  const Binance = binance as unknown as new (config: Record<string, unknown>) => Exchange;
  const exchange = new Binance({
    ...keys,
    timeout: timeoutMs,
    // spot only; no sapi currencies/margin calls on loadMarkets (the trading adapter does the same)
    options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false },
  });
  pointApiAt(exchange, url);
  return exchange;
}
