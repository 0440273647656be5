import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { z } from 'zod';
import { parseEnv } from '../lib/config/env.js';
import { loadConfigFile } from '../lib/config/load.js';
import { describeError, isCandlebotError } from '../lib/errors.js';
import { healthEnvSchema } from '../lib/health/env.js';
import { readHealth, type HealthDeps } from '../lib/health/read-health.js';
import { VERSION } from '../lib/health/version.js';
import { createHealthDepsFromEnv } from '../lib/health/wiring.js';
import { systemClock } from '../lib/ports/clock.js';
import { powertoolsLog } from '../lib/aws/powertools-log.js';
import { createAwsClients } from '../lib/runtime/wiring.js';

/** The HTTP API (payload 2.0) request: only the method matters. */
export const healthEventSchema = z.looseObject({
  requestContext: z.looseObject({ http: z.looseObject({ method: z.string() }) }),
});

export interface HealthHandlerOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the deps built from env + config file (tests). */
  readonly deps?: HealthDeps;
  readonly logger?: Logger;
}

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

/**
 * GET /health → the health report as JSON (lib/health/evaluate.ts has the rules).
 * HTTP status: 200 when ok or degraded, 503 when down (an uptime monitor alerts on the code
 * alone; the body is the same report). A deployment that cannot even read its environment or
 * config answers 503 `down` with the error code only. Never a table name, URL or secret in the body.
 */
export function makeHealthHandler(options: HealthHandlerOptions = {}) {
  const logger = options.logger ?? new Logger({ serviceName: 'candlebot' });
  const log = powertoolsLog(logger);
  let deps: HealthDeps | undefined = options.deps;

  const getDeps = (): HealthDeps => {
    if (!deps) {
      const env = parseEnv(healthEnvSchema, options.env ?? process.env);
      const config = loadConfigFile(env.CANDLEBOT_CONFIG_PATH);
      const { ddb, sqs } = createAwsClients(env);
      deps = createHealthDepsFromEnv(env, { config, ddb, sqs, clock: systemClock, log });
    }
    return deps;
  };

  const health = async (event: unknown, _context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const parsed = healthEventSchema.safeParse(event);
    if (!parsed.success) return json(400, { error: 'not an HTTP API request' });
    if (parsed.data.requestContext.http.method !== 'GET') return json(405, { error: 'only GET is allowed' });
    let ready: HealthDeps;
    try {
      ready = getDeps();
    } catch (error) {
      logger.error('health: cannot build the readers', { error: describeError(error) });
      const code = isCandlebotError(error) ? error.code : 'UNEXPECTED';
      return json(503, { status: 'down', version: VERSION, checkedAt: new Date(systemClock.now()).toISOString(), error: code });
    }
    const report = await readHealth(ready);
    if (report.status !== 'ok') logger.warn('health not ok', { report });
    return json(report.status === 'down' ? 503 : 200, report);
  };

  return middy(health).use(injectLambdaContext(logger));
}

export const handler = makeHealthHandler();
