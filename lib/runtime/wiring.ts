import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { appendAwsCallLog } from '../aws/call-recorder.js';
import { createDocumentClient, createSqsClient } from '../aws/clients.js';
import type { ExchangeConfig } from '../config/schema.js';
import { createCcxtExchange } from '../exchange/ccxt-exchange.js';
import type { Clock } from '../ports/clock.js';
import type { ExchangePort, MarketsCache } from '../ports/exchange.js';

/** The environment every function shares for reaching AWS (deployed) or the local stack. */
export interface AwsEnv {
  readonly AWS_REGION: string;
  readonly CANDLEBOT_DDB_ENDPOINT?: string | undefined;
  readonly CANDLEBOT_SQS_ENDPOINT?: string | undefined;
  readonly AWS_ACCESS_KEY_ID?: string | undefined;
  readonly AWS_SECRET_ACCESS_KEY?: string | undefined;
  /** Tests only (IAM coverage): a file that receives one JSON line per SDK call (lib/aws/call-recorder.ts). */
  readonly CANDLEBOT_AWS_CALL_LOG?: string | undefined;
}

/**
 * SDK clients for DynamoDB and SQS. With the local endpoints, the local stack's credentials are
 * passed explicitly; deployed, the SDK's default credential chain (the function's role) applies.
 */
export function createAwsClients(env: AwsEnv): { ddb: DynamoDBDocumentClient; sqs: SQSClient } {
  const local = env.CANDLEBOT_DDB_ENDPOINT !== undefined && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY;
  const credentials = local ? { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } : undefined;
  const onCall = env.CANDLEBOT_AWS_CALL_LOG ? appendAwsCallLog(env.CANDLEBOT_AWS_CALL_LOG) : undefined;
  return {
    ddb: createDocumentClient({ region: env.AWS_REGION, endpoint: env.CANDLEBOT_DDB_ENDPOINT, credentials, onCall }),
    sqs: createSqsClient({ region: env.AWS_REGION, endpoint: env.CANDLEBOT_SQS_ENDPOINT, credentials, onCall }),
  };
}

/**
 * One ccxt adapter per exchange per container: its rate limiter and loaded markets carry over
 * to warm invocations (markets freshness is still checked on every prepare()). A failed
 * construction is forgotten, so the next invocation tries again; its error reaches the caller.
 */
export function ccxtExchangeFactory(marketsCache: MarketsCache, marketsTtlMs: number): (c: ExchangeConfig, clock: Clock) => Promise<ExchangePort> {
  const adapters = new Map<string, Promise<ExchangePort>>();
  return (c, clock) => {
    let adapter = adapters.get(c.id);
    if (!adapter) {
      adapter = createCcxtExchange({ id: c.id, marketsCache, apiBase: c.apiBase, timeoutMs: c.timeoutMs, marketsTtlMs, clock });
      adapter.catch(() => adapters.delete(c.id));
      adapters.set(c.id, adapter);
    }
    return adapter;
  };
}
