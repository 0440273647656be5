import type { InlineButton, SendOptions } from '../ports/telegram.js';

/**
 * One chat command (`/name args…`). Commands are small modules (lib/bot/commands/*) built by
 * factories that take only the ports they need; lib/bot assembles them into the telegraf bot
 * used by both the webhook function and local long polling.
 */
export interface BotCommand extends CommandInfo {
  run(ctx: CommandContext): Promise<void>;
}

/**
 * What a command is, without its ports: each command module exports its info as a constant
 * (`startInfo`, …), so /help and the command menu (./command-menu.ts) need no wiring.
 */
export interface CommandInfo {
  /** Without the slash, lower case, e.g. `subscribe`. */
  readonly name: string;
  /** One line for /help and setMyCommands, e.g. `<SYMBOL|all> [strategy] [timeframe] — get alerts`. */
  readonly usage: string;
  readonly description: string;
  /** Only chats in `telegram.adminChatIds` may run it; others get a clear refusal. */
  readonly admin?: boolean;
}

export interface CommandContext {
  readonly chatId: number;
  /** Whitespace-separated arguments after the command (bot @mention stripped). */
  readonly args: readonly string[];
  readonly isAdmin: boolean;
  /** The clock's now (ms). */
  readonly now: number;
  /** Page requested through a pagination button (1 for a typed command). */
  readonly page: number;
  reply(html: string, options?: SendOptions): Promise<void>;
  /**
   * Sends a long answer as pages of ≤ 4096 characters (line boundaries), the requested page with
   * ◂ / ▸ buttons; nothing is ever cut off. `title` heads every page.
   */
  replyLines(title: string, lines: readonly string[]): Promise<void>;
  replyPhoto(png: Uint8Array, captionHtml: string): Promise<void>;
  /**
   * Set only when the update is a press of one of this command's signed action buttons
   * (lib/bot/action-buttons.ts), e.g. /panic's confirmation; a typed command never has it.
   */
  readonly action?: ActionPress;
  /**
   * A button that, pressed in this chat, runs this command again with `action` set (signed for
   * the chat, stamped with `now`); undefined where the action is not allowed or buttons are unavailable.
   */
  actionButton?(text: string, action: string): InlineButton | undefined;
}

/** A press of an action button. */
export interface ActionPress {
  readonly name: string;
  /** When the button was made (epoch ms, second precision). */
  readonly issuedAt: number;
  /** Replaces the pressed message's text and removes its buttons (a new message when it is gone). */
  edit(html: string): Promise<void>;
}

/** A command refused for a reason the user can fix; its message is shown as the reply. */
export class CommandInputError extends Error {
  override readonly name = 'CommandInputError';
}
