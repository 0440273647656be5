/**
 * Long answers as pages (CommandContext.replyLines): whole lines per page, each page ≤ the
 * Telegram text limit with the title on top and `page n/m` below, so nothing is ever cut off.
 * A page change is a callback button whose data names the command, its arguments and the page,
 * signed for the chat (PageCodec below): `pg:<tag>:<page>:<command>[ <args>]`, at most 64 bytes
 * (Telegram's limit). callback_data comes back from the client as-is, so anything can be sent
 * in it: only data the bot signed, for a command of PAGEABLE_COMMANDS, is ever acted on.
 */
import { createHmac, createSecretKey, hkdfSync, timingSafeEqual } from 'node:crypto';
import { splitHtml } from '../core/html-split.js';
import { TELEGRAM_TEXT_LIMIT } from '../core/format.js';

/** Telegram's limit on callback_data. */
export const CALLBACK_DATA_MAX_BYTES = 64;
/** Room kept for the `page n/m` footer. */
const FOOTER_RESERVE = 48;

export const pageFooter = (page: number, pages: number): string => `<i>page ${page}/${pages}</i>`;

/**
 * Splits `lines` into pages of at most `limit` characters including the title and footer.
 * A line longer than a whole page is split at HTML-safe points (never truncated).
 * Always returns at least one page (an empty list gives the title alone).
 */
export function paginate(title: string, lines: readonly string[], limit = TELEGRAM_TEXT_LIMIT): string[] {
  const head = title === '' ? '' : `${title}\n`;
  const budget = limit - head.length - FOOTER_RESERVE;
  if (budget < 64) throw new RangeError(`title too long for a page (${title.length} characters)`);
  const pieces = lines.flatMap((line) => (line.length <= budget ? [line] : splitHtml(line, budget)));
  const bodies: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    const add = piece.length + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && size + add > budget) {
      bodies.push(current);
      current = [];
      size = 0;
    }
    size += piece.length + (current.length > 0 ? 1 : 0);
    current.push(piece);
  }
  if (current.length > 0 || bodies.length === 0) bodies.push(current);
  const total = bodies.length;
  return bodies.map((body, i) => {
    const text = `${head}${body.join('\n')}`.trimEnd();
    return total > 1 ? `${text}\n\n${pageFooter(i + 1, total)}` : text;
  });
}

export interface PageRequest {
  readonly page: number;
  readonly command: string;
  readonly args: readonly string[];
}

/**
 * The only commands a page button may re-run: read-only listings (they answer with replyLines
 * and write nothing). A button can never run anything else, however it is signed; a command
 * outside this list that answers with several pages sends them as separate messages instead.
 */
export const PAGEABLE_COMMANDS: ReadonlySet<string> = new Set(['help', 'list', 'signals', 'positions', 'pnl', 'orders', 'balance']);

/** Bytes of HMAC-SHA256 kept as the button's tag (72 bits: 12 base64url characters). */
const TAG_BYTES = 9;
const TAG_CHARS = 12;
const PAGE_DATA = /^pg:([A-Za-z0-9_-]{12}):(\d{1,4}):([a-z0-9_]{1,32})(?: (.+))?$/;

/** Where the signing key comes from: the webhook secret (deployed), else the bot token (long polling without one). */
export type CallbackKeySource = 'webhook-secret' | 'bot-token';

/**
 * The key page buttons are signed with: HKDF-SHA256 of a secret the bot already has, so it is
 * the same in every container and after every restart (buttons keep working) and needs no
 * storage. Never logged; a different key (secret rotated, webhook ↔ long polling without a
 * secret) only makes older buttons answer nothing.
 */
export function deriveCallbackKey(secret: string, source: CallbackKeySource): Buffer {
  if (secret.length < 16) throw new RangeError('deriveCallbackKey: the secret is too short');
  return Buffer.from(hkdfSync('sha256', secret, 'candlebot', `candlebot-callback/v1/${source}`, 32));
}

/**
 * Page buttons' callback_data: `pg:<tag>:<page>:<command>[ <args>]`, where the tag is a
 * truncated HMAC-SHA256 over the chat id and the rest — so data the bot did not produce for
 * this chat (typed by hand, edited, copied from another chat) decodes to nothing.
 */
export interface PageCodec {
  /** The button's data, or undefined when the command may not be paged or the data would exceed 64 bytes. */
  encode(chatId: number, request: PageRequest): string | undefined;
  /** The page request, or undefined for anything the bot did not sign for this chat or that names a command outside the allow-list. */
  decode(chatId: number, data: string): PageRequest | undefined;
}

export function createPageCodec(key: Uint8Array, pageable: ReadonlySet<string> = PAGEABLE_COMMANDS): PageCodec {
  if (key.length < 32) throw new RangeError('createPageCodec: the key must be at least 32 bytes');
  const secretKey = createSecretKey(Buffer.from(key));
  const tagOf = (chatId: number, body: string): Buffer => createHmac('sha256', secretKey).update(`${chatId}\n${body}`).digest().subarray(0, TAG_BYTES);
  const codec: PageCodec = {
    encode(chatId, request) {
      if (!pageable.has(request.command) || !Number.isInteger(request.page) || request.page < 1 || request.page > 9999) return undefined;
      const args = request.args.join(' ');
      const body = `${request.page}:${request.command}${args ? ` ${args}` : ''}`;
      const data = `pg:${tagOf(chatId, body).toString('base64url')}:${body}`;
      return Buffer.byteLength(data, 'utf8') <= CALLBACK_DATA_MAX_BYTES && PAGE_DATA.test(data) ? data : undefined;
    },
    decode(chatId, data) {
      const match = PAGE_DATA.exec(data);
      if (!match) return undefined;
      const [, tag, page, command, args] = match as unknown as [string, string, string, string, string | undefined];
      const body = data.slice(3 + TAG_CHARS + 1);
      const given = Buffer.from(tag, 'base64url');
      if (given.length !== TAG_BYTES || !timingSafeEqual(given, tagOf(chatId, body))) return undefined;
      // Checked after the tag: even a correctly signed button cannot run a command outside the list.
      if (!pageable.has(command) || Number(page) < 1) return undefined;
      return { page: Number(page), command, args: args ? args.split(' ').filter(Boolean) : [] };
    },
  };
  return Object.freeze(codec);
}
