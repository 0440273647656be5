/**
 * Keeps what ccxt drops from a failed HTTP response: its status and `Retry-After` hint.
 * ccxt errors carry only a message, so a subclass of the exchange class wraps
 * `handleErrors` (ccxt's per-response error hook) and tags the error thrown for a response
 * with status ≥ 400. `classifyExchangeError` reads the tags.
 */
import type { Exchange } from 'ccxt';
import type { ExchangeClass } from './load.js';

const RESPONSE_META = Symbol('candlebot.responseMeta');

export interface ResponseMeta {
  readonly httpStatus: number;
  readonly retryAfterMs: number | undefined;
}

/** `Retry-After` (delta seconds or HTTP date) in ms; undefined when absent or unparsable. */
export function parseRetryAfter(value: unknown, nowMs: number): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}

function headerValue(headers: unknown, name: string): unknown {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The response status and Retry-After tagged on an error by `withResponseMeta`, if any. */
export function responseMetaOf(error: unknown): ResponseMeta | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const meta = (error as { [RESPONSE_META]?: ResponseMeta })[RESPONSE_META];
  return typeof meta === 'object' ? meta : undefined;
}

function tag(error: unknown, meta: ResponseMeta): void {
  if (typeof error === 'object' && error !== null && Object.isExtensible(error) && !(RESPONSE_META in error)) {
    Object.defineProperty(error, RESPONSE_META, { value: meta, enumerable: false });
  }
}

/** A subclass of `Base` whose errors for HTTP responses ≥ 400 carry `ResponseMeta`. */
export function withResponseMeta(Base: ExchangeClass): ExchangeClass {
  const Parent = Base as unknown as new (...args: unknown[]) => Exchange;
  class WithResponseMeta extends Parent {
    override handleErrors(
      code: number,
      reason: string,
      url: string,
      method: string,
      headers: Record<string, unknown>,
      body: string,
      response: unknown,
      requestHeaders: unknown,
      requestBody: unknown,
    ): undefined {
      if (!(code >= 400)) {
        return super.handleErrors(code, reason, url, method, headers, body, response, requestHeaders, requestBody);
      }
      const meta: ResponseMeta = {
        httpStatus: code,
        retryAfterMs: parseRetryAfter(headerValue(headers, 'Retry-After'), Date.now()),
      };
      try {
        const handled = super.handleErrors(code, reason, url, method, headers, body, response, requestHeaders, requestBody);
        // ccxt maps the bare status next, outside this hook: do it here so that error is tagged too.
        if (handled === undefined) this.handleHttpStatusCode(code, reason, url, method, body);
        return handled;
      } catch (error) {
        tag(error, meta);
        throw error;
      }
    }
  }
  return WithResponseMeta as unknown as ExchangeClass;
}
