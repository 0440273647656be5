/** One page of UsersTable's sparse GSI `subscribers` (fanKey = symbol or `*`), for the fan-out and the audience reads. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryPage, type Page } from '../dynamo/read.js';
import { SUBSCRIBERS_INDEX } from './user-rows.js';

export async function querySubscribersPage(
  client: DynamoDBDocumentClient,
  table: string,
  fanKey: string,
  projection: string,
  start: Record<string, unknown> | undefined,
  limit?: number,
): Promise<Page> {
  return queryPage(
    client,
    {
      TableName: table,
      IndexName: SUBSCRIBERS_INDEX,
      KeyConditionExpression: 'fanKey = :k',
      ExpressionAttributeValues: { ':k': fanKey },
      ProjectionExpression: projection,
      ...(limit !== undefined ? { Limit: limit } : {}),
      ExclusiveStartKey: start,
    },
    `query subscribers of ${fanKey}`,
  );
}
