import { z } from 'zod';
import { awsEnvShape, configPathShape } from '../config/env.js';

/** Environment of the daily-summary function: trades and portfolio, chats, the queue. */
export const summaryEnvSchema = z.object({
  ...configPathShape,
  POSITIONS_TABLE: z.string().min(3),
  USERS_TABLE: z.string().min(3),
  NOTIFY_QUEUE_URL: z.url(),
  ...awsEnvShape,
});

export type SummaryEnv = Readonly<z.output<typeof summaryEnvSchema>>;
