import { notificationSchema, type Notification } from '../core/notification.js';
import { describeIssues } from '../core/zod-issues.js';

export type ParsedBody = { readonly ok: true; readonly notification: Notification } | { readonly ok: false; readonly issue: string };

/**
 * An SQS body → a notification, validated with the producer's schema. A malformed body gets one
 * clear issue naming the field (`chatId: expected int, received string`), or `not JSON`.
 */
export function parseNotificationBody(body: string): ParsedBody {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    // V8 quotes part of the input in its message: cut that out (bodies are never logged).
    const why = error instanceof Error ? error.message.replace(/"[^"]*"/g, '…').slice(0, 80) : 'parse error';
    return { ok: false, issue: `not JSON (${why})` };
  }
  const parsed = notificationSchema.safeParse(json);
  if (parsed.success) return { ok: true, notification: parsed.data };
  return { ok: false, issue: describeIssues(parsed.error.issues, { max: 3 }) };
}
