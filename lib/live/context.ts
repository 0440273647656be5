/**
 * One live exchange during one use case run (an open, a reconcile or a panic): the deps, the
 * exchange's live settings, its trading adapter, the market rules read once per run, the
 * messages (./tell.ts) and the counts the run reports.
 */
import type { MarketRules, TradingPort } from '../ports/trading.js';
import { liveExchange, type LiveDeps, type LiveExchange } from './deps.js';
import { createTeller, type Teller } from './tell.js';

export interface LiveCounts {
  ordersChecked: number;
  advanced: number;
  settled: number;
  protectionsPlaced: number;
  closed: number;
  adopted: number;
  lost: number;
  /** Orders cancelled at the exchange (entry timeouts, panic). */
  cancelled: number;
}

export interface LiveCtx {
  readonly deps: LiveDeps;
  readonly ex: LiveExchange;
  readonly trading: TradingPort;
  readonly tell: Teller;
  readonly counts: LiveCounts;
  /** The market's filters, read once per run. */
  rules(symbol: string): Promise<MarketRules>;
  now(): number;
}

export const zeroCounts = (): LiveCounts => ({ ordersChecked: 0, advanced: 0, settled: 0, protectionsPlaced: 0, closed: 0, adopted: 0, lost: 0, cancelled: 0 });

/** The context of exchange `exchange` (LIVE_NOT_CONFIGURED when it does not trade live); `tell` shared by a run over several exchanges. */
export async function liveContext(deps: LiveDeps, exchange: string, tell: Teller = createTeller(deps)): Promise<LiveCtx> {
  const ex = liveExchange(deps.config, exchange);
  const trading = await deps.trading(exchange);
  const rules = new Map<string, Promise<MarketRules>>();
  return {
    deps,
    ex,
    trading,
    tell,
    counts: zeroCounts(),
    rules(symbol) {
      let r = rules.get(symbol);
      if (!r) {
        r = trading.rules(symbol);
        rules.set(symbol, r);
        // A failed read is not cached: the next caller asks again.
        r.catch(() => rules.delete(symbol));
      }
      return r;
    },
    now: () => deps.clock.now(),
  };
}
