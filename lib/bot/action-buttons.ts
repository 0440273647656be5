/**
 * Action buttons: an inline button that, pressed, runs a command again with `ctx.action` set —
 * e.g. /panic's "Confirm panic". Unlike page buttons (./pagination.ts, read-only listings), an
 * action may write, so its data is signed for the chat it was sent to AND carries the time it
 * was made: `ac:<tag>:<issued>:<command>:<action>` (≤ 64 bytes, Telegram's limit), the tag a
 * truncated HMAC-SHA256 over the chat id and the rest, under a key domain-separated from the
 * page buttons'. Data the bot did not sign for this chat, or naming a command/action outside
 * ACTION_BUTTONS, decodes to nothing (the dispatcher answers it empty and does nothing). The
 * command itself decides what a press means (an expired confirmation, a repeat…), and the
 * dispatcher's admin gate applies to presses as to typed commands.
 */
import { createHmac, createSecretKey, hkdfSync, timingSafeEqual } from 'node:crypto';
import { CALLBACK_DATA_MAX_BYTES } from './pagination.js';

/** The only (command, action) pairs a button may carry. */
export const ACTION_BUTTONS: Readonly<Record<string, readonly string[]>> = Object.freeze({ panic: Object.freeze(['confirm']) });

export interface ActionRequest {
  readonly command: string;
  readonly action: string;
  /** When the button was made (epoch ms, second precision). */
  readonly issuedAt: number;
}

export interface ActionCodec {
  /** The button's data, or undefined when the pair is not allowed or the data would exceed 64 bytes. */
  encode(chatId: number, request: ActionRequest): string | undefined;
  /** The request, or undefined for anything the bot did not sign for this chat or that is not allowed. */
  decode(chatId: number, data: string): ActionRequest | undefined;
}

const TAG_BYTES = 9;
const ACTION_DATA = /^ac:([A-Za-z0-9_-]{12}):([0-9a-z]{1,9}):([a-z0-9_]{1,32}):([a-z0-9_-]{1,16})$/;

const allowed = (actions: Readonly<Record<string, readonly string[]>>, command: string, action: string): boolean =>
  Object.hasOwn(actions, command) && actions[command]!.includes(action);

/** `key`: the page buttons' key (deriveCallbackKey); a separate key is derived from it for actions. */
export function createActionCodec(key: Uint8Array, actions: Readonly<Record<string, readonly string[]>> = ACTION_BUTTONS): ActionCodec {
  if (key.length < 32) throw new RangeError('createActionCodec: the key must be at least 32 bytes');
  const secretKey = createSecretKey(Buffer.from(hkdfSync('sha256', key, 'candlebot', 'candlebot-action/v1', 32)));
  const tagOf = (chatId: number, body: string): Buffer => createHmac('sha256', secretKey).update(`${chatId}\n${body}`).digest().subarray(0, TAG_BYTES);
  return Object.freeze({
    encode(chatId: number, request: ActionRequest): string | undefined {
      if (!allowed(actions, request.command, request.action) || !Number.isFinite(request.issuedAt) || request.issuedAt < 0) return undefined;
      const body = `${Math.floor(request.issuedAt / 1000).toString(36)}:${request.command}:${request.action}`;
      const data = `ac:${tagOf(chatId, body).toString('base64url')}:${body}`;
      return Buffer.byteLength(data, 'utf8') <= CALLBACK_DATA_MAX_BYTES && ACTION_DATA.test(data) ? data : undefined;
    },
    decode(chatId: number, data: string): ActionRequest | undefined {
      const match = ACTION_DATA.exec(data);
      if (!match) return undefined;
      const [, tag, issued, command, action] = match as unknown as [string, string, string, string, string];
      const body = `${issued}:${command}:${action}`;
      const given = Buffer.from(tag, 'base64url');
      if (given.length !== TAG_BYTES || !timingSafeEqual(given, tagOf(chatId, body))) return undefined;
      if (!allowed(actions, command, action)) return undefined;
      return { command, action, issuedAt: parseInt(issued, 36) * 1000 };
    },
  });
}
