/**
 * Client order ids derived from the data (issue 15): the same position, role and generation
 * always give the same id, so a repeated or retried invocation can never place a second
 * order — the exchange refuses a duplicate client order id, and a look-up finds the first.
 *
 *   cb + role letter (e entry, x exit, s stop, t target, l OCO list)
 *      + generation in base36 (one character, 0…35: the protective bracket re-placed)
 *      + 29 characters of a deterministic hash of the position id (lowercase base32, 145 bits)
 *
 * 33 characters of [0-9a-z]: within Binance's `newClientOrderId` (≤ 36 of [A-Za-z0-9-_]).
 * Pure: the hash is computed here (five seeded 32-bit murmur3-style hashes), no crypto import.
 */
import { PermanentError } from '../../errors.js';

export type OrderIdRole = 'entry' | 'exit' | 'stop' | 'target' | 'list';

const ROLE_LETTER: Readonly<Record<OrderIdRole, string>> = Object.freeze({ entry: 'e', exit: 'x', stop: 's', target: 't', list: 'l' });
const LETTER_ROLE: Readonly<Record<string, OrderIdRole>> = Object.freeze({ e: 'entry', x: 'exit', s: 'stop', t: 'target', l: 'list' });

export const CLIENT_ORDER_ID_PREFIX = 'cb';
export const MAX_GENERATION = 35;
const HASH_CHARS = 29;
const BASE32 = '0123456789abcdefghijklmnopqrstuv';

/** One seeded 32-bit hash of the UTF-16 code units of `text` (murmur3's mixing and finaliser). */
function hash32(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) >>> 0;
  }
  h ^= text.length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** 29 base32 characters (145 bits) of five seeded hashes of `text`. */
export function idHash(text: string): string {
  const words = [0x9747b28c, 0x2f1b9c51, 0x5bd1e995, 0x7ed55d16, 0x165667b1].map((seed) => hash32(text, seed));
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const word of words) {
    for (let shift = 28; shift >= 0; shift -= 4) {
      acc = (acc << 4) | ((word >>> shift) & 0xf);
      bits += 4;
      if (bits >= 5) {
        bits -= 5;
        out += BASE32[(acc >>> bits) & 0x1f];
        acc &= (1 << bits) - 1;
      }
      if (out.length === HASH_CHARS) return out;
    }
  }
  return out;
}

/** The client order id of `role` (generation 0…35) for the position `positionId`. */
export function clientOrderId(positionId: string, role: OrderIdRole, generation = 0): string {
  if (typeof positionId !== 'string' || positionId.length === 0) {
    throw new PermanentError('clientOrderId: the position id must be a non-empty string', { code: 'BAD_ORDER_ID' });
  }
  if (!Object.hasOwn(ROLE_LETTER, role)) throw new PermanentError(`clientOrderId: unknown role ${String(role)}`, { code: 'BAD_ORDER_ID' });
  if (!Number.isInteger(generation) || generation < 0 || generation > MAX_GENERATION) {
    throw new PermanentError(`clientOrderId: generation must be an integer 0…${MAX_GENERATION}, got ${String(generation)}`, { code: 'BAD_ORDER_ID' });
  }
  return `${CLIENT_ORDER_ID_PREFIX}${ROLE_LETTER[role]}${generation.toString(36)}${idHash(positionId)}`;
}

/** Was this client order id made by the bot (clientOrderId)? */
export function isBotOrderId(id: string): boolean {
  return /^cb[exstl][0-9a-z]/.test(id);
}

/** The role and generation of a bot order id (undefined for any other id). */
export function parseBotOrderId(id: string): { readonly role: OrderIdRole; readonly generation: number; readonly hash: string } | undefined {
  const m = /^cb([exstl])([0-9a-z])([0-9a-v]{29})$/.exec(id);
  if (!m) return undefined;
  return { role: LETTER_ROLE[m[1] as string] as OrderIdRole, generation: parseInt(m[2] as string, 36), hash: m[3] as string };
}
