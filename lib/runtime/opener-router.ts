/**
 * The scan's position opener when the config has live exchanges (issue 15): a signal of an
 * exchange with `trading.mode: live` goes to the live opener (lib/live/live-opener.ts: an order
 * on the exchange), every other signal to the paper opener, unchanged. Without a live exchange
 * the scan uses the paper opener directly (lib/runtime/scan.ts).
 */
import type { PositionOpener } from '../ports/positions.js';

export interface OpenerRoutes {
  /** The paper opener (PositionsTable). */
  readonly paper: PositionOpener;
  /** The live opener, for the signals of `liveExchanges`. */
  readonly live: PositionOpener;
  readonly liveExchanges: readonly string[];
}

/** One PositionOpener over both: routed by the signal's exchange. */
export function createOpenerRouter(routes: OpenerRoutes): PositionOpener {
  const live = new Set(routes.liveExchanges);
  return Object.freeze({
    open: (signal, context) => (live.has(signal.exchange) ? routes.live.open(signal, context) : routes.paper.open(signal, context)),
  } satisfies PositionOpener);
}
