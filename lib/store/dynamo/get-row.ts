/**
 * Reading a cached row so that no stored value can make the read itself fail (see
 * lib/aws/corrupt-rows.ts for what the stores do with a row that fails validation).
 */
import { GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateAwsError } from '../../aws/errors.js';
import { plainItem } from './codec.js';
import { request } from './send.js';

/** The document client's own failure to convert a stored number (not an AWS error). */
function isUnmarshallError(error: unknown): boolean {
  return error instanceof Error && !('$metadata' in error) && /BigInt|MAX_SAFE_INTEGER|numeric value/.test(error.message);
}

/**
 * GetItem of a cached row through the document client; when the document client cannot convert
 * the stored item — it throws on a number beyond ±MAX_SAFE_INTEGER that is not an integer (e.g.
 * 1.5e300), which would turn one damaged row into an error on every read — the row is read
 * again without its number rules (`getRowLoose`) and the caller's schema decides. AWS errors
 * are thrown translated, with `label` as the operation.
 */
export async function getRow(client: DynamoDBDocumentClient, table: string, key: Readonly<Record<string, string>>, label: string, consistentRead = false): Promise<Record<string, unknown> | undefined> {
  try {
    return (await client.send(new GetCommand({ TableName: table, Key: { ...key }, ...(consistentRead ? { ConsistentRead: true } : {}) }))).Item;
  } catch (error) {
    if (!isUnmarshallError(error)) throw translateAwsError(error, label);
    return getRowLoose(client, table, key, label, consistentRead);
  }
}

/** GetItem of a row with every number read as a JS number (never a BigInt, never an error). */
export async function getRowLoose(client: DynamoDBDocumentClient, table: string, key: Readonly<Record<string, string>>, label: string, consistentRead = false): Promise<Record<string, unknown> | undefined> {
  const k: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(key)) k[name] = { S: value };
  const out = await request(label, () => client.send(new GetItemCommand({ TableName: table, Key: k, ...(consistentRead ? { ConsistentRead: true } : {}) })));
  return out.Item === undefined ? undefined : plainItem(out.Item);
}
