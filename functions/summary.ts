import { defaultLogger, lambdaHandler, lazy, powertoolsLog, type HandlerOptions } from '../lib/runtime/handler-kit.js';
import { summaryMetrics } from '../lib/runtime/report-metrics.js';
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
  const deps = lazy(() => summaryDepsFromEnv(options.env ?? process.env, powertoolsLog(logger)), options.deps);
  return lambdaHandler({ logger, metrics: true, event: { schema: summaryEventSchema, what: 'summary' } }, async (event, inv): Promise<SummaryReport> => {
    const day = summaryDay(event);
    const report = day ? await runDailySummary(deps(), day) : await runDailySummary(deps());
    inv.publish(summaryMetrics(report));
    logger.info('daily summary enqueued', { ...report });
    return report;
  });
}

export const handler = makeSummaryHandler();
