/**
 * Error translation at the trading adapter's boundary (lib/ports/trading.ts). Builds on the
 * candle-side classification (../classify.ts) and adds what matters for orders:
 * - a WRITE (place, protect, cancel) whose answer is unusable — timeout, network failure, 5xx,
 *   an unreadable answer, anything unexpected — is ORDER_ANSWER_UNKNOWN (transient): the order
 *   may exist, so it is looked up by client order id, never sent again. A 429/418 stays
 *   RATE_LIMITED: Binance refuses those requests before executing them.
 * - a refusal of the order itself (InsufficientFunds, InvalidOrder and its subclasses such as
 *   OrderImmediatelyFillable and DuplicateOrderId, MarketClosed, Binance -2010 / -1013 filter
 *   failures) is ORDER_REJECTED with the exchange's message;
 * - AuthenticationError / PermissionDenied (-2014, -2015, -1022) → EXCHANGE_AUTH;
 *   InvalidNonce / -1021 → EXCHANGE_CLOCK_SKEW.
 * The Binance code is also read from the message (ccxt puts the response body there), since
 * ccxt's class for a code depends on the URL it was sent to (e.g. -1013 is BadRequest).
 * The vendor error is always kept as `cause`.
 */
import { CandlebotError, PermanentError, TransientError } from '../../errors.js';
import { ccxtErrorChain, classifyExchangeError } from '../classify.js';

const REJECTED_CLASSES = new Set(['InsufficientFunds', 'InvalidOrder', 'MarketClosed']);
const AUTH_CLASSES = new Set(['AuthenticationError']);
const REJECTED_CODES = new Set([-2010, -1013]);
const AUTH_CODES = new Set([-2014, -2015, -1022, -2008, -1099]);
/** Binance codes meaning "no such order" (query: -2013; cancel: -2011 "Unknown order sent."). */
const NOT_FOUND_CODES = new Set([-2013, -2011]);
/** Candle-side codes that, on a write, mean the answer never arrived in a usable form. */
const UNKNOWN_ON_WRITE = new Set(['BAD_RESPONSE', 'UNEXPECTED']);

export type Operation = 'read' | 'write';

/** The Binance error code in a ccxt error's message (`binance {"code":-2013,"msg":…}`). */
export function binanceCode(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const match = /"code"\s*:\s*(-?\d+)/.exec(error.message);
  return match === null ? undefined : Number(match[1]);
}

/** True when the exchange said the order does not exist (OrderNotFound, -2013, -2011). */
export function isOrderNotFound(error: unknown): boolean {
  const code = binanceCode(error);
  if (code !== undefined) return NOT_FOUND_CODES.has(code);
  return ccxtErrorChain(error)?.[0] === 'OrderNotFound';
}

function exchangeMessage(error: Error): string {
  const match = /"msg"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(error.message);
  return match?.[1] ?? error.message;
}

/** Translates anything a trading call threw; `context` (e.g. `binance placeOrder cbe0…`) prefixes the message. */
export function translateTradingError(error: unknown, context: string, operation: Operation): CandlebotError {
  if (error instanceof CandlebotError) {
    return operation === 'write' && UNKNOWN_ON_WRITE.has(error.code) ? answerUnknown(error.message, error) : error;
  }
  const chain = ccxtErrorChain(error) ?? [];
  const code = binanceCode(error);
  const has = (set: ReadonlySet<string>): boolean => chain.some((name) => set.has(name));
  if (error instanceof Error) {
    const detail = `${chain[0] ?? error.name}: ${exchangeMessage(error)}`;
    if (code === -1021 || chain.includes('InvalidNonce')) {
      return new PermanentError(`${context}: the exchange refused the request's timestamp (clock skew) — ${detail}`, { code: 'EXCHANGE_CLOCK_SKEW', cause: error });
    }
    if ((code !== undefined && AUTH_CODES.has(code)) || has(AUTH_CLASSES)) {
      return new PermanentError(`${context}: the exchange refused the API key — ${detail}`, { code: 'EXCHANGE_AUTH', cause: error });
    }
    if (operation === 'write' && ((code !== undefined && REJECTED_CODES.has(code)) || has(REJECTED_CLASSES))) {
      return new PermanentError(`${context}: the exchange rejected the order — ${detail}`, { code: 'ORDER_REJECTED', cause: error });
    }
  }
  const base = classifyExchangeError(error, context);
  if (operation === 'write' && ((base.kind === 'transient' && base.code !== 'RATE_LIMITED') || UNKNOWN_ON_WRITE.has(base.code))) {
    return answerUnknown(base.message, error);
  }
  return base;
}

function answerUnknown(message: string, cause: unknown): TransientError {
  return new TransientError(`${message} — the order may or may not exist: look it up by client order id, do not resend`, { code: 'ORDER_ANSWER_UNKNOWN', cause });
}
