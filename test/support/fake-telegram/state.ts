/** The fake Bot API's memory: chats, messages, uploaded photos, webhook, updates. */
import type { Clock } from '../../../lib/ports/clock.js';
import { FloodLimiter, type LimitOptions } from './limiter.js';
import type { CallbackAnswer, DeliveredMessage, FakeMessage, Reply } from './types.js';

export interface StoredPhoto {
  readonly bytes: Uint8Array;
  readonly sizes: readonly { file_id: string; file_unique_id: string; width: number; height: number; file_size?: number }[];
}

type MutableMessage = { -readonly [K in keyof FakeMessage]: FakeMessage[K] };

export const ok = (result: unknown): Reply => ({ ok: true, result });
export const badRequest = (description: string): Reply => ({ ok: false, error_code: 400, description: `Bad Request: ${description}` });

export class BotState {
  readonly botId: number;
  readonly limiter: FloodLimiter | undefined;
  readonly blocked = new Set<number>();
  readonly missingChats = new Set<number>();
  readonly delivered: DeliveredMessage[] = [];
  readonly photos: Uint8Array[] = [];
  readonly photoByFileId = new Map<string, StoredPhoto>();
  readonly callbackAnswers: CallbackAnswer[] = [];
  commands: unknown[] | undefined;
  rateLimitViolations = 0;
  private readonly lastMessageId = new Map<number, number>();
  private readonly messagesByChat = new Map<number, Map<number, MutableMessage>>();
  private photoCounter = 0;

  constructor(
    readonly token: string,
    readonly clock: Clock,
    limits: LimitOptions | false,
    private readonly knownChats: ReadonlySet<number> | undefined,
  ) {
    this.botId = Number(/^(\d+):/.exec(token)?.[1] ?? 1);
    this.limiter = limits === false ? undefined : new FloodLimiter(limits);
  }

  /** 400 chat not found / 403 blocked, or undefined when the bot may write to the chat. */
  gate(chatId: number | undefined): Reply | undefined {
    if (chatId === undefined) return badRequest('chat not found');
    if (this.missingChats.has(chatId) || (this.knownChats !== undefined && !this.knownChats.has(chatId))) return badRequest('chat not found');
    if (this.blocked.has(chatId)) {
      const description = chatId > 0 ? 'Forbidden: bot was blocked by the user' : 'Forbidden: bot was kicked from the group chat';
      return { ok: false, error_code: 403, description };
    }
    return undefined;
  }

  /** 429 from the flood limiter, or undefined (and the message is counted). */
  flood(chatId: number): Reply | undefined {
    if (!this.limiter) return undefined;
    const now = this.clock.now();
    const retryAfter = this.limiter.check(chatId, now);
    if (retryAfter === undefined) {
      this.limiter.record(chatId, now);
      return undefined;
    }
    this.rateLimitViolations += 1;
    return { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } };
  }

  newMessage(fields: Omit<FakeMessage, 'messageId' | 'pinned' | 'deleted' | 'previousTexts' | 'date' | 'editDate'>): FakeMessage {
    const messageId = (this.lastMessageId.get(fields.chatId) ?? 0) + 1;
    this.lastMessageId.set(fields.chatId, messageId);
    const message: MutableMessage = { ...fields, messageId, pinned: false, deleted: false, previousTexts: [], date: this.unixNow(), editDate: undefined };
    let chat = this.messagesByChat.get(fields.chatId);
    if (!chat) this.messagesByChat.set(fields.chatId, (chat = new Map()));
    chat.set(messageId, message);
    return message;
  }

  /** The live (not deleted) message, mutable for edits/pins. */
  message(chatId: number, messageId: number | undefined): MutableMessage | undefined {
    const message = messageId === undefined ? undefined : this.messagesByChat.get(chatId)?.get(messageId);
    return message && !message.deleted ? message : undefined;
  }

  messages(chatId: number): FakeMessage[] {
    return [...(this.messagesByChat.get(chatId)?.values() ?? [])].map((m) => ({ ...m, previousTexts: [...m.previousTexts] }));
  }

  storePhoto(bytes: Uint8Array): StoredPhoto {
    this.photoCounter += 1;
    const n = this.photoCounter;
    const { width, height } = imageSize(bytes);
    const scaled = (max: number): { width: number; height: number } => {
      const factor = Math.min(1, max / Math.max(width, height, 1));
      return { width: Math.max(1, Math.round(width * factor)), height: Math.max(1, Math.round(height * factor)) };
    };
    const sizes = [
      { file_id: `AgACAgQAAxkDAAF${n}-s`, file_unique_id: `AQAD${n}s`, ...scaled(90), file_size: Math.ceil(bytes.length / 20) },
      { file_id: `AgACAgQAAxkDAAF${n}-m`, file_unique_id: `AQAD${n}m`, ...scaled(320), file_size: Math.ceil(bytes.length / 4) },
      { file_id: `AgACAgQAAxkDAAF${n}-x`, file_unique_id: `AQAD${n}x`, width, height, file_size: bytes.length },
    ];
    const stored: StoredPhoto = { bytes, sizes };
    for (const size of sizes) this.photoByFileId.set(size.file_id, stored);
    this.photos.push(bytes);
    return stored;
  }

  unixNow(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  chatObject(chatId: number): Record<string, unknown> {
    if (chatId > 0) return { id: chatId, first_name: `User ${chatId}`, type: 'private' };
    return { id: chatId, title: `Chat ${chatId}`, type: chatId < -1_000_000_000_000 ? 'supergroup' : 'group' };
  }

  me(): Record<string, unknown> {
    return { id: this.botId, is_bot: true, first_name: 'Candlebot Test', username: 'candlebot_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
  }

  /** The Message object Telegram returns (text is the visible text, as Telegram sends it). */
  messageObject(message: FakeMessage, photo?: StoredPhoto): Record<string, unknown> {
    const body: Record<string, unknown> = {
      message_id: message.messageId,
      from: { id: this.botId, is_bot: true, first_name: 'Candlebot Test', username: 'candlebot_test_bot' },
      chat: this.chatObject(message.chatId),
      date: message.date,
    };
    if (message.editDate !== undefined) body.edit_date = message.editDate;
    if (message.kind === 'text') body.text = message.visibleText;
    else {
      body.photo = photo?.sizes ?? this.photoByFileId.get(message.photoFileId ?? '')?.sizes ?? [];
      if (message.caption !== undefined) body.caption = message.visibleText;
    }
    if (message.replyMarkup !== undefined) body.reply_markup = message.replyMarkup;
    return body;
  }

  clear(): void {
    this.blocked.clear();
    this.missingChats.clear();
    this.delivered.length = 0;
    this.photos.length = 0;
    this.photoByFileId.clear();
    this.callbackAnswers.length = 0;
    this.commands = undefined;
    this.rateLimitViolations = 0;
    this.lastMessageId.clear();
    this.messagesByChat.clear();
    this.photoCounter = 0;
    this.limiter?.reset();
  }
}

/** Width/height from a PNG header (JPEG and others: a nominal 800×600). */
export function imageSize(bytes: Uint8Array): { width: number; height: number } {
  if (isPng(bytes) && bytes.length >= 24) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  return { width: 800, height: 600 };
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}
