/**
 * Splitting Telegram HTML texts into messages (≤ 4096) and photo captions (≤ 1024). Pure.
 *
 * Length: the raw HTML string's length in UTF-16 code units. Telegram counts the UTF-16 units
 * of the visible text AFTER entity parsing (tags removed, `&amp;` → `&`), so the raw length is
 * always ≥ Telegram's count: a safe over-estimate that never produces "message is too long".
 *
 * Cuts go between lines ("\n"; the newline at a cut is dropped). A single line longer than the
 * limit is cut at the limit, never inside a tag (`<b>`, `<a href="…">`), an entity (`&amp;`)
 * or a surrogate pair. A tag open at a cut is closed at the end of its chunk and reopened
 * (same opening tag, attributes included) at the start of the next. Chunks whose visible text
 * would be blank are dropped (Telegram rejects them: "message text is empty").
 */
import { TELEGRAM_CAPTION_LIMIT, TELEGRAM_TEXT_LIMIT } from './format.js';

interface Atom {
  readonly text: string;
  /** Tag name for `<name …>` (open) / `</name>` (close). */
  readonly open?: string;
  readonly close?: string;
}

interface OpenTag {
  readonly name: string;
  readonly source: string;
}

const ATOM = /<([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?>|<\/([a-zA-Z][a-zA-Z0-9-]*)\s*>|&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{0,31});|[\uD800-\uDBFF][\uDC00-\uDFFF]|[^]/g;

function atomsOf(line: string): Atom[] {
  const atoms: Atom[] = [];
  for (const match of line.matchAll(ATOM)) {
    const [text, open, close] = match;
    atoms.push(open ? { text, open: open.toLowerCase() } : close ? { text, close: close.toLowerCase() } : { text });
  }
  return atoms;
}

function applyAtom(stack: readonly OpenTag[], atom: Atom): readonly OpenTag[] {
  if (atom.open) return [...stack, { name: atom.open, source: atom.text }];
  if (atom.close) {
    const at = stack.map((t) => t.name).lastIndexOf(atom.close);
    return at < 0 ? stack : stack.slice(0, at);
  }
  return stack;
}

const closers = (stack: readonly OpenTag[]): string => stack.map((t) => `</${t.name}>`).reverse().join('');
const reopeners = (stack: readonly OpenTag[]): string => stack.map((t) => t.source).join('');

/** Visible text is blank (only tags, whitespace and whitespace entities). */
function isBlank(html: string): boolean {
  return html.replace(/<[^<>]*>/g, '').replace(/&(#32|#x20|#10|#xa|#9|nbsp);/gi, ' ').trim() === '';
}

class Chunker {
  readonly chunks: string[] = [];
  private current = '';
  private stack: readonly OpenTag[] = [];
  /** Something of the text (not only reopened tags) is in the current chunk. */
  private started = false;

  constructor(private readonly limitAt: (index: number) => number) {}

  private get limit(): number {
    return this.limitAt(this.chunks.length);
  }

  private fits(addition: string, stackAfter: readonly OpenTag[]): boolean {
    return this.current.length + addition.length + closers(stackAfter).length <= this.limit;
  }

  private emit(): void {
    const chunk = this.current + closers(this.stack);
    // A dropped blank chunk does not use up the first (caption) limit.
    if (!isBlank(chunk)) this.chunks.push(chunk);
    this.current = reopeners(this.stack);
    this.started = false;
    if (!this.fits('', this.stack)) throw new RangeError(`splitHtml: limit ${this.limit} is too small for the open tags ${reopeners(this.stack)}`);
  }

  addLine(line: string): void {
    const atoms = atomsOf(line);
    const stackAfter = atoms.reduce(applyAtom, this.stack);
    const separator = this.started ? '\n' : '';
    if (this.fits(separator + line, stackAfter)) return this.append(separator + line, stackAfter);
    if (this.started) {
      this.emit();
      if (this.fits(line, stackAfter)) return this.append(line, stackAfter);
    }
    this.addAtoms(atoms);
  }

  private append(text: string, stackAfter: readonly OpenTag[]): void {
    this.current += text;
    this.stack = stackAfter;
    this.started = true;
  }

  /** A line longer than the limit: as many atoms per chunk as fit. */
  private addAtoms(atoms: readonly Atom[]): void {
    for (const atom of atoms) {
      const stackAfter = applyAtom(this.stack, atom);
      if (!this.fits(atom.text, stackAfter)) {
        if (!this.started) throw new RangeError(`splitHtml: limit ${this.limit} cannot hold "${atom.text}" with its open tags`);
        this.emit();
        if (!this.fits(atom.text, stackAfter)) throw new RangeError(`splitHtml: limit ${this.limit} cannot hold "${atom.text}" with its open tags`);
      }
      this.append(atom.text, stackAfter);
    }
  }

  finish(): string[] {
    if (this.started) this.emit();
    return this.chunks;
  }
}

function split(text: string, limitAt: (index: number) => number): string[] {
  const chunker = new Chunker(limitAt);
  for (const line of text.split('\n')) chunker.addLine(line);
  return chunker.finish();
}

function checkLimit(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

/**
 * Splits `text` into chunks of at most `limit` UTF-16 units of HTML source, each with balanced
 * tags. An empty or blank text gives `[]`.
 */
export function splitHtml(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  checkLimit('limit', limit);
  return split(text, () => limit);
}

/**
 * A photo caption (longest prefix of whole lines within `captionLimit`, or a cut first line)
 * and the remaining text split into messages of at most `limit`.
 */
export function captionAndRest(text: string, captionLimit = TELEGRAM_CAPTION_LIMIT, limit = TELEGRAM_TEXT_LIMIT): { caption: string; rest: string[] } {
  checkLimit('captionLimit', captionLimit);
  checkLimit('limit', limit);
  const [caption = '', ...rest] = split(text, (index) => (index === 0 ? captionLimit : limit));
  return { caption, rest };
}
