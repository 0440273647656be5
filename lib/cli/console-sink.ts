import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { notificationSchema, type Notification, type NotificationKind } from '../core/notification.js';
import { describeError } from '../errors.js';

export interface ConsoleSink {
  /** Receives until the queue answers empty `emptyPolls` times in a row; returns how many were printed. */
  drain(emptyPolls?: number): Promise<number>;
  /** Polls in the background until `stop()`. */
  start(): void;
  stop(): Promise<void>;
}

/** The chat the console stands for when no bot token and no admin chat is configured. */
export const CONSOLE_CHAT = 0;
/** Said on every printed message: where it would have gone, and how to send it there. */
export const CONSOLE_NOTE = 'console; set TELEGRAM_BOT_TOKEN to send to Telegram';

const KIND_LABELS: Readonly<Record<NotificationKind, string>> = {
  signal: 'signal',
  'position-opened': 'paper position opened',
  'position-closed': 'paper position closed',
  'daily-summary': 'daily summary',
  dashboard: 'dashboard',
};

/**
 * The line above a printed message: its kind, and that the console stands in for Telegram —
 * "📨 signal (console; …):" for the console's own chat, "📨 signal for chat 7 (console; …):" for an
 * admin chat the message is addressed to.
 */
export function consoleHeader(n: Pick<Notification, 'kind' | 'chatId'>): string {
  const label = KIND_LABELS[n.kind] ?? n.kind;
  return n.chatId === CONSOLE_CHAT ? `📨 ${label} (${CONSOLE_NOTE}):` : `📨 ${label} for chat ${n.chatId} (${CONSOLE_NOTE}):`;
}

/** Telegram HTML → plain console text. */
export function htmlToConsole(text: string): string {
  return text.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Local stand-in for Telegram delivery when no bot token is configured: reads the
 * notification queue of the local stack and prints each message. Bodies are validated with
 * the producer's schema; a malformed one is reported and dropped, never silently.
 */
export function createConsoleSink(options: {
  sqs: SQSClient;
  queueUrl: string;
  print: (notification: Notification) => void;
  warn: (message: string) => void;
}): ConsoleSink {
  const { sqs, queueUrl, print, warn } = options;
  let running: Promise<void> | undefined;
  let stopping = false;

  async function pollOnce(waitSeconds: number): Promise<number> {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }));
    const messages = out.Messages ?? [];
    for (const m of messages) {
      const parsed = notificationSchema.safeParse(safeJson(m.Body));
      if (parsed.success) print(parsed.data);
      else warn(`dropping malformed notification ${m.MessageId}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
    if (messages.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
      );
    }
    return messages.length;
  }

  return {
    async drain(emptyPolls = 2) {
      let printed = 0;
      for (let empty = 0; empty < emptyPolls; ) {
        const n = await pollOnce(0);
        printed += n;
        empty = n === 0 ? empty + 1 : 0;
        if (n === 0) await new Promise((r) => setTimeout(r, 100));
      }
      return printed;
    },
    start() {
      running = (async () => {
        while (!stopping) {
          try {
            await pollOnce(1);
          } catch (error) {
            warn(`console sink: ${describeError(error)}; retrying in 2 s`);
            await new Promise((r) => setTimeout(r, 2000));
          }
        }
      })();
    },
    async stop() {
      stopping = true;
      await running;
    },
  };
}

function safeJson(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    return undefined; // reported by the schema check as malformed
  }
}
