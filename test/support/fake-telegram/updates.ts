/**
 * Incoming updates: the queue tests fill with `pushUpdate`, served by long-polling getUpdates
 * (`offset` confirms earlier updates, `timeout` in seconds), and the webhook methods
 * (an active webhook makes getUpdates answer 409 as Telegram does).
 */
import { booleanOf, integerOf, jsonOf, type ApiRequest } from './request.js';
import { badRequest, ok } from './state.js';
import type { Reply } from './types.js';

interface Poll {
  readonly offset: number;
  readonly limit: number;
  readonly resolve: (reply: Reply) => void;
  readonly timer: NodeJS.Timeout;
}

export type Update = { readonly update_id: number } & Record<string, unknown>;

export class UpdateQueue {
  webhook: Record<string, unknown> | undefined;
  private queue: Update[] = [];
  private nextId = 1;
  private polls = new Set<Poll>();

  push(update: Record<string, unknown>): Update {
    const id = typeof update.update_id === 'number' ? update.update_id : this.nextId;
    this.nextId = Math.max(this.nextId, id + 1);
    const stored: Update = { ...update, update_id: id };
    this.queue.push(stored);
    for (const poll of [...this.polls]) {
      const ready = this.take(poll.offset, poll.limit);
      if (ready.length) this.finish(poll, ok(ready));
    }
    return stored;
  }

  pending(): number {
    return this.queue.length;
  }

  getUpdates({ params }: ApiRequest, signal: { onClose(fn: () => void): void }): Promise<Reply> | Reply {
    if (this.webhook) {
      return { ok: false, error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" };
    }
    const offset = integerOf(params.offset) ?? 0;
    const limit = Math.min(100, Math.max(1, integerOf(params.limit) ?? 100));
    const timeoutS = Math.min(50, Math.max(0, integerOf(params.timeout) ?? 0));
    if (offset > 0) this.queue = this.queue.filter((u) => u.update_id >= offset);
    const ready = this.take(offset, limit);
    if (ready.length || timeoutS === 0) return ok(ready);
    return new Promise<Reply>((resolve) => {
      const poll: Poll = { offset, limit, resolve, timer: setTimeout(() => this.finish(poll, ok([])), timeoutS * 1000) };
      this.polls.add(poll);
      signal.onClose(() => this.finish(poll, ok([])));
    });
  }

  setWebhook({ params }: ApiRequest): Reply {
    const url = typeof params.url === 'string' ? params.url : '';
    if (url === '') {
      this.webhook = undefined;
      return ok(true);
    }
    if (!url.startsWith('https://')) return badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    const secret = params.secret_token;
    if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret))) {
      return badRequest('bad webhook: secret token contains unallowed characters');
    }
    const webhook: Record<string, unknown> = { ...params };
    if (params.allowed_updates !== undefined) webhook.allowed_updates = jsonOf(params.allowed_updates);
    if (booleanOf(params.drop_pending_updates)) this.queue = [];
    this.webhook = webhook;
    return ok(true);
  }

  deleteWebhook({ params }: ApiRequest): Reply {
    this.webhook = undefined;
    if (booleanOf(params.drop_pending_updates)) this.queue = [];
    return ok(true);
  }

  getWebhookInfo(): Reply {
    const info: Record<string, unknown> = { url: typeof this.webhook?.url === 'string' ? this.webhook.url : '', has_custom_certificate: false, pending_update_count: this.queue.length };
    if (this.webhook?.max_connections !== undefined) info.max_connections = integerOf(this.webhook.max_connections);
    if (this.webhook?.allowed_updates !== undefined) info.allowed_updates = this.webhook.allowed_updates;
    return ok(info);
  }

  /** Answers every waiting poll with no updates (used on close/reset). */
  release(): void {
    for (const poll of [...this.polls]) this.finish(poll, ok([]));
  }

  clear(): void {
    this.release();
    this.queue = [];
    this.nextId = 1;
    this.webhook = undefined;
  }

  private take(offset: number, limit: number): Update[] {
    return this.queue.filter((u) => u.update_id >= offset).slice(0, limit);
  }

  private finish(poll: Poll, reply: Reply): void {
    if (!this.polls.delete(poll)) return;
    clearTimeout(poll.timer);
    poll.resolve(reply);
  }
}
