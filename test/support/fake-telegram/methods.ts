/** The fake's Bot API methods (all but getUpdates, see updates.ts), validating like Telegram. */
import { visibleText } from './html.js';
import { booleanOf, chatIdOf, integerOf, jsonOf, type ApiRequest } from './request.js';
import { badRequest, isJpeg, isPng, ok, type BotState, type StoredPhoto } from './state.js';
import type { Reply } from './types.js';

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

type Handler = (state: BotState, request: ApiRequest) => Reply;

/** Visible text of `raw` or Telegram's error for an empty/unparsable/too long text. */
function checkText(raw: unknown, parseMode: unknown, limit: number, what: 'text' | 'caption'): { text: string; visible: string } | Reply {
  const text = typeof raw === 'string' ? raw : raw === undefined ? '' : String(raw);
  const parsed = visibleText(text, parseMode);
  if (!parsed.ok) return badRequest(parsed.description.replace(/^Bad Request: /, ''));
  if (what === 'text' && parsed.text.trim() === '') return badRequest('message text is empty');
  if (parsed.text.length > limit) return badRequest(what === 'text' ? 'message is too long' : 'message caption is too long');
  return { text, visible: parsed.text };
}

const isReply = (value: object): value is Reply => 'ok' in value;

/** reply_markup: only inline keyboards, callback_data ≤ 64 bytes. */
function checkMarkup(raw: unknown): { markup: unknown } | Reply {
  if (raw === undefined) return { markup: undefined };
  const markup = jsonOf(raw) as { inline_keyboard?: unknown } | null;
  const rows = markup?.inline_keyboard;
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) return badRequest("can't parse reply keyboard markup JSON object");
  for (const button of rows.flat() as { text?: unknown; callback_data?: unknown; url?: unknown }[]) {
    if (typeof button?.text !== 'string' || button.text === '') return badRequest('text buttons are unallowed in the inline keyboard');
    if (typeof button.callback_data === 'string') {
      const bytes = Buffer.byteLength(button.callback_data, 'utf8');
      if (bytes < 1 || bytes > 64) return badRequest('BUTTON_DATA_INVALID');
    } else if (typeof button.url !== 'string') return badRequest("can't find field \"callback_data\"");
  }
  return { markup };
}

const sendMessage: Handler = (state, { params }) => {
  const chatId = chatIdOf(params.chat_id);
  const denied = state.gate(chatId);
  if (denied || chatId === undefined) return denied ?? badRequest('chat not found');
  const text = checkText(params.text, params.parse_mode, TEXT_LIMIT, 'text');
  if (isReply(text)) return text;
  const markup = checkMarkup(params.reply_markup);
  if (isReply(markup)) return markup;
  const flooded = state.flood(chatId);
  if (flooded) return flooded;
  const disableNotification = booleanOf(params.disable_notification);
  const message = state.newMessage({ chatId, kind: 'text', text: text.text, visibleText: text.visible, replyMarkup: markup.markup, disableNotification });
  state.delivered.push({
    chatId, messageId: message.messageId, method: 'sendMessage', text: text.text, visibleText: text.visible,
    parseMode: typeof params.parse_mode === 'string' ? params.parse_mode : undefined, disableNotification, replyMarkup: markup.markup, at: state.clock.now(),
  });
  return ok(state.messageObject(message));
};

function resolvePhoto(state: BotState, request: ApiRequest): StoredPhoto | Reply {
  const upload = request.files.get('photo');
  if (upload) {
    if (upload.bytes.length === 0) return badRequest('file must be non-empty');
    if (!isPng(upload.bytes) && !isJpeg(upload.bytes)) return badRequest('IMAGE_PROCESS_FAILED');
    return state.storePhoto(upload.bytes);
  }
  const photo = request.params.photo;
  if (typeof photo !== 'string' || photo === '') return badRequest('there is no photo in the request');
  if (/^https?:\/\//.test(photo)) return badRequest('failed to get HTTP URL content');
  return state.photoByFileId.get(photo) ?? badRequest('wrong file identifier/HTTP URL specified');
}

const sendPhoto: Handler = (state, request) => {
  const { params } = request;
  const chatId = chatIdOf(params.chat_id);
  const denied = state.gate(chatId);
  if (denied || chatId === undefined) return denied ?? badRequest('chat not found');
  const caption = params.caption === undefined ? undefined : checkText(params.caption, params.parse_mode, CAPTION_LIMIT, 'caption');
  if (caption && isReply(caption)) return caption;
  const markup = checkMarkup(params.reply_markup);
  if (isReply(markup)) return markup;
  const isNewUpload = request.files.has('photo');
  if (!isNewUpload) {
    const known = resolvePhoto(state, request);
    if (isReply(known)) return known;
  }
  const flooded = state.flood(chatId);
  if (flooded) return flooded;
  const photo = resolvePhoto(state, request);
  if (isReply(photo)) return photo;
  const largest = photo.sizes[photo.sizes.length - 1]?.file_id ?? '';
  const disableNotification = booleanOf(params.disable_notification);
  const visible = caption?.visible ?? '';
  const message = state.newMessage({ chatId, kind: 'photo', caption: caption?.text, visibleText: visible, photoFileId: largest, replyMarkup: markup.markup, disableNotification });
  state.delivered.push({
    chatId, messageId: message.messageId, method: 'sendPhoto', caption: caption?.text, visibleText: visible, photo: photo.bytes, photoFileId: largest,
    parseMode: typeof params.parse_mode === 'string' ? params.parse_mode : undefined, disableNotification, replyMarkup: markup.markup, at: state.clock.now(),
  });
  return ok(state.messageObject(message, photo));
};

const editMessageText: Handler = (state, { params }) => {
  const chatId = chatIdOf(params.chat_id);
  const denied = state.gate(chatId);
  if (denied || chatId === undefined) return denied ?? badRequest('chat not found');
  const message = state.message(chatId, integerOf(params.message_id));
  if (!message) return badRequest('message to edit not found');
  if (message.kind !== 'text') return badRequest('there is no text in the message to edit');
  const text = checkText(params.text, params.parse_mode, TEXT_LIMIT, 'text');
  if (isReply(text)) return text;
  const markup = checkMarkup(params.reply_markup);
  if (isReply(markup)) return markup;
  if (text.text === message.text && JSON.stringify(markup.markup ?? null) === JSON.stringify(message.replyMarkup ?? null)) {
    return badRequest('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
  }
  message.previousTexts = [...message.previousTexts, message.text ?? ''];
  message.text = text.text;
  message.visibleText = text.visible;
  message.replyMarkup = markup.markup;
  message.editDate = state.unixNow();
  return ok(state.messageObject(message));
};

const pinChatMessage: Handler = (state, { params }) => {
  const chatId = chatIdOf(params.chat_id);
  const denied = state.gate(chatId);
  if (denied || chatId === undefined) return denied ?? badRequest('chat not found');
  const message = state.message(chatId, integerOf(params.message_id));
  if (!message) return badRequest('message to pin not found');
  message.pinned = true;
  return ok(true);
};

const deleteMessage: Handler = (state, { params }) => {
  const chatId = chatIdOf(params.chat_id);
  const denied = state.gate(chatId);
  if (denied || chatId === undefined) return denied ?? badRequest('chat not found');
  const message = state.message(chatId, integerOf(params.message_id));
  if (!message) return badRequest('message to delete not found');
  message.deleted = true;
  message.pinned = false;
  return ok(true);
};

const answerCallbackQuery: Handler = (state, { params }) => {
  const id = params.callback_query_id;
  if (typeof id !== 'string' || id === '') return badRequest('query is too old and response timeout expired or query ID is invalid');
  const text = typeof params.text === 'string' ? params.text : undefined;
  if (text !== undefined && text.length > 200) return badRequest('MESSAGE_TOO_LONG');
  state.callbackAnswers.push({ callbackQueryId: id, text, showAlert: booleanOf(params.show_alert), at: state.clock.now() });
  return ok(true);
};

const setMyCommands: Handler = (state, { params }) => {
  const commands = jsonOf(params.commands);
  if (!Array.isArray(commands) || commands.length > 100) return badRequest("can't parse commands JSON object");
  for (const command of commands as { command?: unknown; description?: unknown }[]) {
    if (typeof command?.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command.command)) return badRequest('BOT_COMMAND_INVALID');
    if (typeof command.description !== 'string' || command.description.trim() === '') return badRequest('command description is empty');
    if (command.description.length > 256) return badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
  }
  state.commands = commands;
  return ok(true);
};

const getMe: Handler = (state) => ok(state.me());

const getMyCommands: Handler = (state) => ok(state.commands ?? []);

const deleteMyCommands: Handler = (state) => {
  state.commands = undefined;
  return ok(true);
};

const unpinChatMessage: Handler = (state, { params }) => {
  const chatId = chatIdOf(params.chat_id);
  const denied = state.gate(chatId);
  if (denied || chatId === undefined) return denied ?? badRequest('chat not found');
  const messageId = integerOf(params.message_id);
  const pinned = state.messages(chatId).filter((m) => m.pinned && !m.deleted && (messageId === undefined || m.messageId === messageId));
  if (messageId !== undefined && pinned.length === 0) return badRequest('message to unpin not found');
  const last = pinned.at(-1);
  const message = last && state.message(chatId, last.messageId);
  if (message) message.pinned = false;
  return ok(true);
};

const sendChatAction: Handler = (state, { params }) => {
  const chatId = chatIdOf(params.chat_id);
  const denied = state.gate(chatId);
  if (denied) return denied;
  if (typeof params.action !== 'string' || params.action === '') return badRequest('wrong parameter action in request');
  return ok(true);
};

export const METHODS: Readonly<Record<string, Handler>> = {
  getMe,
  getMyCommands,
  deleteMyCommands,
  unpinChatMessage,
  sendChatAction,
  sendMessage,
  sendPhoto,
  editMessageText,
  pinChatMessage,
  deleteMessage,
  answerCallbackQuery,
  setMyCommands,
};
