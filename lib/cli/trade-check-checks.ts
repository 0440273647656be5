/**
 * The checks of `npm run trade:check` (lib/cli/trade-check.ts) on one exchange's TradingPort:
 * clock skew, key permissions, the quote balance against the budget, and per symbol whether an
 * entry of one stake would pass the market's filters (the same sizing the live opener uses,
 * lib/core/live/sizing.ts). Each check gives one verdict; nothing here places or cancels an order.
 */
import { sizeEntry } from '../core/live/sizing.js';
import type { LiveTradingConfig } from '../config/trading-schema.js';
import { describeError, isCandlebotError, isTransient } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { TradingPort } from '../ports/trading.js';

/**
 * Binance refuses a signed request whose timestamp is more than 1000 ms ahead of its clock, or
 * older than recvWindow behind it (ccxt sends recvWindow 10 000 ms; Binance's own default is 5000).
 */
export const MAX_AHEAD_MS = 1000;
export const RECV_WINDOW_MS = 5000;
/** A skew above this is worth a warning: a slow request eats into the window. */
export const WARN_SKEW_MS = 500;
/** serverTime requests of the clock check (the fastest one counts). */
export const CLOCK_SAMPLES = 3;

export type Verdict = 'ok' | 'warn' | 'refused' | 'unreachable' | 'skipped' | 'info';

export interface CheckResult {
  readonly check: string;
  readonly verdict: Verdict;
  readonly text: string;
}

export interface CheckContext {
  readonly port: TradingPort;
  readonly clock: Clock;
  /** Live settings, or undefined in paper mode (then no stake or budget is compared). */
  readonly live: LiveTradingConfig | undefined;
  readonly quote: string;
  readonly symbols: readonly string[];
  /** risk.feeRate: the live opener keeps this fraction of the stake for the entry fee. */
  readonly feeReserve: number;
  /** Key values to cut out of any error text (never printed). */
  readonly redact: (text: string) => string;
}

const fmt = (x: number): string => String(Number(x.toPrecision(10)));

/** A failure as a verdict: transient → unreachable (try again), a refused key or clock → refused. */
function failed(check: string, error: unknown, redact: (text: string) => string): CheckResult {
  const text = redact(describeError(error));
  if (isTransient(error)) return { check, verdict: 'unreachable', text: `the exchange did not answer: ${text}` };
  if (isCandlebotError(error) && error.code === 'EXCHANGE_AUTH') return { check, verdict: 'refused', text: `the exchange refused the keys: ${text}` };
  if (isCandlebotError(error) && error.code === 'EXCHANGE_CLOCK_SKEW') return { check, verdict: 'refused', text: `the exchange refused the request's timestamp (clock skew): ${text}` };
  return { check, verdict: 'refused', text };
}

/** The local clock against the exchange's (midpoint of the request). */
export async function checkClock(ctx: CheckContext): Promise<CheckResult> {
  const { port, clock } = ctx;
  try {
    // The sample with the shortest round trip (the first one may also load the markets and open the connection).
    let best: { rtt: number; skew: number } | undefined;
    for (let i = 0; i < CLOCK_SAMPLES; i++) {
      const t0 = clock.now();
      const server = await port.serverTime();
      const t1 = clock.now();
      if (best === undefined || t1 - t0 < best.rtt) best = { rtt: t1 - t0, skew: Math.round((t0 + t1) / 2 - server) };
    }
    const { rtt, skew } = best!;
    const where = skew === 0 ? 'in step with' : skew > 0 ? `${skew} ms ahead of` : `${-skew} ms behind`;
    const limits = `${port.exchange} refuses a signed request stamped more than ${MAX_AHEAD_MS} ms ahead of its clock, or older than its recvWindow (${RECV_WINDOW_MS} ms by default)`;
    if (skew > MAX_AHEAD_MS || -skew > RECV_WINDOW_MS) {
      return { check: 'clock', verdict: 'refused', text: `this machine's clock is ${where} ${port.exchange}: ${limits}; synchronise the clock (NTP)` };
    }
    if (Math.abs(skew) > WARN_SKEW_MS) return { check: 'clock', verdict: 'warn', text: `this machine's clock is ${where} ${port.exchange} (${limits}); synchronise it (NTP)` };
    return { check: 'clock', verdict: 'ok', text: `${where} ${port.exchange} (request round trip ${rtt} ms)` };
  } catch (error) {
    return failed('clock', error, ctx.redact);
  }
}

/** Refuses keys that can withdraw (where the exchange says) or cannot trade. */
export async function checkPermissions(ctx: CheckContext): Promise<CheckResult> {
  try {
    const p = await ctx.port.permissions();
    if (p.canWithdraw === true) {
      return {
        check: 'permissions',
        verdict: 'refused',
        text: 'these keys can WITHDRAW funds: a leaked key could empty the account. Create a key with spot trading only (withdrawals disabled) and use that',
      };
    }
    if (!p.canTrade) return { check: 'permissions', verdict: 'refused', text: 'these keys cannot trade (spot trading is not enabled for them): enable spot trading on the key, or create one that has it' };
    if (p.canWithdraw === undefined) {
      return { check: 'permissions', verdict: 'warn', text: `can trade; ${ctx.port.exchange} does not say whether these keys can withdraw: make sure withdrawals are disabled on the key` };
    }
    return { check: 'permissions', verdict: 'ok', text: 'can trade, cannot withdraw' };
  } catch (error) {
    return failed('permissions', error, ctx.redact);
  }
}

/** The quote currency's free balance against one stake and the budget. */
export async function checkBalance(ctx: CheckContext): Promise<CheckResult> {
  try {
    const balances = await ctx.port.balances();
    const b = balances[ctx.quote] ?? { free: 0, used: 0, total: 0 };
    const has = `${ctx.quote} free ${fmt(b.free)} (in orders ${fmt(b.used)})`;
    const live = ctx.live;
    if (!live) return { check: 'balance', verdict: 'info', text: has };
    if (b.free < live.stake) {
      return { check: 'balance', verdict: 'refused', text: `${has} is less than one stake (${fmt(live.stake)} ${ctx.quote}): not even the first order could be paid` };
    }
    if (b.free < live.budget) {
      return {
        check: 'balance',
        verdict: 'warn',
        text: `${has} is less than the budget (${fmt(live.budget)} ${ctx.quote}): orders beyond ${fmt(b.free)} ${ctx.quote} would be refused by the exchange (insufficient balance)`,
      };
    }
    return { check: 'balance', verdict: 'ok', text: `${has} covers the budget (${fmt(live.budget)} ${ctx.quote})` };
  } catch (error) {
    return failed('balance', error, ctx.redact);
  }
}

/** Would an entry of one stake at the current price (plus the entry slippage) pass the market's filters? */
export async function checkMarket(ctx: CheckContext, symbol: string): Promise<CheckResult> {
  const live = ctx.live;
  const check = `market ${symbol}`;
  try {
    const rules = await ctx.port.rules(symbol);
    const minimums = `minimum amount ${fmt(rules.minAmount)} ${rules.base}, minimum notional ${fmt(rules.minNotional)} ${rules.quote}`;
    if (!live) return { check, verdict: 'info', text: minimums };
    const last = await ctx.port.lastPrice(symbol);
    const limit = last * (1 + live.entrySlippageBps / 10_000);
    const sized = sizeEntry(live.stake, limit, rules, ctx.feeReserve);
    if (!sized.ok) {
      return {
        check,
        verdict: 'refused',
        text: `an entry of one stake (${fmt(live.stake)} ${rules.quote}) at ${fmt(last)} would be refused (${sized.reason}: ${sized.detail}); ${minimums}: raise the stake or drop the symbol`,
      };
    }
    return { check, verdict: 'ok', text: `one stake buys ${fmt(sized.amount)} ${rules.base} at ${fmt(sized.price)} (notional ${fmt(sized.notional)} ${rules.quote}; ${minimums})` };
  } catch (error) {
    return failed(check, error, ctx.redact);
  }
}

/** Every check in order; signed checks are skipped when the clock is refused (the exchange would refuse them too). */
export async function runChecks(ctx: CheckContext, withKeys: boolean): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  if (withKeys) {
    const clock = await checkClock(ctx);
    results.push(clock);
    if (clock.verdict === 'refused') {
      results.push({ check: 'permissions', verdict: 'skipped', text: 'not checked: the exchange would refuse the signed request (clock)' });
      results.push({ check: 'balance', verdict: 'skipped', text: 'not checked: the exchange would refuse the signed request (clock)' });
    } else {
      const permissions = await checkPermissions(ctx);
      results.push(permissions);
      const keysRefused = permissions.verdict === 'refused' && /refused the keys/.test(permissions.text);
      results.push(keysRefused ? { check: 'balance', verdict: 'skipped', text: 'not checked: the exchange refused the keys' } : await checkBalance(ctx));
    }
  }
  if (ctx.live) {
    for (const symbol of ctx.symbols) results.push(await checkMarket(ctx, symbol));
  }
  return results;
}
