/**
 * The fake's flood control, modelled on the Bot API's documented limits: per chat at most one
 * message per `perChatIntervalMs`, overall at most `globalPerSecond` messages in any 1 s window.
 * Only accepted messages count; a rejected attempt answers 429 with `retry_after` (whole
 * seconds, ≥ 1, as Telegram) and does not use up the window.
 */
export interface LimitOptions {
  /** Minimum spacing between two messages to one chat (default 1000 ms). */
  readonly perChatIntervalMs?: number;
  /** Messages accepted in any sliding 1000 ms window, all chats together (default 30). */
  readonly globalPerSecond?: number;
}

export class FloodLimiter {
  private readonly perChatIntervalMs: number;
  private readonly globalPerSecond: number;
  private readonly lastByChat = new Map<number, number>();
  private recent: number[] = [];

  constructor(options: LimitOptions = {}) {
    this.perChatIntervalMs = options.perChatIntervalMs ?? 1000;
    this.globalPerSecond = options.globalPerSecond ?? 30;
  }

  /** Seconds to wait when `chatId` may not get a message at `now`, else undefined. */
  check(chatId: number, now: number): number | undefined {
    const last = this.lastByChat.get(chatId);
    if (last !== undefined && now - last < this.perChatIntervalMs) {
      return Math.max(1, Math.ceil((this.perChatIntervalMs - (now - last)) / 1000));
    }
    this.recent = this.recent.filter((t) => now - t < 1000);
    if (this.recent.length >= this.globalPerSecond) {
      const oldest = this.recent[0] ?? now;
      return Math.max(1, Math.ceil((1000 - (now - oldest)) / 1000));
    }
    return undefined;
  }

  record(chatId: number, now: number): void {
    this.lastByChat.set(chatId, now);
    this.recent.push(now);
  }

  reset(): void {
    this.lastByChat.clear();
    this.recent = [];
  }
}
