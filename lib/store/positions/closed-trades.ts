/**
 * Closed paper trades in a time window, for /pnl. Trades live in PositionsTable under
 * `trades#<strategy>` / `<position id>` (infra/tables.yml), so the reader first lists the
 * strategies that have trades (their `stats` / `strategy#<name>` rows, one Query), then
 * Queries each strategy's partition with a filter on `closedAt`. Bounded: at most `limit`
 * trades in total (`truncated` says when more matched). No Scan.
 */
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ClosedTradesReader, RowProblem, TradeRecord } from '../../ports/positions.js';
import { queryItems } from '../dynamo/read.js';
import { readRow } from './rows.js';
import { toTrade, tradeRowSchema } from './trade-rows.js';

const PAGE = 500;

export function createDynamoClosedTrades(options: { readonly client: DynamoDBDocumentClient; readonly table: string }): ClosedTradesReader {
  const { client, table } = options;

  async function query(input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>, limit: number, what: string) {
    // One item past `limit` tells whether more matched (a LastEvaluatedKey alone may lead to nothing).
    const { items } = await queryItems(client, { ...input, TableName: table }, limit + 1, PAGE, what);
    return { items: items.slice(0, limit), more: items.length > limit };
  }

  async function strategiesWithStats(): Promise<string[]> {
    const { items } = await query(
      { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': 'stats', ':prefix': 'strategy#' }, ProjectionExpression: 'sk' },
      1000,
      'list strategy statistics',
    );
    return items.map((i) => String(i['sk']).slice('strategy#'.length)).filter((s) => s.length > 0);
  }

  return {
    async listClosedSince(since, limit, strategies = []) {
      const names = [...new Set([...(await strategiesWithStats()), ...strategies])].sort();
      const trades: TradeRecord[] = [];
      const invalid: RowProblem[] = [];
      let truncated = false;
      for (const name of names) {
        const left = limit - trades.length;
        if (left <= 0) {
          truncated = true;
          break;
        }
        const filter = since === null ? {} : { FilterExpression: 'closedAt >= :since' };
        const { items, more } = await query(
          { KeyConditionExpression: 'pk = :pk', ...filter, ExpressionAttributeValues: { ':pk': `trades#${name}`, ...(since === null ? {} : { ':since': since }) } },
          left,
          `list trades of ${name}`,
        );
        if (more) truncated = true;
        for (const item of items) {
          const read = readRow(tradeRowSchema, item);
          if (read.ok) trades.push(toTrade(read.value));
          else invalid.push(read.problem);
        }
      }
      return { trades, invalid, truncated };
    },
  };
}
