import type { SQSBatchResponse } from 'aws-lambda';
import { runBatch } from '../lib/notify/run-batch.js';
import { defaultLogger, lambdaHandler, lazy, powertoolsLog, type HandlerOptions } from '../lib/runtime/handler-kit.js';
import { batchResponse, notifyRuntimeFromEnv, sqsEventSchema, sqsRecords, type NotifyRuntime } from '../lib/runtime/notify.js';

export { sqsEventSchema } from '../lib/runtime/notify.js';

export interface NotifyHandlerOptions extends HandlerOptions {
  /** Replaces the runtime built from env + config file (tests, npm start). */
  readonly runtime?: NotifyRuntime;
}

/**
 * Builds the notify handler: validate the SQS event, deliver the batch, publish metrics and
 * return only the failed items (each already given its retry delay). It never deletes
 * messages itself: Lambda's event source deletes the successes (locally: the poller).
 */
export function makeNotifyHandler(options: NotifyHandlerOptions = {}) {
  const logger = defaultLogger(options.logger);
  const runtime = lazy(() => notifyRuntimeFromEnv(options.env ?? process.env, powertoolsLog(logger)), options.runtime);
  return lambdaHandler({ logger, dynamoErrors: () => runtime.peek()?.dynamoErrors, event: { schema: sqsEventSchema, what: 'SQS' } }, async (event, inv): Promise<SQSBatchResponse> => {
    const report = await runBatch(runtime().deps({ log: inv.log, remainingMs: inv.remainingMs }), sqsRecords(event));
    logger.info('notify batch finished', { ...report, failures: report.failures.length });
    return batchResponse(report);
  });
}

export const handler = makeNotifyHandler();
