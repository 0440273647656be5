import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { awsErrorName, translateAwsError } from '../aws/errors.js';
import type { BreakerDecision, BreakerState, BreakerStore } from '../ports/state.js';

export interface DynamoBreakerOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** Consecutive failed scans before the circuit opens. */
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  /** How long one trial may take before another invocation may try again. */
  readonly trialMs: number;
}

const rowSchema = z.object({
  state: z.enum(['closed', 'open', 'half-open']).default('closed'),
  failures: z.number().int().min(0).default(0),
  openUntil: z.number().int().default(0),
  trialUntil: z.number().int().default(0),
  version: z.number().int().min(0).default(0),
});
type Row = z.output<typeof rowSchema>;

const CLOSED: Row = { state: 'closed', failures: 0, openUntil: 0, trialUntil: 0, version: 0 };

/**
 * Circuit breaker per exchange, state in StateTable (`breaker#<exchange>`), so an exchange
 * that keeps failing is left alone across invocations and cold starts. Transitions use
 * optimistic versions: of many concurrent invocations after the cool-down, one gets the
 * trial and the others keep skipping.
 */
export function createDynamoBreakerStore(options: DynamoBreakerOptions): BreakerStore {
  const { client, table, failureThreshold, cooldownMs, trialMs } = options;
  const key = (exchange: string) => ({ pk: `breaker#${exchange}` });

  async function readRow(exchange: string): Promise<Row> {
    try {
      const out = await client.send(new GetCommand({ TableName: table, Key: key(exchange), ConsistentRead: true }));
      return out.Item ? rowSchema.parse(out.Item) : CLOSED;
    } catch (error) {
      throw translateAwsError(error, `read breaker ${exchange}`);
    }
  }

  /** Conditional transition from the version read; false when another invocation moved first. */
  async function transition(exchange: string, seen: Row, set: Partial<Row>, now: number): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':seen': seen.version, ':next': seen.version + 1, ':now': now };
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
          ConditionExpression: seen.version === 0 ? 'attribute_not_exists(version) OR version = :seen' : 'version = :seen',
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

  const view = (row: Row): BreakerState => ({ state: row.state, failures: row.failures, openUntil: row.openUntil });

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
        if (row.state === 'closed' && row.failures === 0) return;
        if (await transition(exchange, row, { state: 'closed', failures: 0, openUntil: 0, trialUntil: 0 }, now)) return;
      }
    },

    async recordFailure(exchange, now) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const row = await readRow(exchange);
        const failures = row.failures + 1;
        const opens = row.state === 'half-open' || (row.state === 'closed' && failures >= failureThreshold);
        const next: Row = opens
          ? { ...row, state: 'open', failures, openUntil: now + cooldownMs, trialUntil: 0 }
          : { ...row, failures };
        const { version: _v, ...set } = next;
        if (await transition(exchange, row, set, now)) return view(next);
      }
      return view(await readRow(exchange));
    },

    async read(exchange) {
      return view(await readRow(exchange));
    },
  };
}
