/**
 * The one way the stores send a single-item write (Put / Update / Delete through the document
 * client) and a plain read: AWS errors are translated here, at the boundary, once
 * (translateAwsError, the SDK error kept as `cause`).
 *
 * A conditional write that fails its condition is not an error but an answer: `send` returns
 * `{ ok: false, conditionFailed: true, old }`, where `old` is the item as stored when the
 * condition was evaluated (ReturnValuesOnConditionCheckFailure = ALL_OLD, converted to plain JS
 * by ./codec.ts; absent when there was no item). So a caller that needs to know why its write
 * was refused reads nothing more.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  PutCommand,
  UpdateCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  type PutCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { awsErrorName, translateAwsError } from '../../aws/errors.js';
import { plainItem } from './codec.js';

/** One single-item write, shaped like a TransactWriteItems action (./transact.ts). */
export type Write = { readonly Put: PutCommandInput } | { readonly Update: UpdateCommandInput } | { readonly Delete: DeleteCommandInput };

export type WriteResult =
  | { readonly ok: true; readonly attributes?: Record<string, unknown> }
  | { readonly ok: false; readonly conditionFailed: true; readonly old?: Record<string, unknown> };

/** The SDK's error name for a failed condition of a single-item write. */
export const CONDITION_FAILED_EXCEPTION = 'ConditionalCheckFailedException';

/** The old item is only asked for when there is a condition to fail. */
function withOld<T extends { ConditionExpression?: string | undefined }>(input: T): T {
  return input.ConditionExpression === undefined ? input : { ...input, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' };
}

async function sendOne(client: DynamoDBDocumentClient, write: Write): Promise<Record<string, unknown> | undefined> {
  if ('Put' in write) return (await client.send(new PutCommand(withOld(write.Put)))).Attributes;
  if ('Update' in write) return (await client.send(new UpdateCommand(withOld(write.Update)))).Attributes;
  return (await client.send(new DeleteCommand(withOld(write.Delete)))).Attributes;
}

/**
 * Sends one write. `ok: true` with the returned attributes (when ReturnValues asked for
 * some); `conditionFailed` with the stored item when the condition failed; any other error is
 * thrown, translated with `label` as the operation.
 */
export async function send(client: DynamoDBDocumentClient, write: Write, label: string): Promise<WriteResult> {
  let attributes: Record<string, unknown> | undefined;
  try {
    attributes = await sendOne(client, write);
  } catch (error) {
    if (awsErrorName(error) !== CONDITION_FAILED_EXCEPTION) throw translateAwsError(error, label);
    const item = (error as { Item?: Record<string, AttributeValue> }).Item;
    return item === undefined ? { ok: false, conditionFailed: true } : { ok: false, conditionFailed: true, old: plainItem(item) };
  }
  return attributes === undefined ? { ok: true } : { ok: true, attributes };
}

/**
 * Runs one SDK call (a read, a query, a batch) and translates its error with `label`. `call`
 * should hold the SDK call only: whatever it throws is taken for an AWS error.
 */
export async function request<T>(label: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateAwsError(error, label);
  }
}
