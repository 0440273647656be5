import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { defaultLogger, lambdaHandler, type HandlerOptions } from '../lib/runtime/handler-kit.js';
import { webhookMetrics } from '../lib/runtime/report-metrics.js';
import { webhookResponder, type BotRuntime, type WebhookEnv } from '../lib/runtime/webhook.js';

export interface WebhookHandlerOptions extends HandlerOptions {
  /** Replaces the bot built from env + config file (tests). */
  readonly runtime?: (env: WebhookEnv) => BotRuntime;
  readonly maxBodyBytes?: number;
}

/**
 * POST /telegram/webhook (API Gateway HTTP API, payload v2). Thin: the request goes to
 * lib/webhook/handle-request.ts (secret, size, JSON, zod, the bot) through lib/runtime/webhook.ts.
 * The environment is parsed on the first request; the bot (config, clients, telegraf) is built
 * on the first request that passes the secret check, and reused by warm invocations.
 */
export function makeWebhookHandler(options: WebhookHandlerOptions = {}) {
  const logger = defaultLogger(options.logger);
  const respond = webhookResponder({ ...options, logger });
  // No logEvent: the event carries the secret header.
  return lambdaHandler({ logger, logEvent: false, dynamoErrors: respond.dynamoErrors }, async (event, inv): Promise<APIGatewayProxyStructuredResultV2> => {
    const response = await respond(event as APIGatewayProxyEventV2);
    inv.publish(webhookMetrics(response));
    return response;
  });
}

export const handler = makeWebhookHandler();
