import { defaultLogger, lambdaHandler, lazy, powertoolsLog, type HandlerOptions, type WithDynamoErrors } from '../lib/runtime/handler-kit.js';
import { summaryDay, summaryDepsFromEnv, summaryEventSchema } from '../lib/runtime/summary.js';
import { runDailySummary, type SummaryDeps, type SummaryReport } from '../lib/summary/run-summary.js';

export { summaryEventSchema } from '../lib/runtime/summary.js';

export interface SummaryHandlerOptions extends HandlerOptions {
  /** Replaces the deps built from env + config file (tests). */
  readonly deps?: SummaryDeps;
}

/** The daily summary: the UTC day before (scheduled) or the day a manual event names. */
export function makeSummaryHandler(options: SummaryHandlerOptions = {}) {
  const logger = defaultLogger(options.logger);
  const deps = lazy<SummaryDeps & WithDynamoErrors>(() => summaryDepsFromEnv(options.env ?? process.env, powertoolsLog(logger)), options.deps);
  return lambdaHandler({ logger, dynamoErrors: () => deps.peek()?.dynamoErrors, event: { schema: summaryEventSchema, what: 'summary' } }, async (event): Promise<SummaryReport> => {
    const day = summaryDay(event);
    const report = day ? await runDailySummary(deps(), day) : await runDailySummary(deps());
    logger.info('daily summary enqueued', { ...report });
    return report;
  });
}

export const handler = makeSummaryHandler();
