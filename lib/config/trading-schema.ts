/**
 * `exchanges[].trading` of the config (live trading, issue 15): paper (the default) or live,
 * with the money limits the live store enforces in the intent transaction. Checked at load:
 * bounds with their reasons, live only where it is implemented and tested (binance spot), real
 * money only with `confirmLive: true`, stake ≤ budget, one quote currency per live exchange
 * (the budget is counted in it). What an exchange actually accepts (minimum amount/notional per
 * market, key permissions, balances) is checked by `npm run trade:check` (lib/cli/trade-check.ts).
 */
import { z } from 'zod';
import { MAX_STARTING_BALANCE, MIN_STAKE } from './risk-schema.js';

/** Exchange ids live trading is implemented and tested for (against the Binance simulator). */
export const LIVE_EXCHANGES: readonly string[] = ['binance'];

/** USD stablecoins: Binance refuses orders below 5 of them (its NOTIONAL filter on these markets). */
export const USD_STABLE_QUOTES: readonly string[] = ['USDT', 'USDC', 'FDUSD', 'TUSD', 'BUSD', 'DAI', 'USDP'];
/** Smallest stake in a USD stablecoin: Binance's minimum order notional on those markets. */
export const MIN_USD_STAKE = 5;
export const MAX_LIVE_OPEN_POSITIONS = 50;
export const MAX_ENTRY_SLIPPAGE_BPS = 500;
export const MAX_STOP_LIMIT_BPS = 1000;
export const MAX_ENTRY_TIMEOUT_MINUTES = 1440;
export const MAX_COOLDOWN_MINUTES = 10_080;

const BUDGET_BOUND =
  `must be at most ${MAX_STARTING_BALANCE}: the live budget is kept to 10 decimal places (lib/core/money.ts) in JavaScript ` +
  `numbers, which hold 15 significant digits exactly (the same bound as risk.startingBalance)`;
const LEDGER_MIN = `(budget amounts are rounded to 1e-10; a smaller amount would lose more than 0.01 % to that rounding)`;

/** Every setting; optional here so that `mode: paper` needs nothing else and live reports each missing one. */
const tradingInputSchema = z
  .object({
    /** paper (default): positions are simulated; live: orders on the exchange. */
    mode: z.enum(['paper', 'live']).default('paper'),
    /** Default true: the exchange's testnet (ccxt setSandboxMode; Binance: testnet.binance.vision). */
    sandbox: z.boolean().default(true),
    /** Must be true for mode live with sandbox false: real money is traded. */
    confirmLive: z.boolean().default(false),
    /** Quote currency the bot may commit on this exchange. */
    budget: z.number().min(MIN_STAKE, `must be at least ${MIN_STAKE} ${LEDGER_MIN}`).max(MAX_STARTING_BALANCE, BUDGET_BOUND).optional(),
    /** Quote currency per trade (the maximum stake per trade); ≤ budget. */
    stake: z.number().min(MIN_STAKE, `must be at least ${MIN_STAKE} ${LEDGER_MIN}`).max(MAX_STARTING_BALANCE, BUDGET_BOUND).optional(),
    maxOpenPositions: z
      .int()
      .min(1)
      .max(
        MAX_LIVE_OPEN_POSITIONS,
        `must be at most ${MAX_LIVE_OPEN_POSITIONS}: reconcile checks every open position's orders on the exchange each minute within one bounded run and the exchange's request weight`,
      )
      .default(5),
    /** Quote; no new entry for the rest of the UTC day once today's realised loss reaches it. */
    dailyLossLimit: z.number().gt(0, 'must be more than 0 (a loss limit of 0 would refuse every entry)').max(MAX_STARTING_BALANCE, BUDGET_BOUND).optional(),
    /** Fraction; equity below peak × (1 − this) halts new entries until /resume. */
    maxDrawdown: z.number().gt(0, 'must be more than 0 (a fraction of the peak equity, e.g. 0.25)').lt(1, 'must be less than 1 (a fraction of the peak equity: 1 would never stop, equity cannot fall below 0)').default(0.25),
    /** After a stop-loss exit, no new entry in that market for this long (0: off). */
    cooldownMinutes: z.int().min(0).max(MAX_COOLDOWN_MINUTES, `must be at most ${MAX_COOLDOWN_MINUTES} (one week)`).default(60),
    /** The entry is a limit buy at the signal's entry × (1 + this/10 000). */
    entrySlippageBps: z
      .number()
      .min(0)
      .max(MAX_ENTRY_SLIPPAGE_BPS, `must be at most ${MAX_ENTRY_SLIPPAGE_BPS} (5 %): a limit that far above the signal's price is a market order at a price the strategy never saw`)
      .default(20),
    /** The unfilled rest of an entry is cancelled after this long. */
    entryTimeoutMinutes: z
      .int()
      .min(1, 'must be at least 1 (reconcile, which cancels the rest, runs once a minute)')
      .max(MAX_ENTRY_TIMEOUT_MINUTES, `must be at most ${MAX_ENTRY_TIMEOUT_MINUTES} (one day): an older entry no longer follows its signal`)
      .default(15),
    /** The stop leg's limit price is stop × (1 − this/10 000). */
    stopLimitBps: z
      .number()
      .gt(0, 'must be more than 0: a stop-limit at exactly its trigger is often not filled in a falling market')
      .max(MAX_STOP_LIMIT_BPS, `must be at most ${MAX_STOP_LIMIT_BPS} (10 %): a limit that far below the stop gives the stop away`)
      .default(50),
    /** When the protective OCO cannot be placed: sell at market at once (else only the admin alert). */
    exitOnProtectionFailure: z.boolean().default(true),
  })
  .strict();

export interface PaperTradingConfig {
  readonly mode: 'paper';
}

export interface LiveTradingConfig {
  readonly mode: 'live';
  readonly sandbox: boolean;
  readonly confirmLive: boolean;
  readonly budget: number;
  readonly stake: number;
  readonly maxOpenPositions: number;
  readonly dailyLossLimit: number;
  readonly maxDrawdown: number;
  readonly cooldownMinutes: number;
  readonly entrySlippageBps: number;
  readonly entryTimeoutMinutes: number;
  readonly stopLimitBps: number;
  readonly exitOnProtectionFailure: boolean;
}

export type TradingConfig = PaperTradingConfig | LiveTradingConfig;

const REQUIRED_FOR_LIVE = {
  budget: 'the quote currency the bot may commit on this exchange',
  stake: 'the quote currency per trade, at most the budget',
  dailyLossLimit: "the quote currency the bot may lose in one UTC day before it stops opening positions",
} as const;

/** `exchanges[].trading`: absent → `{ mode: 'paper' }`; live → every setting, defaults filled, frozen. */
export const tradingSchema = tradingInputSchema
  .transform((t, ctx): TradingConfig => {
    if (t.mode === 'paper') return Object.freeze({ mode: 'paper' });
    let missing = false;
    for (const [key, what] of Object.entries(REQUIRED_FOR_LIVE)) {
      if (t[key as keyof typeof REQUIRED_FOR_LIVE] === undefined) {
        missing = true;
        ctx.addIssue({ code: 'custom', path: [key], message: `is required for mode live (${what})` });
      }
    }
    if (missing) return z.NEVER;
    const live = { ...t, mode: 'live' as const, budget: t.budget!, stake: t.stake!, dailyLossLimit: t.dailyLossLimit! };
    let bad = false;
    if (!live.sandbox && !live.confirmLive) {
      bad = true;
      ctx.addIssue({
        code: 'custom',
        path: ['confirmLive'],
        message:
          'must be true for mode live with sandbox false: REAL MONEY would be traded on the exchange with these keys. ' +
          'Set sandbox: true to use the testnet, or confirmLive: true to trade real money',
      });
    }
    if (live.stake > live.budget) {
      bad = true;
      ctx.addIssue({ code: 'custom', path: ['stake'], message: `${live.stake} is more than budget (${live.budget}): not even the first order could be placed` });
    }
    if (live.dailyLossLimit > live.budget) {
      bad = true;
      ctx.addIssue({ code: 'custom', path: ['dailyLossLimit'], message: `${live.dailyLossLimit} is more than budget (${live.budget}): the limit could never be reached, so it would not protect anything` });
    }
    return bad ? z.NEVER : Object.freeze(live);
  })
  .default({ mode: 'paper' });

/** The quote currency of a spot symbol (`BTC/USDT` → `USDT`). */
function quoteOfSymbol(symbol: string): string {
  return symbol.slice(symbol.indexOf('/') + 1);
}

/**
 * Checks that need the exchange entry around `trading` (called from exchangeSchema's refinement,
 * only with a parsed trading value): live only on LIVE_EXCHANGES, one quote currency across the
 * symbols, the stake above the exchange's minimum order for USD stablecoins.
 */
export function checkExchangeTrading(exchange: { readonly id: unknown; readonly symbols: unknown; readonly trading?: unknown }, ctx: z.RefinementCtx): void {
  const trading = exchange.trading as TradingConfig | undefined;
  if (trading?.mode !== 'live') return;
  if (typeof exchange.id === 'string' && !LIVE_EXCHANGES.includes(exchange.id)) {
    ctx.addIssue({
      code: 'custom',
      path: ['trading', 'mode'],
      message:
        `live is not available for ${JSON.stringify(exchange.id)}: live trading is implemented and tested for binance spot only ` +
        `(orders, OCO protection and reconciliation are tested against a Binance simulator); use mode: paper here`,
    });
  }
  const symbols = Array.isArray(exchange.symbols) ? exchange.symbols.filter((s): s is string => typeof s === 'string' && s.includes('/')) : [];
  const quotes = [...new Set(symbols.map(quoteOfSymbol))];
  if (quotes.length > 1) {
    const first = quotes[0]!;
    const i = symbols.findIndex((s) => quoteOfSymbol(s) !== first);
    ctx.addIssue({
      code: 'custom',
      path: ['symbols', i],
      message:
        `${JSON.stringify(symbols[i])} is quoted in ${quoteOfSymbol(symbols[i]!)}, not ${first}: a live exchange's budget, stake and loss limits ` +
        `are amounts of one quote currency, so every symbol must share it (quotes here: ${quotes.join(', ')})`,
    });
    return;
  }
  const quote = quotes[0];
  if (quote !== undefined && USD_STABLE_QUOTES.includes(quote) && trading.stake < MIN_USD_STAKE) {
    ctx.addIssue({
      code: 'custom',
      path: ['trading', 'stake'],
      message: `must be at least ${MIN_USD_STAKE} ${quote}: Binance refuses orders below ${MIN_USD_STAKE} ${quote} (its minimum order notional); npm run trade:check shows each market's minimum`,
    });
  }
}

/** The trading settings of an exchange entry (absent → paper). */
export function tradingOf(exchange: { readonly trading?: TradingConfig | undefined }): TradingConfig {
  return exchange.trading ?? { mode: 'paper' };
}

/** The live settings of an exchange entry, or undefined when it trades on paper. */
export function liveTradingOf(exchange: { readonly trading?: TradingConfig | undefined }): LiveTradingConfig | undefined {
  const trading = tradingOf(exchange);
  return trading.mode === 'live' ? trading : undefined;
}

/** The exchanges of the config that trade live, in config order. */
export function liveExchanges<E extends { readonly trading?: TradingConfig | undefined }>(config: { readonly exchanges: readonly E[] }): E[] {
  return config.exchanges.filter((e) => tradingOf(e).mode === 'live');
}

/** The quote currency a live exchange's budget is counted in (all its symbols share it: checked at load). */
export function quoteCurrencyOf(exchange: { readonly symbols: readonly string[] }): string {
  const first = exchange.symbols[0];
  if (first === undefined) throw new TypeError('quoteCurrencyOf: an exchange without symbols');
  return quoteOfSymbol(first);
}
