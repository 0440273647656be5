import type { HealthDeps } from '../lib/health/read-health.js';
import { defaultLogger, lambdaHandler, lazy, powertoolsLog, type HandlerOptions, type WithDynamoErrors } from '../lib/runtime/handler-kit.js';
import { answerHealth, healthDepsFromEnv } from '../lib/runtime/health.js';

export { healthEventSchema } from '../lib/runtime/health.js';

export interface HealthHandlerOptions extends HandlerOptions {
  /** Replaces the deps built from env + config file (tests). */
  readonly deps?: HealthDeps;
}

/**
 * GET /health → the health report as JSON: 200 when ok or degraded, 503 when down or when the
 * readers cannot be built (lib/runtime/health.ts). The event is checked there: a request that
 * is not an HTTP API GET gets 400/405, not an error.
 */
export function makeHealthHandler(options: HealthHandlerOptions = {}) {
  const logger = defaultLogger(options.logger);
  const deps = lazy<HealthDeps & WithDynamoErrors>(() => healthDepsFromEnv(options.env ?? process.env, powertoolsLog(logger)), options.deps);
  return lambdaHandler({ logger, dynamoErrors: () => deps.peek()?.dynamoErrors }, (event) => answerHealth(event, deps, logger));
}

export const handler = makeHealthHandler();
