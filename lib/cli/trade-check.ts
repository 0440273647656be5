/**
 * `npm run trade:check -- --exchange binance [--config <file>]`
 *
 * Before (and after) switching an exchange to live trading: what the bot would do there, and
 * whether the exchange would let it. Prints the mode (PAPER, LIVE on the testnet, LIVE with REAL
 * MONEY), then checks — with the keys, when there are any — the clock against the exchange's,
 * the keys' permissions (refused: keys that can withdraw, where the exchange says; keys that
 * cannot trade), the quote balance against one stake and the budget, and per symbol whether an
 * entry of one stake passes the market's minimum amount and notional; then what the bot would be
 * allowed to do (stake, open positions, loss limits, cooldown, exits). Nothing is ordered.
 *
 * Keys (never printed): EXCHANGE_SECRET_PREFIX set → the Secrets Manager secret
 * `<prefix><exchange>` (AWS credentials and AWS_REGION of the shell); else CANDLEBOT_<ID>_API_KEY
 * and CANDLEBOT_<ID>_SECRET (lib/runtime/exchange-keys.ts). In paper mode keys are optional:
 * without them nothing is contacted; with them they are checked all the same.
 *
 * Exit codes: 0 every check passed (warnings allowed); 1 refused: a check failed (each one is
 * printed as REFUSED with the reason); 2 could not check: bad arguments, config, environment or
 * keys (missing, malformed, set twice); 3 the exchange or Secrets Manager did not answer: nothing
 * was decided, run it again.
 */
import { pathToFileURL } from 'node:url';
import { redactSecrets } from '../bot/redact.js';
import { chooseConfigFile } from '../config/config-path.js';
import { loadConfigFile } from '../config/load.js';
import type { ExchangeConfig } from '../config/schema.js';
import { liveTradingOf, quoteCurrencyOf } from '../config/trading-schema.js';
import { ConfigError, describeError, isCandlebotError, isTransient } from '../errors.js';
import { createCcxtTrading } from '../exchange/trading/ccxt-trading.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { TradingPort } from '../ports/trading.js';
import { exchangeKeysSource, type ExchangeKeys, type ExchangeKeysEnv } from '../runtime/exchange-keys.js';
import { runChecks, type CheckResult, type Verdict } from './trade-check-checks.js';
import { allowedLines, modeLine } from './trade-check-text.js';
import { badArgs, parseFlags } from './flags.js';

export const TRADE_CHECK_USAGE =
  'usage: npm run trade:check -- --exchange <id> [--config <file>]\n' +
  '  keys: EXCHANGE_SECRET_PREFIX (the deployed secret <prefix><id>, e.g. candlebot/dev/exchange/), else CANDLEBOT_<ID>_API_KEY and CANDLEBOT_<ID>_SECRET\n' +
  '  config: --config, else $CANDLEBOT_CONFIG, else candlebot.config.yml, else the shipped candlebot.config.example.yml\n' +
  '  exit: 0 passed (warnings allowed), 1 refused (a check failed), 2 could not check (arguments, config, keys), 3 the exchange or AWS did not answer';

export const EXIT = { ok: 0, refused: 1, cannotCheck: 2, unreachable: 3 } as const;

export interface TradeCheckOptions {
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
  readonly clock?: Clock;
  /** Tests: build the adapter differently (default createCcxtTrading). */
  readonly createTrading?: typeof createCcxtTrading;
}

const MARK: Readonly<Record<Verdict, string>> = { ok: 'ok', warn: 'WARN', refused: 'REFUSED', unreachable: 'NO ANSWER', skipped: 'skipped', info: 'info' };

function parse(argv: readonly string[]): { exchange: string; config: string | undefined } | 'help' {
  const values = parseFlags(argv, { exchange: { type: 'string' }, config: { type: 'string' } });
  if (values.help) return 'help';
  if (values.exchange === undefined || values.exchange === '') badArgs(`--exchange is required (an exchange id of the config, e.g. binance)\n${TRADE_CHECK_USAGE}`);
  return { exchange: values.exchange, config: values.config };
}

function exchangeOf(exchanges: readonly ExchangeConfig[], id: string, file: string): ExchangeConfig {
  const found = exchanges.find((e) => e.id === id);
  if (!found) throw new ConfigError(`exchange ${JSON.stringify(id)} is not in ${file} (it lists: ${exchanges.map((e) => e.id).join(', ')})`, { code: 'BAD_ARGS' });
  return found;
}

/** Runs the check; resolves with the exit code (EXIT). */
export async function runTradeCheck(argv: readonly string[], env: NodeJS.ProcessEnv, options: TradeCheckOptions = {}): Promise<number> {
  const out = options.out ?? console.log;
  const err = options.err ?? console.error;
  const clock = options.clock ?? systemClock;
  let keys: ExchangeKeys | undefined;
  const redact = (text: string): string => redactSecrets(text, keys ? [keys.apiKey, keys.secret] : []);
  try {
    const args = parse(argv);
    if (args === 'help') {
      out(TRADE_CHECK_USAGE);
      return EXIT.ok;
    }
    const choice = chooseConfigFile(args.config, env);
    if (choice.notice) err(choice.notice);
    const config = loadConfigFile(choice.path);
    const exchange = exchangeOf(config.exchanges, args.exchange, choice.path);
    const live = liveTradingOf(exchange);
    const quote = quoteCurrencyOf(exchange);
    const source = exchangeKeysSource({ AWS_REGION: 'us-east-1', ...env } as ExchangeKeysEnv);

    out(`trade:check ${exchange.id} (config ${choice.path})`);
    out(`mode: ${modeLine(exchange, live)}`);
    const paperWithoutKeys = (why: string): number => {
      out(`keys: none (${why})`);
      for (const line of allowedLines(exchange, live, config.risk, undefined)) out(line);
      out('result: OK — paper mode, nothing will be traded and nothing was contacted');
      return EXIT.ok;
    };
    if (live === undefined && !source.configured(exchange.id)) {
      return paperWithoutKeys(`not needed on paper; before going live set them: ${source.from(exchange.id)}, or the secret — README "Live trading"`);
    }
    out(`keys: from ${source.from(exchange.id)}`);
    try {
      keys = await source.keys(exchange.id);
    } catch (error) {
      // On paper, keys that are not there are no problem (a malformed or unreadable one still is).
      if (live !== undefined || !(isCandlebotError(error) && error.code === 'EXCHANGE_KEYS_MISSING')) throw error;
      return paperWithoutKeys(`not needed on paper: ${error.message}`);
    }
    const create = options.createTrading ?? createCcxtTrading;
    const port: TradingPort = await create({
      exchange: exchange.id,
      keys,
      sandbox: live?.sandbox ?? true,
      ...(exchange.apiBase ? { apiBase: exchange.apiBase } : {}),
      timeoutMs: exchange.timeoutMs,
      clock,
    });
    const results = await runChecks({ port, clock, live, quote, symbols: exchange.symbols, feeReserve: config.risk.feeRate, redact }, true);
    for (const r of results) out(`  ${MARK[r.verdict].padEnd(9)} ${r.check}: ${r.text}`);
    for (const line of allowedLines(exchange, live, config.risk, port)) out(line);
    return verdict(results, live !== undefined, out);
  } catch (error) {
    err(`trade:check: ${redact(describeError(error))}`);
    if (isTransient(error)) return EXIT.unreachable;
    return error instanceof ConfigError ? EXIT.cannotCheck : EXIT.refused;
  }
}

function verdict(results: readonly CheckResult[], live: boolean, out: (line: string) => void): number {
  const count = (v: Verdict) => results.filter((r) => r.verdict === v).length;
  const refused = count('refused');
  const warnings = count('warn');
  const unreachable = count('unreachable');
  if (refused > 0) {
    out(`result: REFUSED — ${refused} check(s) failed: ${results.filter((r) => r.verdict === 'refused').map((r) => r.check).join(', ')}; fix them before trading live`);
    return EXIT.refused;
  }
  if (unreachable > 0) {
    out(`result: NOT CHECKED — the exchange did not answer ${unreachable} check(s); run trade:check again`);
    return EXIT.unreachable;
  }
  const tail = warnings > 0 ? ` (${warnings} warning(s) above)` : '';
  out(live ? `result: OK — the exchange would accept the bot's orders${tail}` : `result: OK — paper mode, nothing will be traded; the keys pass${tail}`);
  return EXIT.ok;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runTradeCheck(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
