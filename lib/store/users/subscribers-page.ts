/** One page of UsersTable's sparse GSI `subscribers` (fanKey = symbol or `*`), for the fan-out and the audience reads. */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateAwsError } from '../../aws/errors.js';
import { SUBSCRIBERS_INDEX } from './user-rows.js';

export interface SubscribersPage {
  readonly items: readonly Record<string, unknown>[];
  /** Where the next page starts; undefined after the last page. */
  readonly next: Record<string, unknown> | undefined;
}

export async function querySubscribersPage(
  client: DynamoDBDocumentClient,
  table: string,
  fanKey: string,
  projection: string,
  start: Record<string, unknown> | undefined,
  limit?: number,
): Promise<SubscribersPage> {
  try {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: SUBSCRIBERS_INDEX,
        KeyConditionExpression: 'fanKey = :k',
        ExpressionAttributeValues: { ':k': fanKey },
        ProjectionExpression: projection,
        ...(limit !== undefined ? { Limit: limit } : {}),
        ExclusiveStartKey: start,
      }),
    );
    return { items: page.Items ?? [], next: page.LastEvaluatedKey };
  } catch (error) {
    throw translateAwsError(error, `query subscribers of ${fanKey}`);
  }
}
