/** Public types of the fake Telegram Bot API (see index.ts). */

/** What a scripted fault makes the fake do instead of (or after) handling a call. */
export type Fault =
  /** 5xx; body `json` (default: `{ok:false,…}`) or `html` (a proxy's error page). */
  | { readonly status: 500 | 502 | 503; readonly body?: 'json' | 'html' }
  | { readonly status: 429; readonly retryAfter: number }
  /** Default description "Forbidden: bot was blocked by the user". */
  | { readonly status: 403; readonly description?: string }
  /** `description` as Telegram words it, e.g. "Bad Request: chat not found". */
  | { readonly status: 400; readonly description: string }
  /** Never answers (the socket stays open until the client gives up or the fake closes). */
  | { readonly hang: true }
  /** 200 with a body that is not JSON; the call is not performed. */
  | { readonly malformed: true }
  /** Performs the call (a message is delivered) then destroys the socket before replying. */
  | { readonly dropAfterSend: true };

export interface ScriptedCall {
  readonly method: string;
  readonly chatId: number | undefined;
  readonly params: Readonly<Record<string, unknown>>;
  /** 1-based sequence number of the request since start/reset. */
  readonly seq: number;
}

export type Script = (call: ScriptedCall) => Fault | undefined;

export interface FakeCall extends ScriptedCall {
  /** Arrival time on the fake's clock (ms). */
  readonly at: number;
  /** HTTP status answered; undefined while pending, and for hang / dropAfterSend. */
  readonly status: number | undefined;
  /** Telegram's description on errors. */
  readonly description: string | undefined;
  readonly fault: Fault | undefined;
}

export interface DeliveredMessage {
  readonly chatId: number;
  readonly messageId: number;
  readonly method: 'sendMessage' | 'sendPhoto';
  /** The text as sent (HTML source), for sendMessage. */
  readonly text?: string;
  /** The caption as sent (HTML source), for sendPhoto. */
  readonly caption?: string;
  /** Text/caption as Telegram shows it (tags removed, entities decoded). */
  readonly visibleText: string;
  readonly parseMode: string | undefined;
  /** Bytes of the photo (uploaded now, or earlier under the reused file_id). */
  readonly photo?: Uint8Array;
  /** file_id of the largest size. */
  readonly photoFileId?: string;
  readonly disableNotification: boolean;
  readonly replyMarkup: unknown;
  /** Fake clock ms. */
  readonly at: number;
}

export interface FakeMessage {
  readonly chatId: number;
  readonly messageId: number;
  readonly kind: 'text' | 'photo';
  /** Current HTML source (after edits) for text messages. */
  readonly text?: string;
  readonly caption?: string;
  readonly visibleText: string;
  readonly photoFileId?: string;
  readonly replyMarkup: unknown;
  readonly disableNotification: boolean;
  readonly pinned: boolean;
  readonly deleted: boolean;
  /** Earlier HTML texts, oldest first. */
  readonly previousTexts: readonly string[];
  readonly date: number;
  readonly editDate: number | undefined;
}

export interface CallbackAnswer {
  readonly callbackQueryId: string;
  readonly text: string | undefined;
  readonly showAlert: boolean;
  readonly at: number;
}

/** Telegram's JSON answer. */
export type Reply =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error_code: number; readonly description: string; readonly parameters?: { readonly retry_after?: number } };
