/**
 * What live `npm start` checks and says before it starts anything that runs on a schedule:
 *  - the Telegram bot token (getMe against the Bot API, TELEGRAM_API_ROOT honoured), before the
 *    local stack starts: a refused token stops at once;
 *  - each configured exchange, once (markets prepared for its symbols, as the first scan would):
 *    "binance: 5 markets OK", or the classified error code and what it means (the bot keeps
 *    running: the scans retry at every close);
 *  - what will run when: each timeframe's next scan and its strategies, the monitor every minute.
 */
import { createBotApi } from '../telegram/bot-api.js';
import { redactSecrets } from '../bot/redact.js';
import { strategiesFor, type BotConfig, type ExchangeConfig } from '../config/schema.js';
import { formatUtc } from '../core/format.js';
import { nextCloseAfter, type Timeframe } from '../core/timeframe.js';
import { ConfigError, describeError, isCandlebotError } from '../errors.js';
import type { ExchangePort } from '../ports/exchange.js';
import { TelegramApiError } from '../ports/telegram.js';

/** Upper bound of the Telegram and each exchange check. */
const CHECK_TIMEOUT_MS = 20_000;

/** What an exchange error code means to someone starting the bot. */
export const EXCHANGE_CODE_MEANINGS: Readonly<Record<string, string>> = {
  NETWORK: 'the exchange could not be reached (no internet, DNS failure, connection refused or a firewall)',
  TIMEOUT: 'the exchange did not answer in time (exchanges[].timeoutMs)',
  RATE_LIMITED: 'the exchange is rate-limiting this IP address',
  EXCHANGE_UNAVAILABLE: 'the exchange is down or in maintenance',
  EXCHANGE_FAILED: 'the exchange answered with a server error',
  BAD_RESPONSE: 'the exchange answered something that is not a valid response',
  AUTH: 'the exchange refused access (e.g. HTTP 451: not available from this region)',
  NOT_SUPPORTED: 'ccxt does not support this call on this exchange',
  BAD_REQUEST: 'the exchange refused the request',
  EXCHANGE_ERROR: 'the exchange answered with an error',
  CHECK_TIMEOUT: `no answer within ${CHECK_TIMEOUT_MS / 1000} s`,
  UNEXPECTED: 'an unexpected error (see the log file)',
};

export interface ExchangeCheck {
  readonly id: string;
  readonly ok: boolean;
  /** One line for the console. */
  readonly line: string;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what}: no answer within ${ms / 1000} s`), { code: 'CHECK_TIMEOUT' })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const oneLine = (s: string, max = 200) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max)}…`;
};

/** Prepares the markets of every configured exchange once, in parallel; never throws. */
export async function checkExchanges(
  exchanges: readonly ExchangeConfig[],
  connect: (c: ExchangeConfig) => Promise<ExchangePort>,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<ExchangeCheck[]> {
  return Promise.all(
    exchanges.map(async (c): Promise<ExchangeCheck> => {
      try {
        const prepared = await withTimeout(
          connect(c).then((ex) => ex.prepare(c.symbols)),
          timeoutMs,
          c.id,
        );
        const unknown = prepared.unknown.length ? `; not listed there (never scanned): ${prepared.unknown.join(', ')}` : '';
        const n = prepared.known.length;
        return { id: c.id, ok: n > 0, line: `${c.id}: ${n} market${n === 1 ? '' : 's'} OK${prepared.fromCache ? ' (from the markets cache)' : ''}${unknown}` };
      } catch (error: unknown) {
        const code = isCandlebotError(error) ? error.code : ((error as { code?: unknown }).code === 'CHECK_TIMEOUT' ? 'CHECK_TIMEOUT' : 'UNEXPECTED');
        const meaning = EXCHANGE_CODE_MEANINGS[code] ?? 'see the log file';
        const message = isCandlebotError(error) ? error.message : describeError(error);
        return {
          id: c.id,
          ok: false,
          line: `${c.id}: ${code} — ${meaning}. The bot keeps running and tries again at every scan. (${oneLine(message)})`,
        };
      }
    }),
  );
}

/** What will run when: one line per timeframe (next scan, strategies, markets), then the monitor. */
export function scheduleLines(config: BotConfig, now: number, afterCloseMs: number): string[] {
  const timeframes = [...new Set(config.exchanges.flatMap((e) => e.timeframes))];
  const lines = timeframes.map((tf: Timeframe) => {
    const strategies = [...new Set(strategiesFor(config, tf).map((s) => s.name))];
    const markets = config.exchanges.filter((e) => e.timeframes.includes(tf)).map((e) => `${e.id} ${e.symbols.join(', ')}`);
    const next = formatUtc(nextCloseAfter(now, tf) + afterCloseMs);
    return `  scan ${tf}: next at ${next}, then after every ${tf} close — ${strategies.length ? strategies.join(', ') : 'no strategy'} on ${markets.join('; ')}`;
  });
  lines.push('  monitor: every minute — paper positions checked against stop, target and time exit on each closed candle');
  return ['will run:', ...lines];
}

/**
 * Checks TELEGRAM_BOT_TOKEN with getMe. A token Telegram refuses (401/404) throws ConfigError;
 * Telegram unreachable is only a warning (delivery retries), returned as `warning`.
 */
export async function checkTelegramToken(token: string, apiRoot: string | undefined): Promise<{ username?: string; warning?: string }> {
  const api = createBotApi({ token, apiRoot, timeoutMs: CHECK_TIMEOUT_MS });
  const where = apiRoot ?? 'https://api.telegram.org';
  try {
    const me = (await api.call('getMe', {})) as { username?: unknown };
    return { username: typeof me?.username === 'string' ? me.username : undefined };
  } catch (error: unknown) {
    if (error instanceof TelegramApiError && error.failure === 'unauthorized') {
      throw new ConfigError(
        `Telegram refused TELEGRAM_BOT_TOKEN (getMe at ${where}: ${error.status ?? 401} Unauthorized): the token is wrong or was revoked. ` +
          'Get the current one from @BotFather (/token), or unset TELEGRAM_BOT_TOKEN to print messages on the console. Nothing was started.',
        { code: 'BAD_TOKEN', cause: error },
      );
    }
    return { warning: `could not check TELEGRAM_BOT_TOKEN with getMe at ${where} (${redactSecrets(describeError(error), [token])}); starting anyway, delivery retries.` };
  }
}
