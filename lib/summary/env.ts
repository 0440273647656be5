import { z } from 'zod';

/** Environment of the daily-summary function: trades and portfolio, chats, the queue. */
export const summaryEnvSchema = z.object({
  CANDLEBOT_CONFIG_PATH: z.string().min(1).default('candlebot.config.yml'),
  POSITIONS_TABLE: z.string().min(3),
  USERS_TABLE: z.string().min(3),
  NOTIFY_QUEUE_URL: z.url(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  CANDLEBOT_DDB_ENDPOINT: z.url().optional(),
  CANDLEBOT_SQS_ENDPOINT: z.url().optional(),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
});

export type SummaryEnv = Readonly<z.output<typeof summaryEnvSchema>>;
