import { z } from 'zod';
import { awsEnvShape, configPathShape } from '../config/env.js';

/** Environment of the health function (GET /health): what the probes read, nothing else. */
export const healthEnvSchema = z.object({
  ...configPathShape,
  STATE_TABLE: z.string().min(3),
  POSITIONS_TABLE: z.string().min(3),
  /** The signal outbox's table: read (its `outbox-pending` index) when the outbox probes are on. */
  SIGNALS_TABLE: z.string().min(3).optional(),
  NOTIFY_QUEUE_URL: z.url(),
  NOTIFY_DLQ_URL: z.url(),
  ...awsEnvShape,
});

export type HealthEnv = Readonly<z.output<typeof healthEnvSchema>>;
