import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { translateAwsError } from '../../aws/errors.js';
import { PermanentError } from '../../errors.js';
import { DEFAULT_CONTROL, type ControlState, type ControlStore } from '../../ports/control.js';

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
    throw new PermanentError(`the control row is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}; /pause or /resume rewrites it`, {
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
      let item;
      try {
        item = (await client.send(new GetCommand({ TableName: table, Key: KEY, ConsistentRead: true }))).Item;
      } catch (error) {
        throw translateAwsError(error, 'read the pause switch');
      }
      return item ? parse(item) : DEFAULT_CONTROL;
    },
    async set(change, by, now) {
      const sets = ['updatedAt = :now', 'updatedBy = :by'];
      const values: Record<string, unknown> = { ':now': now, ':by': by };
      for (const field of ['scanningPaused', 'tradingPaused'] as const) {
        const v = change[field];
        if (v === undefined) continue;
        if (typeof v !== 'boolean') throw new PermanentError(`control.${field} must be true or false`, { code: 'BAD_CONTROL' });
        sets.push(`${field} = :${field}`);
        values[`:${field}`] = v;
      }
      try {
        const out = await client.send(new UpdateCommand({ TableName: table, Key: KEY, UpdateExpression: `SET ${sets.join(', ')}`, ExpressionAttributeValues: values, ReturnValues: 'ALL_NEW' }));
        return parse(out.Attributes ?? {});
      } catch (error) {
        if (error instanceof PermanentError) throw error;
        throw translateAwsError(error, 'write the pause switch');
      }
    },
  };
}
