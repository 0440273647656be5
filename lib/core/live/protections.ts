/**
 * The entry protections of live trading as pure checks (issue 15), for messages and tests. The
 * store ENFORCES them in the intent transaction (lib/store/live/intent.ts: conditions on the
 * budget, lock, day and cooldown rows) and builds its refusal details with the functions here,
 * so a refusal reads the same whichever side found it. Checked in this order:
 *   panic → halted → max-stake → already-open → max-open → no-budget → daily-loss → cooldown
 */
export type EntryRefusal = 'panic' | 'halted' | 'max-stake' | 'already-open' | 'max-open' | 'no-budget' | 'daily-loss' | 'cooldown';

export interface EntryLimits {
  readonly maxOpenPositions: number;
  readonly maxStake: number;
  readonly dailyLossLimit: number;
}

export interface EntryState {
  readonly available: number;
  readonly openCount: number;
  readonly halted?: { readonly reason: string };
  readonly panic?: { readonly requestedAt: number };
  /** The market's lock holder (a live position id), if any. */
  readonly lockHolder?: string;
  /** Today's (UTC) realised net PnL on the exchange; 0 when no row. */
  readonly dayRealised: number;
  /** The market's cooldown end (epoch ms), if any. */
  readonly cooldownUntil?: number;
}

export type EntryCheck = { readonly ok: true } | { readonly ok: false; readonly reason: EntryRefusal; readonly detail: string };

export const refusalDetail = {
  panic: (requestedAt: number) => `a panic was requested at ${new Date(requestedAt).toISOString()}: no new entries until /resume`,
  halted: (reason: string) => `trading is halted (${reason}): no new entries until /resume`,
  maxStake: (stake: number, max: number) => `stake ${stake} > maximum stake per trade ${max}`,
  alreadyOpen: (holder: string | undefined, symbol: string) => `${holder ?? 'another live position'} holds ${symbol}`,
  maxOpen: (openCount: number, max: number) => `${openCount} of ${max} live positions already open or opening`,
  noBudget: (available: number, stake: number) => `available ${available} < stake ${stake}`,
  dailyLoss: (realised: number, limit: number) => `today's realised PnL ${realised} ≤ −${limit} (daily loss limit)`,
  cooldown: (until: number) => `cooling down after a stop-loss until ${new Date(until).toISOString()}`,
} as const;

/** The daily loss condition of the transaction: allowed while realised > −limit. */
export const withinDailyLoss = (dayRealised: number, limit: number): boolean => dayRealised > -limit;

/** The cooldown condition of the transaction: allowed once until ≤ now. */
export const cooledDown = (until: number | undefined, now: number): boolean => until === undefined || until <= now;

/** Would an entry of `stake` in `symbol` be allowed now? The first refusal, in the order above. */
export function checkEntry(state: EntryState, stake: number, limits: EntryLimits, symbol: string, now: number): EntryCheck {
  if (state.panic) return { ok: false, reason: 'panic', detail: refusalDetail.panic(state.panic.requestedAt) };
  if (state.halted) return { ok: false, reason: 'halted', detail: refusalDetail.halted(state.halted.reason) };
  if (stake > limits.maxStake) return { ok: false, reason: 'max-stake', detail: refusalDetail.maxStake(stake, limits.maxStake) };
  if (state.lockHolder !== undefined) return { ok: false, reason: 'already-open', detail: refusalDetail.alreadyOpen(state.lockHolder, symbol) };
  if (state.openCount >= limits.maxOpenPositions) return { ok: false, reason: 'max-open', detail: refusalDetail.maxOpen(state.openCount, limits.maxOpenPositions) };
  if (state.available < stake) return { ok: false, reason: 'no-budget', detail: refusalDetail.noBudget(state.available, stake) };
  if (!withinDailyLoss(state.dayRealised, limits.dailyLossLimit)) return { ok: false, reason: 'daily-loss', detail: refusalDetail.dailyLoss(state.dayRealised, limits.dailyLossLimit) };
  if (!cooledDown(state.cooldownUntil, now)) return { ok: false, reason: 'cooldown', detail: refusalDetail.cooldown(state.cooldownUntil as number) };
  return { ok: true };
}

/** When a market's cooldown ends after a stop-loss exit at `now`. */
export const cooldownUntil = (now: number, cooldownMinutes: number): number => now + Math.max(0, cooldownMinutes) * 60_000;
