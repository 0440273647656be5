/** A command as typed: `/Name@bot arg1 arg2` → `{ name: 'name', mention: 'bot', args: ['arg1', 'arg2'] }`. */
export interface ParsedCommand {
  readonly name: string;
  /** The `@bot` suffix, lower case, without `@`; undefined when absent. */
  readonly mention: string | undefined;
  readonly args: readonly string[];
}

/** Arguments beyond this are ignored (no command takes more than a handful). */
export const MAX_ARGS = 16;

const COMMAND = /^\/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)/;

/**
 * Parses a message text as a bot command; undefined when the text is not one (plain text, a
 * lone `/`, `/ foo`). Names are case-insensitive (lower-cased here).
 */
export function parseCommand(text: string): ParsedCommand | undefined {
  const trimmed = text.trimStart();
  const match = COMMAND.exec(trimmed);
  if (!match) return undefined;
  const rest = trimmed.slice(match[0].length).trim();
  const args = rest === '' ? [] : rest.split(/\s+/).slice(0, MAX_ARGS);
  return { name: match[1]!.toLowerCase(), mention: match[2]?.toLowerCase(), args };
}

/**
 * Longest argument (code points) a command accepts; longer ones are refused by the dispatcher
 * before the command runs. No valid argument comes close: a symbol is at most 41 characters,
 * an IANA time zone 32, strategy names and timeframes fewer.
 */
export const MAX_ARG_LENGTH = 64;
