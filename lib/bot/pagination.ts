/**
 * Long answers as pages (CommandContext.replyLines): whole lines per page, each page ≤ the
 * Telegram text limit with the title on top and `page n/m` below, so nothing is ever cut off.
 * A page change is a callback button whose data names the command, its arguments and the page:
 * `pg:<page>:<command>[ <args>]`, at most 64 bytes (Telegram's limit).
 */
import { splitHtml } from '../telegram/split.js';
import { TELEGRAM_TEXT_LIMIT } from '../core/format.js';

/** Telegram's limit on a message text. */
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

const PAGE_DATA = /^pg:(\d{1,4}):([a-z0-9_]{1,32})(?: (.+))?$/;

/** The callback_data of a page button, or undefined when it would exceed 64 bytes. */
export function encodePageData(request: PageRequest): string | undefined {
  const args = request.args.join(' ');
  const data = `pg:${request.page}:${request.command}${args ? ` ${args}` : ''}`;
  return Buffer.byteLength(data, 'utf8') <= CALLBACK_DATA_MAX_BYTES ? data : undefined;
}

/** Parses a page button's callback_data; undefined for anything else (stale or foreign buttons). */
export function decodePageData(data: string): PageRequest | undefined {
  const match = PAGE_DATA.exec(data);
  if (!match) return undefined;
  const page = Number(match[1]);
  if (page < 1) return undefined;
  return { page, command: match[2]!, args: match[3] ? match[3].split(' ').filter(Boolean) : [] };
}
