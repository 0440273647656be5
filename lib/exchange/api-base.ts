/**
 * Points a ccxt exchange at another HTTP origin (a loopback simulator or a proxy) by
 * rewriting the scheme and host of every `urls.api` entry, keeping each entry's path.
 * Templated hosts (`https://api.{hostname}`) are replaced as a whole.
 */
import type { Exchange } from 'ccxt';
import { ConfigError } from '../errors.js';

const ORIGIN = /^https?:\/\/[^/]+/i;

/** `apiBase` validated and without a trailing slash, e.g. `http://127.0.0.1:4321`. */
export function normalizeApiBase(apiBase: string): string {
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch (cause) {
    throw new ConfigError(`apiBase is not a URL: ${JSON.stringify(apiBase)}`, { code: 'INVALID_API_BASE', cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`apiBase must be http(s): ${JSON.stringify(apiBase)}`, { code: 'INVALID_API_BASE' });
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(`apiBase must not have a query or fragment: ${JSON.stringify(apiBase)}`, { code: 'INVALID_API_BASE' });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function rewrite(node: unknown, base: string): unknown {
  if (typeof node === 'string') return ORIGIN.test(node) ? node.replace(ORIGIN, base) : node;
  if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, rewrite(value, base)]));
  }
  return node;
}

/** Rewrites `exchange.urls.api` in place (the instance is ours, freshly constructed). */
export function pointApiAt(exchange: Exchange, apiBase: string): void {
  const base = normalizeApiBase(apiBase);
  exchange.urls = { ...exchange.urls, api: rewrite(exchange.urls.api, base) as Exchange['urls']['api'] };
}
