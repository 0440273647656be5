/** Webhook bodies: Telegram's updates are a few KiB; anything near this is not an update. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export type BodyResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly status: 400 | 413; readonly reason: string };

/**
 * The request body as UTF-8 text, bounded by `maxBytes` (API Gateway may hand it over
 * base64-encoded). The size is checked before decoding, so an oversized body costs nothing.
 */
export function readBody(body: string | null | undefined, isBase64Encoded: boolean | undefined, maxBytes: number): BodyResult {
  if (body === undefined || body === null || body === '') return { ok: false, status: 400, reason: 'empty body' };
  if (isBase64Encoded) {
    // Decoded size is at most 3/4 of the encoded length.
    if (Math.floor((body.length * 3) / 4) > maxBytes + 3) return { ok: false, status: 413, reason: `body over ${maxBytes} bytes` };
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return { ok: false, status: 400, reason: 'body is not valid base64' };
    const bytes = Buffer.from(body, 'base64');
    if (bytes.length > maxBytes) return { ok: false, status: 413, reason: `body over ${maxBytes} bytes` };
    return { ok: true, text: bytes.toString('utf8') };
  }
  if (body.length > maxBytes || Buffer.byteLength(body, 'utf8') > maxBytes) return { ok: false, status: 413, reason: `body over ${maxBytes} bytes` };
  return { ok: true, text: body };
}
