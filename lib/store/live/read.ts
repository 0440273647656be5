/** Validated reads of single LiveTable rows (GetItem, consistent): a row that fails validation is a RowProblem. */
import type { z } from 'zod';
import { describeIssues } from '../../core/zod-issues.js';
import { PermanentError } from '../../errors.js';
import type { RowRead } from '../../ports/live.js';
import { getItem } from '../dynamo/read.js';
import { readRow } from '../positions/rows.js';
import type { LiveStoreContext } from './context.js';
import type { ItemKey } from './keys.js';

/** The row at `key` through `schema` and `convert`; undefined when absent. */
export async function readOne<S extends z.ZodType, T>(ctx: LiveStoreContext, key: ItemKey, schema: S, convert: (row: z.output<S>) => T, label: string): Promise<RowRead<T> | undefined> {
  const item = await getItem(ctx.client, { TableName: ctx.table, Key: { ...key }, ConsistentRead: true }, label);
  return item === undefined ? undefined : decode(item, schema, convert);
}

/** An item already read (a Query's, or the old item of a failed condition) through `schema` and `convert`. */
export function decode<S extends z.ZodType, T>(item: Record<string, unknown>, schema: S, convert: (row: z.output<S>) => T): RowRead<T> {
  const read = readRow(schema, item);
  return read.ok ? { ok: true, value: convert(read.value) } : read;
}

/** The value of a read, or undefined (absent or invalid: the caller reports `stale` without it). */
export const valueOf = <T>(read: RowRead<T> | undefined): T | undefined => (read?.ok ? read.value : undefined);

/** A row about to be written must pass the schema its reads use (a bad command fails here, not on every later read). */
export function checkRow(schema: z.ZodType, item: Record<string, unknown>, label: string): void {
  const parsed = schema.safeParse(item);
  if (!parsed.success) throw new PermanentError(`${label}: ${describeIssues(parsed.error.issues, { root: '(row)' })}; nothing written`, { code: 'BAD_LIVE_AMOUNT' });
}
