/** The live-trading adapter (lib/exchange/trading/) pointed at a simulator, with the simulator's keys. */
import { createCcxtTrading } from '../../../lib/exchange/trading/ccxt-trading.js';
import type { Clock } from '../../../lib/ports/clock.js';
import type { TradingPort } from '../../../lib/ports/trading.js';
import { SIM_KEYS } from './binance-client.js';

export interface TradingAtOptions {
  readonly keys?: { readonly apiKey: string; readonly secret: string };
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  /** Reported as `sandbox` (the simulator stands in for the exchange in this mode; default true). */
  readonly sandbox?: boolean;
}

export function tradingAt(url: string, options: TradingAtOptions = {}): Promise<TradingPort> {
  return createCcxtTrading({
    exchange: 'binance',
    keys: options.keys ?? SIM_KEYS,
    sandbox: options.sandbox ?? true,
    apiBase: url,
    timeoutMs: options.timeoutMs ?? 2_000,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
}
