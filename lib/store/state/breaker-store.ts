import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { BreakerDecision, BreakerReader, BreakerState, BreakerStore } from '../../ports/state.js';
import { defaultCorruptRowReporter, reasonOf, type CorruptRowReporter } from '../../aws/corrupt-rows.js';
import { Expr } from '../dynamo/expr.js';
import { getRow } from '../dynamo/get-row.js';
import { send } from '../dynamo/send.js';
import { isCandlebotError, TransientError } from '../../errors.js';
import { retry, retryOnCode, type RetryPolicy, type Sleep } from '../../retry.js';

export interface DynamoBreakerReaderOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** Where a row that fails validation is reported (default: log once + metric). */
  readonly corruptRows?: CorruptRowReporter;
}

export interface DynamoBreakerOptions extends DynamoBreakerReaderOptions {
  /** Consecutive failed scans before the circuit opens. */
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  /** How long one trial may take before another invocation may try again. */
  readonly trialMs: number;
  /** The wait between lost transitions (default: real timers). */
  readonly sleep?: Sleep;
}

/** A transition that lost a race is read and tried again: 5 tries, jittered waits ≤ 5, 10, 20, 40 ms. */
const BREAKER_RETRY: RetryPolicy = { attempts: 5, baseMs: 5, capMs: 40 };

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

const breakerKey = (exchange: string) => ({ pk: `breaker#${exchange}` });

/** Reads an exchange's row (strongly consistent); a corrupt row is reported and reads as closed. */
function rowReader(options: DynamoBreakerReaderOptions): (exchange: string) => Promise<Row> {
  const { client, table } = options;
  const corruptRows = options.corruptRows ?? defaultCorruptRowReporter();
  return async (exchange) => {
    const item = await getRow(client, table, breakerKey(exchange), `read breaker ${exchange}`, true);
    if (!item) return CLOSED;
    const parsed = rowSchema.safeParse(item);
    if (parsed.success) return parsed.data;
    corruptRows.corrupt({ kind: 'breaker', table, key: breakerKey(exchange).pk, reason: reasonOf(parsed.error) });
    const raw = item['version'];
    const number = typeof raw === 'number' && Number.isFinite(raw) ? raw : 0;
    return { ...CLOSED, version: Number.isInteger(number) && number >= 0 ? number : 0, corrupt: { raw: number } };
  };
}

const view = (row: Omit<Fields, 'version'>): BreakerState => ({ state: row.state, failures: row.failures, openUntil: row.openUntil });

/** The breaker state for reading only (health): no thresholds needed. */
export function createDynamoBreakerReader(options: DynamoBreakerReaderOptions): BreakerReader {
  const readRow = rowReader(options);
  return {
    async read(exchange) {
      return view(await readRow(exchange));
    },
  };
}

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
  const readRow = rowReader(options);

  /** The condition that `seen` is still what is stored. */
  function unchanged(seen: Row, e: Expr): string {
    const version = e.n('version');
    if (seen.corrupt !== undefined) return `attribute_not_exists(${version}) OR NOT attribute_type(${version}, ${e.v('N')}) OR ${version} = ${e.v(seen.corrupt.raw)}`;
    const v = e.v(seen.version);
    return seen.version === 0 ? `attribute_not_exists(${version}) OR ${version} = ${v}` : `${version} = ${v}`;
  }

  /**
   * Runs a read-and-transition until it wins (lib/retry.ts, BREAKER_RETRY); false when another
   * invocation moved first every time.
   */
  async function retryTransition(exchange: string, attempt: () => Promise<boolean>): Promise<boolean> {
    try {
      return await retry(
        async () => {
          if (await attempt()) return true;
          throw new TransientError(`breaker ${exchange}: the row kept changing`, { code: 'BREAKER_CONTENDED' });
        },
        BREAKER_RETRY,
        { ...(options.sleep === undefined ? {} : { sleep: options.sleep }), retryable: retryOnCode('BREAKER_CONTENDED') },
      );
    } catch (error) {
      if (isCandlebotError(error) && error.code === 'BREAKER_CONTENDED') return false;
      throw error;
    }
  }

  /** Conditional transition from the version read; false when another invocation moved first. */
  async function transition(exchange: string, seen: Row, set: Partial<Omit<Fields, 'version'>>, now: number): Promise<boolean> {
    const e = new Expr();
    const condition = unchanged(seen, e);
    const sets = e.sets({ version: seen.version + 1, updatedAt: now, ...set });
    const update = { TableName: table, Key: breakerKey(exchange), UpdateExpression: `SET ${sets.join(', ')}`, ConditionExpression: condition, ...e.parts() };
    return (await send(client, { Update: update }, `update breaker ${exchange}`)).ok;
  }

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
      // false (lost every race) is no error: other invocations kept recording; the next success closes it.
      await retryTransition(exchange, async () => {
        const row = await readRow(exchange);
        if (row.state === 'closed' && row.failures === 0 && row.corrupt === undefined) return true;
        return transition(exchange, row, { state: 'closed', failures: 0, openUntil: 0, trialUntil: 0 }, now);
      });
    },

    async recordFailure(exchange, now) {
      let next: Omit<Fields, 'version'> | undefined;
      const done = await retryTransition(exchange, async () => {
        const row = await readRow(exchange);
        const failures = row.failures + 1;
        const opens = row.state === 'half-open' || (row.state === 'closed' && failures >= failureThreshold);
        next = opens
          ? { state: 'open', failures, openUntil: now + cooldownMs, trialUntil: 0 }
          : { state: row.state, failures, openUntil: row.openUntil, trialUntil: row.trialUntil };
        return transition(exchange, row, next, now);
      });
      return done && next ? view(next) : view(await readRow(exchange));
    },

    async read(exchange) {
      return view(await readRow(exchange));
    },
  };
}
