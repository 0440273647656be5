import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { describeIssues } from '../../core/zod-issues.js';
import { PermanentError } from '../../errors.js';
import { DEFAULT_CONTROL, type ControlState, type ControlStore } from '../../ports/control.js';
import { Expr } from '../dynamo/expr.js';
import { getItem } from '../dynamo/read.js';
import { send } from '../dynamo/send.js';

export interface DynamoControlStoreOptions {
  readonly client: DynamoDBDocumentClient;
  /** StateTable: the switch is the row `pk = control`. */
  readonly table: string;
}

const KEY = { pk: 'control' };

const rowSchema = z.object({
  scanningPaused: z.boolean().default(false),
  tradingPaused: z.boolean().default(false),
  updatedAt: z.int().default(0),
  updatedBy: z.int().default(0),
});

function parse(item: Record<string, unknown>): ControlState {
  const parsed = rowSchema.safeParse(item);
  if (!parsed.success) {
    throw new PermanentError(`the control row is invalid: ${describeIssues(parsed.error.issues, { root: '' })}; /pause or /resume rewrites it`, {
      code: 'CORRUPT_CONTROL',
      cause: parsed.error,
    });
  }
  return Object.freeze(parsed.data);
}

/**
 * The admin's pause switch (/pause, /resume) in StateTable. Reads are strongly consistent (a
 * pause takes effect from the next run on); a change sets only the fields given, in one
 * atomic update, so two admins switching different things at once both win.
 */
export function createDynamoControlStore(options: DynamoControlStoreOptions): ControlStore {
  const { client, table } = options;
  return {
    async get() {
      const item = await getItem(client, { TableName: table, Key: KEY, ConsistentRead: true }, 'read the pause switch');
      return item ? parse(item) : DEFAULT_CONTROL;
    },
    async set(change, by, now) {
      const fields: Record<string, unknown> = { updatedAt: now, updatedBy: by };
      for (const field of ['scanningPaused', 'tradingPaused'] as const) {
        const v = change[field];
        if (v === undefined) continue;
        if (typeof v !== 'boolean') throw new PermanentError(`control.${field} must be true or false`, { code: 'BAD_CONTROL' });
        fields[field] = v;
      }
      const e = new Expr();
      const update = { TableName: table, Key: KEY, UpdateExpression: `SET ${e.sets(fields).join(', ')}`, ...e.parts(), ReturnValues: 'ALL_NEW' as const };
      const out = await send(client, { Update: update }, 'write the pause switch');
      return parse((out.ok && out.attributes) || {});
    },
  };
}
