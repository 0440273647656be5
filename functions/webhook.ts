import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createBotRuntime, type BotRuntime } from '../lib/bot/bot-runtime.js';
import { parseEnv, webhookEnvSchema, type WebhookEnv } from '../lib/config/env.js';
import { loadConfigFile } from '../lib/config/load.js';
import { powertoolsLog } from '../lib/aws/powertools-log.js';
import { handleWebhookRequest } from '../lib/webhook/handle-request.js';
import { DEFAULT_MAX_BODY_BYTES } from '../lib/webhook/read-body.js';

export interface WebhookHandlerOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the bot built from env + config file (tests). */
  readonly runtime?: (env: WebhookEnv) => BotRuntime;
  readonly logger?: Logger;
  readonly maxBodyBytes?: number;
}

/** Update handling must end before the function's timeout (serverless.yml: 25 s). */
const HANDLER_TIMEOUT_MS = 20_000;

/**
 * POST /telegram/webhook (API Gateway HTTP API, payload v2). Thin: the request goes to
 * lib/webhook/handle-request.ts (secret, size, JSON, zod, the bot). The environment is parsed on
 * the first request; the bot (config, clients, telegraf) is built on the first request that
 * passes the secret check, and reused by warm invocations.
 */
export function makeWebhookHandler(options: WebhookHandlerOptions = {}) {
  const logger = options.logger ?? new Logger({ serviceName: 'candlebot' });
  const log = powertoolsLog(logger);
  let env: WebhookEnv | undefined;
  let runtime: BotRuntime | undefined;

  const getEnv = (): WebhookEnv => (env ??= parseEnv(webhookEnvSchema, options.env ?? process.env));
  const getRuntime = (e: WebhookEnv): BotRuntime =>
    (runtime ??= options.runtime
      ? options.runtime(e)
      : createBotRuntime(e, loadConfigFile(e.CANDLEBOT_CONFIG_PATH), { log, secrets: [e.TELEGRAM_WEBHOOK_SECRET], handlerTimeoutMs: HANDLER_TIMEOUT_MS }));

  const webhook = async (event: APIGatewayProxyEventV2, _context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const e = getEnv();
    const response = await handleWebhookRequest(
      { headers: event.headers, body: event.body, isBase64Encoded: event.isBase64Encoded },
      {
        secret: e.TELEGRAM_WEBHOOK_SECRET,
        maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        handleUpdate: (update) => getRuntime(e).bot.handleUpdate(update),
        log,
        secrets: [e.TELEGRAM_BOT_TOKEN, e.TELEGRAM_WEBHOOK_SECRET],
      },
    );
    return { statusCode: response.statusCode, headers: { ...response.headers }, body: response.body };
  };

  // No logEvent: the event carries the secret header.
  return middy(webhook).use(injectLambdaContext(logger, { logEvent: false }));
}

export const handler = makeWebhookHandler();
