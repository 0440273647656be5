/**
 * Plain reads through the document client, each translating its AWS errors once (./send.ts
 * `request`): one item, one page of a Query, or a bounded run of pages.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient, type GetCommandInput, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { request } from './send.js';

export type Item = Record<string, unknown>;

/** GetItem; undefined when there is no such item. */
export async function getItem(client: DynamoDBDocumentClient, input: GetCommandInput, label: string): Promise<Item | undefined> {
  return (await request(label, () => client.send(new GetCommand(input)))).Item;
}

export interface Page {
  readonly items: Item[];
  /** Where the next page starts; undefined after the last page. */
  readonly next: Item | undefined;
}

/** One page of a Query. */
export async function queryPage(client: DynamoDBDocumentClient, input: QueryCommandInput, label: string): Promise<Page> {
  const out = await request(label, () => client.send(new QueryCommand(input)));
  return { items: out.Items ?? [], next: out.LastEvaluatedKey };
}

/**
 * Up to `max` items of a Query, page by page (each page asks for at most `pageSize` and never
 * more than the items still wanted); `next` is set when the Query did not reach its end.
 */
export async function queryItems(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  max: number,
  pageSize: number,
  label: string,
): Promise<Page> {
  const items: Item[] = [];
  let next: Item | undefined;
  do {
    const page = await queryPage(client, { ...input, Limit: Math.min(pageSize, max - items.length), ExclusiveStartKey: next }, label);
    items.push(...page.items);
    next = page.next;
  } while (next && items.length < max);
  return { items, next };
}
