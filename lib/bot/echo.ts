/**
 * Echoing what a user typed back into a reply. Every user-supplied string shown in a reply (an
 * unknown command's name, a symbol, a time zone, a setting, a timeframe…) goes through `echo`:
 * cut to a few characters with an ellipsis, then HTML-escaped — in that order, so a cut never
 * splits an entity (`&amp;`) and the escaped form is bounded too (at most 5 × the bound).
 */
import { escapeHtml } from '../core/format.js';

/** Most characters (code points, ellipsis included) of a user string shown in a reply. */
export const ECHO_MAX = 64;

const LONE_SURROGATE = /[\uD800-\uDFFF]/;

/**
 * The first `max` code points of `text` (the last one replaced by `…` when it is longer).
 * Never cuts a surrogate pair; a lone surrogate (not valid UTF-8: Telegram refuses the whole
 * message) becomes U+FFFD. Counted in code points, not graphemes: `e` followed by thousands of
 * combining accents is one grapheme and must still be bounded.
 */
export function clipText(text: string, max = ECHO_MAX): string {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`clipText: max must be a positive integer, got ${max}`);
  let out = '';
  let count = 0;
  for (const ch of text) {
    if (count === max) return `${[...out].slice(0, max - 1).join('')}…`;
    out += ch.length === 1 && LONE_SURROGATE.test(ch) ? '\uFFFD' : ch;
    count++;
  }
  return out;
}

/** `text` bounded by `clipText` and escaped for Telegram HTML. */
export function echo(text: string, max = ECHO_MAX): string {
  return escapeHtml(clipText(text, max));
}

/** Code points of `text` (what ECHO_MAX and the argument bound count). */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
