import type { DynamoDBDocumentClient, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { describeIssues } from '../../core/zod-issues.js';
import { PermanentError } from '../../errors.js';
import type { ClaimResult, DeliveryRecord, DeliveryStore } from '../../ports/delivery.js';
import { getItem } from '../dynamo/read.js';
import { send } from '../dynamo/send.js';

export interface DynamoDeliveriesOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** Row lifetime; must outlive the queue (4 d) + DLQ (14 d) retention. Default 21 days. */
  readonly ttlDays?: number;
}

/** Longest reason / malformed body excerpt kept in a row (bytes are cheap, rows are not logs). */
const MAX_REASON = 500;
const MAX_BODY_EXCERPT = 2000;

const rowSchema = z.object({
  id: z.string(),
  status: z.enum(['sending', 'sent', 'dropped']),
  attempts: z.number().int().min(0).default(0),
  leaseUntil: z.number().int().optional(),
  reason: z.string().optional(),
  chatId: z.number().int().optional(),
  plan: z.enum(['text', 'photo', 'dashboard']).optional(),
  partsSent: z.number().int().min(0).optional(),
  messageIds: z.array(z.number().int()).optional(),
  sentAt: z.number().int().optional(),
});

/** A stored row as a record; a row that fails validation is a permanent error naming it. */
function toRecord(item: Record<string, unknown>): DeliveryRecord {
  const parsed = rowSchema.safeParse(item);
  if (!parsed.success) {
    throw new PermanentError(`delivery row ${String(item['id'])} is invalid: ${describeIssues(parsed.error.issues, { root: '' })}`, { code: 'CORRUPT_ROW', cause: parsed.error });
  }
  const row = parsed.data;
  return {
    id: row.id,
    status: row.status,
    attempts: row.attempts,
    ...(row.leaseUntil !== undefined ? { leaseUntil: row.leaseUntil } : {}),
    ...(row.reason !== undefined ? { reason: row.reason } : {}),
    ...(row.chatId !== undefined ? { chatId: row.chatId } : {}),
    ...(row.sentAt !== undefined ? { sentAt: row.sentAt } : {}),
    ...(row.plan !== undefined ? { progress: { plan: row.plan, partsSent: row.partsSent ?? 0, messageIds: row.messageIds ?? [] } } : {}),
  };
}

/**
 * Delivery rows in DeliveriesTable (key `id` = notification id). Every transition is a
 * conditional write, so concurrent workers (an SQS message delivered twice at once) never
 * both send: exactly one claim wins while the lease lasts.
 */
export function createDynamoDeliveryStore(options: DynamoDeliveriesOptions): DeliveryStore {
  const { client, table } = options;
  const ttlMs = (options.ttlDays ?? 21) * 86_400_000;
  const expiresAt = (now: number) => Math.floor((now + ttlMs) / 1000);

  async function read(id: string): Promise<DeliveryRecord | undefined> {
    const item = await getItem(client, { TableName: table, Key: { id }, ConsistentRead: true }, `read delivery ${id}`);
    return item ? toRecord(item) : undefined;
  }

  /** Conditional update; false when the condition failed. */
  async function update(id: string, what: string, input: Omit<UpdateCommandInput, 'TableName' | 'Key'>): Promise<boolean> {
    return (await send(client, { Update: { TableName: table, Key: { id }, ...input } }, `${what} delivery ${id}`)).ok;
  }

  /**
   * One conditional update takes the lease of a new row or of a sending row whose lease ran
   * out. When the condition fails, the row as stored then (returned with the failure) says why:
   * sent, dropped or busy — nothing more is read.
   */
  async function claim(id: string, chatId: number, now: number, leaseMs: number): Promise<ClaimResult> {
    const out = await send(
      client,
      {
        Update: {
          TableName: table,
          Key: { id },
          UpdateExpression: 'SET #status = :sending, leaseUntil = :lease, chatId = :chat, updatedAt = :now, expiresAt = :exp ADD attempts :one',
          ConditionExpression: 'attribute_not_exists(id) OR (#status = :sending AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending', ':lease': now + leaseMs, ':chat': chatId, ':now': now, ':exp': expiresAt(now), ':one': 1 },
          ReturnValues: 'ALL_NEW',
        },
      },
      `claim delivery ${id}`,
    );
    if (!out.ok) {
      // The condition holds for an absent row, so a failure always comes with the stored one.
      if (!out.old) throw new PermanentError(`claim delivery ${id}: condition failed without a stored row`, { code: 'DELIVERY_STORE' });
      const row = toRecord(out.old);
      if (row.status === 'sent') return { outcome: 'sent' };
      if (row.status === 'dropped') return { outcome: 'dropped', reason: row.reason ?? 'unknown' };
      return { outcome: 'busy', leaseUntil: row.leaseUntil ?? now };
    }
    if (!out.attributes) throw new PermanentError(`claim delivery ${id}: no attributes returned`, { code: 'DELIVERY_STORE' });
    const row = toRecord(out.attributes);
    return { outcome: 'claimed', attempt: row.attempts, progress: row.progress };
  }

  return {
    claim,

    async recordProgress(id, progress, now) {
      const ok = await update(id, 'record progress of', {
        UpdateExpression: 'SET #plan = :plan, partsSent = :parts, messageIds = :ids, updatedAt = :now',
        ConditionExpression: '#status = :sending',
        ExpressionAttributeNames: { '#status': 'status', '#plan': 'plan' },
        ExpressionAttributeValues: { ':plan': progress.plan, ':parts': progress.partsSent, ':ids': [...progress.messageIds], ':now': now, ':sending': 'sending' },
      });
      if (!ok) throw new PermanentError(`delivery ${id} is no longer sending: progress not recorded`, { code: 'DELIVERY_LOST_LEASE' });
    },

    async markSent(id, now, detail) {
      await update(id, 'mark sent', {
        UpdateExpression: 'SET #status = :sent, sentAt = :now, updatedAt = :now, messageIds = :ids REMOVE leaseUntil',
        ConditionExpression: '#status = :sending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':sending': 'sending', ':now': now, ':ids': [...detail.messageIds] },
      });
      // A failed condition means another worker already finished it: nothing to do.
    },

    async markDropped(id, reason, now) {
      await update(id, 'mark dropped', {
        UpdateExpression: 'SET #status = :dropped, reason = :reason, updatedAt = :now REMOVE leaseUntil',
        ConditionExpression: '#status = :sending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':dropped': 'dropped', ':sending': 'sending', ':reason': reason.slice(0, MAX_REASON), ':now': now },
      });
    },

    async release(id) {
      await update(id, 'release', {
        UpdateExpression: 'SET leaseUntil = :zero',
        ConditionExpression: '#status = :sending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':zero': 0, ':sending': 'sending' },
      });
    },

    async recordMalformed(sqsMessageId, detail, now) {
      const Item = {
        id: `malformed#${sqsMessageId}`,
        status: 'dropped',
        attempts: 1,
        reason: `malformed: ${detail.issue}`.slice(0, MAX_REASON),
        bodyLength: detail.body.length,
        bodyExcerpt: detail.body.slice(0, MAX_BODY_EXCERPT),
        updatedAt: now,
        expiresAt: expiresAt(now),
      };
      await send(client, { Put: { TableName: table, Item } }, `record malformed message ${sqsMessageId}`);
    },

    get: read,
  };
}
