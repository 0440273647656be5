/**
 * Arguments of /subscribe and /unsubscribe: `<SYMBOL|all> [strategy] [timeframe]` (strategy and
 * timeframe in either order; `all` / `*` / `any` for either means every one). Checked against
 * the configuration (strategies, scanned timeframes, which strategy runs on which timeframe) and,
 * for /subscribe, the markets the bot scans. Every refusal is a CommandInputError naming the
 * valid options.
 */
import { CommandInputError } from '../command.js';
import { scannedTimeframes, strategyNames, strategyTimeframes, type BotConfig } from '../../config/schema.js';
import { escapeHtml } from '../../core/format.js';
import { clipText, echo } from '../echo.js';
import { TIMEFRAMES } from '../../core/timeframe.js';
import { ALL_SYMBOLS, normaliseSymbol, quotesOf, validateSymbol } from '../../users/symbols.js';
import type { Subscription } from '../../ports/users.js';

export const ANY = '*';
const ANY_WORDS = new Set(['all', '*', 'any']);

export type SubscriptionFilter = Omit<Subscription, 'chatId'>;

/** `*` → `any`, for display. */
export const shown = (value: string): string => (value === ANY ? 'any' : value);

/** `BTC/USDT · ema-cross · 1h`, `any` where `*`. Escaped HTML. */
export function describeSubscription(s: SubscriptionFilter): string {
  const symbol = s.symbol === ANY ? 'all symbols' : s.symbol;
  const strategy = s.strategy === ANY ? 'any strategy' : s.strategy;
  const timeframe = s.timeframe === ANY ? 'any timeframe' : s.timeframe;
  return escapeHtml(`${symbol} · ${strategy} · ${timeframe}`);
}

export interface ParseOptions {
  readonly usage: string;
  /** Markets the symbol must be one of; undefined = only the syntax is checked (/unsubscribe). */
  readonly markets?: readonly string[];
}

export function parseSubscriptionArgs(args: readonly string[], config: BotConfig, options: ParseOptions): SubscriptionFilter {
  if (args.length === 0 || args.length > 3) throw new CommandInputError(`Usage: ${escapeHtml(options.usage)}`);
  const strategies = strategyNames(config);
  const timeframes: readonly string[] = scannedTimeframes(config);
  const [rawSymbol, ...rest] = args as [string, ...string[]];

  const markets = options.markets;
  // Clipped first: no symbol is that long, and the refusal echoes it.
  const symbol = normaliseSymbol(clipText(rawSymbol), markets ? quotesOf(markets) : undefined);
  const check = validateSymbol(symbol, markets ?? (symbol === ALL_SYMBOLS ? [] : [symbol]));
  if (!check.ok) throw new CommandInputError(escapeHtml(check.error));

  let strategy: string | undefined;
  let timeframe: string | undefined;
  for (const raw of rest) {
    const word = raw.toLowerCase();
    if (ANY_WORDS.has(word)) {
      if (strategy === undefined) strategy = ANY;
      else if (timeframe === undefined) timeframe = ANY;
      else throw new CommandInputError(`Usage: ${escapeHtml(options.usage)}`);
    } else if ((TIMEFRAMES as readonly string[]).includes(word) || /^\d+[mhdw]$/.test(word)) {
      if (timeframe !== undefined) throw new CommandInputError(`Give one timeframe at most. Usage: ${escapeHtml(options.usage)}`);
      if (!timeframes.includes(word)) {
        throw new CommandInputError(`Timeframe ${echo(raw)} is not scanned. Scanned timeframes: ${timeframes.join(', ')}.`);
      }
      timeframe = word;
    } else {
      if (strategy !== undefined && strategy !== ANY) throw new CommandInputError(`Give one strategy at most. Usage: ${escapeHtml(options.usage)}`);
      if (!strategies.includes(word)) {
        throw new CommandInputError(`Unknown strategy ${echo(raw)}. Configured strategies: ${strategies.join(', ')}.`);
      }
      strategy = word;
    }
  }
  strategy ??= ANY;
  timeframe ??= ANY;
  if (strategy !== ANY && timeframe !== ANY) {
    const runsOn = strategyTimeframes(config, strategy);
    if (runsOn && !runsOn.includes(timeframe as never)) {
      throw new CommandInputError(`${escapeHtml(strategy)} does not run on ${timeframe}; it runs on ${runsOn.join(', ')}.`);
    }
  }
  return { symbol: check.symbol, strategy, timeframe };
}
