/**
 * Telegram's `parse_mode: HTML` as the Bot API applies it (tdlib's parse_html, simplified):
 * supported tags only, properly nested, `<span>` only with class "tg-spoiler", the named
 * entities &lt; &gt; &amp; &quot; plus numeric ones; an unknown `&name;` stays literal text.
 * Returns the plain text (what Telegram counts against 4096/1024) or Telegram's error text.
 */
const SUPPORTED = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'code', 'pre', 'blockquote', 'tg-emoji']);

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };

export type HtmlParse = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly description: string };

const fail = (detail: string): HtmlParse => ({ ok: false, description: `Bad Request: can't parse entities: ${detail}` });

function byteOffset(html: string, index: number): number {
  return Buffer.byteLength(html.slice(0, index), 'utf8');
}

function decodeEntity(html: string, at: number): { char: string; length: number } | undefined {
  const match = /^&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot);/.exec(html.slice(at, at + 12));
  if (!match?.[1]) return undefined;
  const body = match[1];
  if (!body.startsWith('#')) return { char: NAMED[body] ?? '', length: match[0].length };
  const code = body.startsWith('#x') ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
  if (code > 0x10ffff || code === 0) return undefined;
  return { char: String.fromCodePoint(code), length: match[0].length };
}

/** Parses Telegram HTML; `text` is the visible text after tags and entities. */
export function parseTelegramHtml(html: string): HtmlParse {
  const stack: string[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i];
    if (ch === '&') {
      const entity = decodeEntity(html, i);
      if (entity) {
        text += entity.char;
        i += entity.length;
      } else {
        text += '&';
        i += 1;
      }
      continue;
    }
    if (ch !== '<') {
      text += ch;
      i += 1;
      continue;
    }
    const end = html.indexOf('>', i);
    if (end < 0) return fail(`Can't find end of the tag starting at byte offset ${byteOffset(html, i)}`);
    const inner = html.slice(i + 1, end);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (open === undefined) return fail(`Unexpected end tag at byte offset ${byteOffset(html, i)}`);
      if (open !== name) return fail(`Unmatched end tag at byte offset ${byteOffset(html, i)}, expected "</${open}>", found "</${name}>"`);
    } else {
      const nameMatch = /^[a-zA-Z][a-zA-Z0-9-]*/.exec(inner);
      const name = nameMatch?.[0].toLowerCase() ?? '';
      if (!SUPPORTED.has(name)) return fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(html, i)}`);
      const attributes = inner.slice(name.length);
      if (name === 'span' && !/class\s*=\s*"tg-spoiler"/.test(attributes)) return fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(html, i)}`);
      if (/"[^"]*$/.test(attributes.replace(/"[^"]*"/g, ''))) return fail(`Unclosed attribute value at byte offset ${byteOffset(html, i)}`);
      stack.push(name);
    }
    i = end + 1;
  }
  const unclosed = stack.pop();
  if (unclosed !== undefined) return fail(`Can't find end tag corresponding to start tag "${unclosed}"`);
  return { ok: true, text };
}

/** The visible text of a message under `parse_mode` (only HTML is parsed; anything else is plain). */
export function visibleText(raw: string, parseMode: unknown): HtmlParse {
  return parseMode === 'HTML' ? parseTelegramHtml(raw) : { ok: true, text: raw };
}
