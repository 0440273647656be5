/**
 * The stake of a new paper position (config `risk`): `stakeFixed` quote units, or
 * `stakeFraction` × equity, where equity = available + reserved (closed-trade equity, open
 * positions at cost — the pure ledger's `ledgerEquity`). Rounded down to the money grid so
 * it never exceeds what the fraction allows.
 */
import type { BotConfig } from '../config/schema.js';
import { MONEY_DECIMALS } from '../core/money.js';
import type { PortfolioState } from '../ports/positions.js';

const SCALE = 10 ** MONEY_DECIMALS;

export function stakeFor(risk: BotConfig['risk'], portfolio: Pick<PortfolioState, 'available' | 'reserved'>): number {
  const raw = risk.stakeFixed ?? (risk.stakeFraction ?? 0) * (portfolio.available + portfolio.reserved);
  const floored = Math.floor(raw * SCALE) / SCALE;
  return Number.isFinite(floored) && floored > 0 ? Number(floored.toFixed(MONEY_DECIMALS)) : 0;
}
