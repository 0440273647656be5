/**
 * The health function's runtime (GET /health): its event, the readers wired from the
 * environment through lib/runtime/health-deps.ts, and the HTTP answer.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import type { DynamoErrorCounter } from '../aws/dynamo-errors.js';
import { parseEnv } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import { describeError, isCandlebotError } from '../errors.js';
import { healthEnvSchema } from '../health/env.js';
import { readHealth, type HealthDeps } from '../health/read-health.js';
import { VERSION } from '../health/version.js';
import { createHealthDepsFromEnv } from './health-deps.js';
import { systemClock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { createAwsClients } from './adapters.js';

/** The HTTP API (payload 2.0) request: only the method matters. */
export const healthEventSchema = z.looseObject({
  requestContext: z.looseObject({ http: z.looseObject({ method: z.string() }) }),
});

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

/** The readers from the process environment and the config file it names (the first request). */
export function healthDepsFromEnv(processEnv: NodeJS.ProcessEnv, log: Log): HealthDeps & { readonly dynamoErrors: DynamoErrorCounter } {
  const env = parseEnv(healthEnvSchema, processEnv);
  const config = loadConfigFile(env.CANDLEBOT_CONFIG_PATH);
  const { ddb, sqs, dynamoErrors } = createAwsClients(env);
  // The health function also reads both outboxes' backlog (its role may Query their indexes).
  return { ...createHealthDepsFromEnv(env, { config, ddb, sqs, clock: systemClock, log, outboxes: true }), dynamoErrors };
}

/**
 * GET /health → the health report as JSON (lib/health/evaluate.ts has the rules).
 * HTTP status: 200 when ok or degraded, 503 when down (an uptime monitor alerts on the code
 * alone; the body is the same report). A deployment that cannot even read its environment or
 * config answers 503 `down` with the error code only. Never a table name, URL or secret in the body.
 */
export async function answerHealth(event: unknown, getDeps: () => HealthDeps, logger: Logger): Promise<APIGatewayProxyStructuredResultV2> {
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
}
