import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { parseEnv } from '../lib/config/env.js';
import { loadConfigFile } from '../lib/config/load.js';
import { PermanentError } from '../lib/errors.js';
import { systemClock } from '../lib/ports/clock.js';
import { powertoolsLog } from '../lib/aws/powertools-log.js';
import { createAwsClients } from '../lib/runtime/wiring.js';
import { summaryEnvSchema } from '../lib/summary/env.js';
import { runDailySummary, utcDay, type SummaryDeps, type SummaryReport } from '../lib/summary/run-summary.js';
import { createSummaryDeps } from '../lib/summary/wiring.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a calendar date');

/**
 * The EventBridge schedule (serverless.yml: daily at 00:05 UTC) summarises the UTC day before;
 * a manual `{ "date": "yyyy-mm-dd" }` re-sends that day (same ids: chats that got it are skipped
 * by the consumer).
 */
export const summaryEventSchema = z.union([
  z.looseObject({ 'detail-type': z.literal('Scheduled Event'), source: z.literal('aws.events') }),
  z.object({ date: isoDate.optional() }).strict(),
]);

export interface SummaryHandlerOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the deps built from env + config file (tests). */
  readonly deps?: SummaryDeps;
  readonly logger?: Logger;
}

export function makeSummaryHandler(options: SummaryHandlerOptions = {}) {
  const logger = options.logger ?? new Logger({ serviceName: 'candlebot' });
  const metrics = new Metrics({ namespace: 'candlebot', serviceName: 'candlebot' });
  let deps: SummaryDeps | undefined = options.deps;

  const getDeps = (): SummaryDeps => {
    if (!deps) {
      const env = parseEnv(summaryEnvSchema, options.env ?? process.env);
      const config = loadConfigFile(env.CANDLEBOT_CONFIG_PATH);
      const { ddb, sqs } = createAwsClients(env);
      deps = createSummaryDeps({ config, ddb, sqs, positionsTable: env.POSITIONS_TABLE, usersTable: env.USERS_TABLE, queueUrl: env.NOTIFY_QUEUE_URL, clock: systemClock, log: powertoolsLog(logger) });
    }
    return deps;
  };

  const summary = async (event: unknown, _context: Context): Promise<SummaryReport> => {
    const parsed = summaryEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new PermanentError(`invalid summary event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, { code: 'INVALID_EVENT' });
    }
    const date = 'date' in parsed.data && typeof parsed.data.date === 'string' ? parsed.data.date : undefined;
    const ready = getDeps();
    const report = date ? await runDailySummary(ready, utcDay(date)) : await runDailySummary(ready);
    metrics.addMetric('DailySummariesEnqueued', MetricUnit.Count, report.enqueued);
    logger.info('daily summary enqueued', { ...report });
    return report;
  };

  return middy(summary).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

export const handler = makeSummaryHandler();
