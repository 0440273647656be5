import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { awsErrorName, translateAwsError } from '../../aws/errors.js';
import type { BreakerDecision, BreakerState, BreakerStore } from '../../ports/state.js';
import { defaultCorruptRowReporter, reasonOf, type CorruptRowReporter } from '../../aws/corrupt-rows.js';
import { getRow } from '../dynamo/get-row.js';

export interface DynamoBreakerOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** Consecutive failed scans before the circuit opens. */
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  /** How long one trial may take before another invocation may try again. */
  readonly trialMs: number;
  /** Where a row that fails validation is reported (default: log once + metric). */
  readonly corruptRows?: CorruptRowReporter;
}

const rowSchema = z.object({
  state: z.enum(['closed', 'open', 'half-open']).default('closed'),
  failures: z.number().int().min(0).default(0),
  openUntil: z.number().int().default(0),
  trialUntil: z.number().int().default(0),
  version: z.number().int().min(0).default(0),
});
type Fields = z.output<typeof rowSchema>;
/**
 * A row as read. `corrupt`: the stored row failed validation and reads as closed; `raw` is its
 * stored version when that is a number (else 0), so the next transition can replace exactly it.
 */
type Row = Fields & { readonly corrupt?: { readonly raw: number } };

const CLOSED: Row = { state: 'closed', failures: 0, openUntil: 0, trialUntil: 0, version: 0 };

/**
 * Circuit breaker per exchange, state in StateTable (`breaker#<exchange>`), so an exchange
 * that keeps failing is left alone across invocations and cold starts. Transitions use
 * optimistic versions: of many concurrent invocations after the cool-down, one gets the
 * trial and the others keep skipping. A row that fails validation reads as closed (reported
 * through `corruptRows`) and the next transition overwrites it (its condition accepts exactly
 * the corrupt row), so a damaged row can neither block an exchange nor the breaker itself.
 */
export function createDynamoBreakerStore(options: DynamoBreakerOptions): BreakerStore {
  const { client, table, failureThreshold, cooldownMs, trialMs } = options;
  const corruptRows = options.corruptRows ?? defaultCorruptRowReporter();
  const key = (exchange: string) => ({ pk: `breaker#${exchange}` });

  async function readRow(exchange: string): Promise<Row> {
    let item: Record<string, unknown> | undefined;
    try {
      item = await getRow(client, table, key(exchange), true);
    } catch (error) {
      throw translateAwsError(error, `read breaker ${exchange}`);
    }
    if (!item) return CLOSED;
    const parsed = rowSchema.safeParse(item);
    if (parsed.success) return parsed.data;
    corruptRows.corrupt({ kind: 'breaker', table, key: key(exchange).pk, reason: reasonOf(parsed.error) });
    const raw = item['version'];
    const number = typeof raw === 'number' && Number.isFinite(raw) ? raw : 0;
    return { ...CLOSED, version: Number.isInteger(number) && number >= 0 ? number : 0, corrupt: { raw: number } };
  }

  /** The condition that `seen` is still what is stored. */
  function unchanged(seen: Row, values: Record<string, unknown>): string {
    if (seen.corrupt !== undefined) {
      values[':raw'] = seen.corrupt.raw;
      values[':number'] = 'N';
      return 'attribute_not_exists(version) OR NOT attribute_type(version, :number) OR version = :raw';
    }
    return seen.version === 0 ? 'attribute_not_exists(version) OR version = :seen' : 'version = :seen';
  }

  /** Conditional transition from the version read; false when another invocation moved first. */
  async function transition(exchange: string, seen: Row, set: Partial<Omit<Fields, 'version'>>, now: number): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':next': seen.version + 1, ':now': now };
    const condition = unchanged(seen, values);
    if (seen.corrupt === undefined) values[':seen'] = seen.version;
    const parts = ['version = :next', 'updatedAt = :now'];
    for (const [k, v] of Object.entries(set)) {
      names[`#${k}`] = k;
      values[`:${k}`] = v;
      parts.push(`#${k} = :${k}`);
    }
    try {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: key(exchange),
          UpdateExpression: `SET ${parts.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
      throw translateAwsError(error, `update breaker ${exchange}`);
    }
  }

  const view = (row: Omit<Fields, 'version'>): BreakerState => ({ state: row.state, failures: row.failures, openUntil: row.openUntil });

  return {
    async acquire(exchange, now): Promise<BreakerDecision> {
      const row = await readRow(exchange);
      if (row.state === 'closed') return { allowed: true, trial: false };
      const waitingForCooldown = row.state === 'open' && now < row.openUntil;
      const trialRunning = row.state === 'half-open' && now < row.trialUntil;
      if (waitingForCooldown || trialRunning) return { allowed: false, openUntil: Math.max(row.openUntil, row.trialUntil) };
      const won = await transition(exchange, row, { state: 'half-open', trialUntil: now + trialMs }, now);
      return won ? { allowed: true, trial: true } : { allowed: false, openUntil: now + trialMs };
    },

    async recordSuccess(exchange, now) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const row = await readRow(exchange);
        if (row.state === 'closed' && row.failures === 0 && row.corrupt === undefined) return;
        if (await transition(exchange, row, { state: 'closed', failures: 0, openUntil: 0, trialUntil: 0 }, now)) return;
      }
    },

    async recordFailure(exchange, now) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const row = await readRow(exchange);
        const failures = row.failures + 1;
        const opens = row.state === 'half-open' || (row.state === 'closed' && failures >= failureThreshold);
        const next: Omit<Fields, 'version'> = opens
          ? { state: 'open', failures, openUntil: now + cooldownMs, trialUntil: 0 }
          : { state: row.state, failures, openUntil: row.openUntil, trialUntil: row.trialUntil };
        if (await transition(exchange, row, next, now)) return view(next);
      }
      return view(await readRow(exchange));
    },

    async read(exchange) {
      return view(await readRow(exchange));
    },
  };
}
