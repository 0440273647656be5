/**
 * Binance SIGNED request check: `X-MBX-APIKEY` header, HMAC-SHA256 of the total parameters
 * (query string + body, without `signature`) with the account's secret, and `timestamp`
 * within `recvWindow` (default 5000 ms, max 60000) of the server clock, not more than 1 s ahead.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SimError } from './order-rules.js';

export interface SimKeys {
  readonly apiKey: string;
  readonly secret: string;
}

/** The request's parameters once verified (query and body merged). */
export function verifySigned(keys: SimKeys | undefined, apiKeyHeader: string | undefined, rawQuery: string, rawBody: string, serverTime: number): URLSearchParams {
  if (apiKeyHeader === undefined || apiKeyHeader === '') throw new SimError(401, -2014, 'API-key format invalid.');
  if (keys === undefined || apiKeyHeader !== keys.apiKey) throw new SimError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
  const total = [rawQuery, rawBody].filter((s) => s !== '').join('&');
  const match = /(?:^|&)signature=([^&]*)/.exec(total);
  if (match === null) throw new SimError(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
  const payload = (total.slice(0, match.index) + total.slice(match.index + match[0].length)).replace(/^&/, '');
  const expected = createHmac('sha256', keys.secret).update(payload).digest('hex');
  const given = decodeURIComponent(match[1]!);
  const ok = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (!ok) throw new SimError(400, -1022, 'Signature for this request is not valid.');
  const params = new URLSearchParams(payload);
  const timestamp = Number(params.get('timestamp'));
  if (!Number.isInteger(timestamp) || timestamp <= 0) {
    throw new SimError(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
  }
  const recvWindow = params.has('recvWindow') ? Number(params.get('recvWindow')) : 5000;
  if (!(recvWindow > 0 && recvWindow <= 60_000)) throw new SimError(400, -1131, 'recvWindow must be less than 60000');
  if (timestamp >= serverTime + 1000) throw new SimError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");
  if (serverTime - timestamp > recvWindow) throw new SimError(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
  return params;
}
