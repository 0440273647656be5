/**
 * A fake Telegram Bot API for tests: node:http on 127.0.0.1, random port, serving
 * `POST|GET /bot<token>/<method>` with Telegram's answers, validations, flood limits and
 * scripted faults. Point telegraf at it with `apiRoot: fake.apiRoot`.
 *
 * Methods: getMe, sendMessage, sendPhoto (multipart upload or file_id), editMessageText,
 * pinChatMessage, unpinChatMessage, deleteMessage, answerCallbackQuery, sendChatAction,
 * setMyCommands, getMyCommands, deleteMyCommands, setWebhook, deleteWebhook, getWebhookInfo,
 * getUpdates (long polling over `pushUpdate`). Any other method answers 404.
 *
 *   const fake = await startFakeTelegram({ limits: false });
 *   fake.script(({ method, seq }) => (method === 'sendMessage' && seq === 1 ? { status: 502 } : undefined));
 *   ...
 *   assert.equal(fake.delivered(42).length, 1);
 *   await fake.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../../lib/ports/clock.js';
import type { LimitOptions } from './limiter.js';
import { METHODS } from './methods.js';
import { BadBody, chatIdOf, parsePath, readApiRequest, type ApiRequest } from './request.js';
import { BotState } from './state.js';
import type { CallbackAnswer, DeliveredMessage, FakeCall, FakeMessage, Fault, Reply, Script } from './types.js';
import { UpdateQueue, type Update } from './updates.js';

export type { CallbackAnswer, DeliveredMessage, FakeCall, FakeMessage, Fault, Reply, Script, ScriptedCall } from './types.js';
export type { LimitOptions } from './limiter.js';
export type { Update } from './updates.js';
export { parseTelegramHtml } from './html.js';

export const DEFAULT_FAKE_TOKEN = '123456789:AAFakeTokenForCandlebotTests_abcdefghij';

export interface FakeTelegramOptions {
  /** Bot token the fake accepts (default DEFAULT_FAKE_TOKEN); any other answers 401. */
  readonly token?: string;
  /**
   * Flood limits on sendMessage/sendPhoto (default ON: 1 message/s per chat, 30/s overall);
   * `false` disables. Edits, pins and callback answers are not limited.
   */
  readonly limits?: LimitOptions | false;
  /** Clock for message dates, call times and the flood limiter (default system clock). */
  readonly clock?: Clock;
  /** When given, only these chats exist; others answer 400 "chat not found". */
  readonly knownChats?: readonly number[];
}

export interface FakeTelegram {
  readonly token: string;
  /** `http://127.0.0.1:PORT` — telegraf's `apiRoot`. */
  readonly apiRoot: string;
  readonly port: number;
  /** Every request since start/reset, in arrival order. */
  readonly calls: readonly FakeCall[];
  /** Uploaded photo bytes in upload order. */
  readonly photos: readonly Uint8Array[];
  /** Last accepted setWebhook parameters; undefined when none/deleted. */
  readonly webhook: Readonly<Record<string, unknown>> | undefined;
  /** Last accepted setMyCommands `commands`. */
  readonly commands: readonly unknown[] | undefined;
  readonly callbackAnswers: readonly CallbackAnswer[];
  /** 429s the built-in flood limiter answered (scripted 429s not counted). */
  readonly rateLimitViolations: number;
  /** Messages accepted (sendMessage/sendPhoto), in order; for one chat when given. */
  delivered(chatId?: number): DeliveredMessage[];
  /** Current state of a chat's messages (edits, pins, deletions), by message id. */
  messages(chatId: number): FakeMessage[];
  /** Faults by call; `undefined` removes the script. */
  script(fn: Script | undefined): void;
  /** The chat answers 403 "Forbidden: bot was blocked by the user" (groups: kicked). */
  blockChat(chatId: number): void;
  unblockChat(chatId: number): void;
  /** The chat answers 400 "chat not found". */
  removeChat(chatId: number): void;
  /** Queues an update for getUpdates (update_id assigned when missing). */
  pushUpdate(update: Record<string, unknown>): Update;
  /** Forgets calls, messages, photos, webhook, script, blocked chats, updates and limiter state. */
  reset(): void;
  /**
   * BotFather's token revoke: from now on only `token` is accepted (the old one answers 401);
   * the bot (its id, chats, messages) stays the same.
   */
  rotateToken(token: string): void;
  /** Stops the server, ending hanging requests and long polls. Idempotent. */
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const STATUS_TEXT: Readonly<Record<number, string>> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

function faultReply(fault: Fault): Reply | undefined {
  if ('hang' in fault || 'malformed' in fault || 'dropAfterSend' in fault) return undefined;
  switch (fault.status) {
    case 429:
      return { ok: false, error_code: 429, description: `Too Many Requests: retry after ${fault.retryAfter}`, parameters: { retry_after: fault.retryAfter } };
    case 403:
      return { ok: false, error_code: 403, description: fault.description ?? 'Forbidden: bot was blocked by the user' };
    case 400:
      return { ok: false, error_code: 400, description: fault.description };
    default:
      return { ok: false, error_code: fault.status, description: STATUS_TEXT[fault.status] ?? 'Internal Server Error' };
  }
}

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  let token = options.token ?? DEFAULT_FAKE_TOKEN;
  const clock = options.clock ?? systemClock;
  const state = new BotState(token, clock, options.limits ?? {}, options.knownChats ? new Set(options.knownChats) : undefined);
  const updates = new UpdateQueue();
  const calls: (FakeCall & { status: number | undefined; description: string | undefined })[] = [];
  const hanging = new Set<ServerResponse>();
  let script: Script | undefined;
  let seq = 0;
  let closed = false;

  async function perform(request: ApiRequest, res: ServerResponse): Promise<Reply> {
    switch (request.method) {
      case 'getUpdates':
        return updates.getUpdates(request, { onClose: (fn) => res.once('close', fn) });
      case 'setWebhook':
        return updates.setWebhook(request);
      case 'deleteWebhook':
        return updates.deleteWebhook(request);
      case 'getWebhookInfo':
        return updates.getWebhookInfo();
    }
    const handler = METHODS[request.method];
    return handler ? handler(state, request) : { ok: false, error_code: 404, description: 'Not Found: method not found' };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = parsePath(url.pathname);
    if (!path) return json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    let request: ApiRequest;
    try {
      request = await readApiRequest(req, url, path);
    } catch (error) {
      if (!(error instanceof BadBody)) throw error;
      return json(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${error.message}` });
    }
    const call = { seq: ++seq, method: request.method, chatId: chatIdOf(request.params.chat_id), params: request.params, at: clock.now(), status: undefined as number | undefined, description: undefined as string | undefined, fault: undefined as Fault | undefined };
    calls.push(call);
    const answer = (reply: Reply, status = reply.ok ? 200 : reply.error_code): void => {
      call.status = status;
      if (!reply.ok) call.description = reply.description;
      json(res, status, reply);
    };
    if (request.token !== token) return answer({ ok: false, error_code: 401, description: 'Unauthorized' });
    const fault = script?.({ method: call.method, chatId: call.chatId, params: call.params, seq: call.seq });
    call.fault = fault;
    if (fault && 'hang' in fault) {
      hanging.add(res);
      res.once('close', () => hanging.delete(res));
      return;
    }
    if (fault && 'malformed' in fault) {
      call.status = 200;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true,"result":{"message_id":');
      return;
    }
    if (fault && 'status' in fault && fault.status >= 500 && 'body' in fault && fault.body === 'html') {
      call.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'text/html' });
      res.end(`<html><head><title>${fault.status} ${STATUS_TEXT[fault.status]}</title></head><body><center><h1>${fault.status} ${STATUS_TEXT[fault.status]}</h1></center><hr><center>nginx</center></body></html>`);
      return;
    }
    const scripted = fault ? faultReply(fault) : undefined;
    if (scripted) return answer(scripted);
    const reply = await perform(request, res);
    if (fault && 'dropAfterSend' in fault) {
      res.socket?.destroy();
      return;
    }
    if (!res.destroyed) answer(reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    get token() {
      return token;
    },
    rotateToken(next) {
      token = next;
    },
    apiRoot: `http://127.0.0.1:${port}`,
    port,
    get calls() {
      return calls;
    },
    get photos() {
      return state.photos;
    },
    get webhook() {
      return updates.webhook;
    },
    get commands() {
      return state.commands;
    },
    get callbackAnswers() {
      return state.callbackAnswers;
    },
    get rateLimitViolations() {
      return state.rateLimitViolations;
    },
    delivered: (chatId) => state.delivered.filter((m) => chatId === undefined || m.chatId === chatId),
    messages: (chatId) => state.messages(chatId),
    script: (fn) => void (script = fn),
    blockChat: (chatId) => void state.blocked.add(chatId),
    unblockChat: (chatId) => void state.blocked.delete(chatId),
    removeChat: (chatId) => void state.missingChats.add(chatId),
    pushUpdate: (update) => updates.push(update),
    reset() {
      calls.length = 0;
      seq = 0;
      script = undefined;
      state.clear();
      updates.clear();
    },
    async close() {
      if (closed) return;
      closed = true;
      updates.release();
      for (const res of hanging) res.destroy();
      hanging.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
