import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { WebhookEnv } from '../config/env.js';
import type { BotConfig } from '../config/schema.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { TelegramPort } from '../ports/telegram.js';

/**
 * What the bot's command groups are wired from (webhook function and local long polling).
 * Each group exports `create<Group>Deps(input: BotWiringInput)` and `<group>Commands(deps): BotCommand[]`.
 */
export interface BotWiringInput {
  readonly env: Omit<WebhookEnv, 'TELEGRAM_WEBHOOK_SECRET'>;
  readonly config: BotConfig;
  readonly ddb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly clock: Clock;
  readonly log: Log;
  readonly telegram: TelegramPort;
}
