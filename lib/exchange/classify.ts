/**
 * Translates anything an exchange call throws (ccxt errors, fetch/transport errors, bugs)
 * into `TransientError` / `PermanentError` with a specific code, keeping the original as
 * `cause`. Never swallows: every input yields an error to throw.
 *
 * ccxt errors are recognised by `name` (each ccxt error class sets it explicitly, so it
 * survives minification and works across separately loaded ccxt copies) and classified by
 * their most specific ancestor in ccxt's own error hierarchy. Order matters in that
 * hierarchy: DDoSProtection, RateLimitExceeded, ExchangeNotAvailable, OnMaintenance and
 * RequestTimeout all extend NetworkError, which extends OperationFailed; BadResponse also
 * extends OperationFailed; BadSymbol extends BadRequest extends ExchangeError.
 *
 * A generic ExchangeError/BadResponse that came with an HTTP 5xx status (tagged by
 * `withResponseMeta`) is the server's fault, e.g. Binance 503 `-1008` "server busy": transient.
 */
import errorHierarchy from '../../node_modules/ccxt/js/src/base/errorHierarchy.js';
import { CandlebotError, PermanentError, TransientError, type PermanentCode, type TransientCode } from '../errors.js';
import { responseMetaOf } from './response-meta.js';

type Rule = { readonly kind: 'transient'; readonly code: TransientCode } | { readonly kind: 'permanent'; readonly code: PermanentCode };

/** Keyed by ccxt error class name; the most specific ancestor with a rule wins. */
const RULES: Readonly<Record<string, Rule>> = {
  DDoSProtection: { kind: 'transient', code: 'RATE_LIMITED' },
  RateLimitExceeded: { kind: 'transient', code: 'RATE_LIMITED' },
  RequestTimeout: { kind: 'transient', code: 'TIMEOUT' },
  ExchangeNotAvailable: { kind: 'transient', code: 'EXCHANGE_UNAVAILABLE' }, // incl. OnMaintenance
  NetworkError: { kind: 'transient', code: 'NETWORK' }, // incl. InvalidNonce, connection refused
  BadResponse: { kind: 'permanent', code: 'BAD_RESPONSE' }, // incl. NullResponse
  OperationFailed: { kind: 'transient', code: 'EXCHANGE_FAILED' }, // e.g. JSON 5xx with an exchange code
  BadSymbol: { kind: 'permanent', code: 'BAD_SYMBOL' },
  AuthenticationError: { kind: 'permanent', code: 'AUTH' }, // incl. PermissionDenied, AccountSuspended
  NotSupported: { kind: 'permanent', code: 'NOT_SUPPORTED' },
  BadRequest: { kind: 'permanent', code: 'BAD_REQUEST' },
  ExchangeError: { kind: 'permanent', code: 'EXCHANGE_ERROR' },
  BaseError: { kind: 'permanent', code: 'EXCHANGE_ERROR' },
};

const SERVER_FAILED: Rule = { kind: 'transient', code: 'EXCHANGE_FAILED' };
/** Permanent codes that become SERVER_FAILED when the response status was 5xx. */
const SERVER_SIDE_WHEN_5XX = new Set<string>(['EXCHANGE_ERROR', 'BAD_RESPONSE']);

/** Transport error codes (node/undici) that mean "the network failed", not "the request was bad". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH',
  'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

const MAX_MESSAGE = 300;

/** ccxt error class name → its ancestors, most specific first (itself included). */
function buildAncestry(): ReadonlyMap<string, readonly string[]> {
  const result = new Map<string, readonly string[]>();
  const walk = (node: Record<string, unknown>, parents: readonly string[]): void => {
    for (const [name, children] of Object.entries(node)) {
      const chain = [name, ...parents];
      result.set(name, chain);
      if (typeof children === 'object' && children !== null) walk(children as Record<string, unknown>, chain);
    }
  };
  walk(errorHierarchy as Record<string, unknown>, []);
  return result;
}

const ANCESTRY = buildAncestry();

/** The ccxt error class names of `error`, most specific first; undefined when not a ccxt error. */
export function ccxtErrorChain(error: unknown): readonly string[] | undefined {
  if (!(error instanceof Error)) return undefined;
  return ANCESTRY.get(error.name);
}

function shorten(message: string): string {
  const oneLine = message.replace(/\s+/g, ' ').trim();
  return oneLine.length <= MAX_MESSAGE ? oneLine : `${oneLine.slice(0, MAX_MESSAGE)}…`;
}

function make(rule: Rule, message: string, cause: unknown, retryAfterMs?: number): CandlebotError {
  const options = { cause, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  return rule.kind === 'transient' ? new TransientError(message, { ...options, code: rule.code }) : new PermanentError(message, { ...options, code: rule.code });
}

function transportCode(error: Error): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}

/**
 * Classifies `error` thrown by an exchange call. `context` (e.g. `binance fetchOHLCV BTC/USDT`)
 * prefixes the message. A CandlebotError passes through unchanged.
 */
export function classifyExchangeError(error: unknown, context?: string): CandlebotError {
  if (error instanceof CandlebotError) return error;
  const prefix = context === undefined ? '' : `${context}: `;

  const chain = ccxtErrorChain(error);
  if (chain !== undefined) {
    const meta = responseMetaOf(error);
    let rule = chain.map((name) => RULES[name]).find((r): r is Rule => r !== undefined) ?? RULES['BaseError']!;
    if (SERVER_SIDE_WHEN_5XX.has(rule.code) && meta !== undefined && meta.httpStatus >= 500) rule = SERVER_FAILED;
    const status = meta === undefined ? '' : ` [HTTP ${meta.httpStatus}]`;
    const message = `${prefix}${chain[0]}${status}: ${shorten((error as Error).message)}`;
    return make(rule, message, error, rule.kind === 'transient' ? meta?.retryAfterMs : undefined);
  }

  if (error instanceof Error) {
    const message = `${prefix}${error.name}: ${shorten(error.message)}`;
    if (error.name === 'AbortError' || error.name === 'TimeoutError') {
      return make({ kind: 'transient', code: 'TIMEOUT' }, message, error);
    }
    const code = transportCode(error);
    if (code !== undefined || (error instanceof TypeError && error.message === 'fetch failed')) {
      return make({ kind: 'transient', code: 'NETWORK' }, code === undefined ? message : `${message} (${code})`, error);
    }
    return make({ kind: 'permanent', code: 'UNEXPECTED' }, message, error);
  }
  return make({ kind: 'permanent', code: 'UNEXPECTED' }, `${prefix}non-error thrown: ${shorten(String(error))}`, error);
}
