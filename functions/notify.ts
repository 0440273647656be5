import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { z } from 'zod';
import { notifyEnvSchema, parseEnv } from '../lib/config/env.js';
import { loadConfigFile } from '../lib/config/load.js';
import { PermanentError } from '../lib/errors.js';
import { createNotifyRuntime, type NotifyRuntime } from '../lib/notify/notify-runtime.js';
import { runBatch, type BatchReport } from '../lib/notify/run-batch.js';
import { powertoolsLog } from '../lib/aws/powertools-log.js';

/**
 * The SQS event (serverless.yml: NotifyQueue, batch ≤ 10, ReportBatchItemFailures). Only the
 * fields the consumer reads are checked; bodies are validated one by one (a malformed body is
 * recorded and dropped, it never fails the batch).
 */
export const sqsEventSchema = z.looseObject({
  Records: z
    .array(
      z.looseObject({
        messageId: z.string().min(1),
        receiptHandle: z.string().min(1),
        body: z.string(),
        attributes: z.looseObject({ ApproximateReceiveCount: z.string().regex(/^\d+$/, 'must be a count') }),
      }),
    )
    .max(10_000),
});

export interface NotifyHandlerOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the runtime built from env + config file (tests, npm start). */
  readonly runtime?: NotifyRuntime;
  readonly logger?: Logger;
}

function publishMetrics(metrics: Metrics, report: BatchReport): void {
  metrics.addMetric('Received', MetricUnit.Count, report.received);
  metrics.addMetric('Sent', MetricUnit.Count, report.sent);
  metrics.addMetric('Duplicates', MetricUnit.Count, report.duplicates);
  metrics.addMetric('Retried', MetricUnit.Count, report.retried);
  metrics.addMetric('GivenBack', MetricUnit.Count, report.givenBack);
  metrics.addMetric('RateLimitWaitMs', MetricUnit.Milliseconds, report.rateWaitMs);
  for (const [reason, count] of Object.entries(report.dropped)) {
    const single = metrics.singleMetric();
    single.addDimension('reason', reason);
    single.addMetric('Dropped', MetricUnit.Count, count);
  }
}

/**
 * Builds the notify handler: validate the SQS event, deliver the batch, publish metrics and
 * return only the failed items (each already given its retry delay). It never deletes
 * messages itself: Lambda's event source deletes the successes (locally: the poller).
 */
export function makeNotifyHandler(options: NotifyHandlerOptions = {}) {
  const logger = options.logger ?? new Logger({ serviceName: 'candlebot' });
  const metrics = new Metrics({ namespace: 'candlebot', serviceName: 'candlebot' });
  let runtime: NotifyRuntime | undefined = options.runtime;

  const getRuntime = (): NotifyRuntime => {
    if (!runtime) {
      const env = parseEnv(notifyEnvSchema, options.env ?? process.env);
      runtime = createNotifyRuntime(env, loadConfigFile(env.CANDLEBOT_CONFIG_PATH), { log: powertoolsLog(logger) });
    }
    return runtime;
  };

  const notify = async (event: unknown, context: Context): Promise<SQSBatchResponse> => {
    const parsed = sqsEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new PermanentError(`invalid SQS event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, {
        code: 'INVALID_EVENT',
      });
    }
    const records = parsed.data.Records.map((r) => ({
      messageId: r.messageId,
      receiptHandle: r.receiptHandle,
      body: r.body,
      receiveCount: Number(r.attributes.ApproximateReceiveCount),
    }));
    const deps = getRuntime().deps({ log: powertoolsLog(logger), remainingMs: () => context.getRemainingTimeInMillis() });
    const report = await runBatch(deps, records);
    publishMetrics(metrics, report);
    logger.info('notify batch finished', { ...report, failures: report.failures.length });
    return { batchItemFailures: report.failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };

  return middy(notify).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

export const handler = makeNotifyHandler();
