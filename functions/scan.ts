import { defaultLogger, lambdaHandler, lazy, type HandlerOptions } from '../lib/runtime/handler-kit.js';
import { scanFailureRatio, scanMetrics, scanOutboxStuck } from '../lib/runtime/report-metrics.js';
import { scanEventSchema, scanResult, scanRuntimeFromEnv, type ScanResult, type ScanRuntime } from '../lib/runtime/scan.js';
import { runScan } from '../lib/scan/run-scan.js';

export { scanEventSchema, type ScanResult } from '../lib/runtime/scan.js';

export interface ScanHandlerOptions extends HandlerOptions {
  /** Replaces the runtime built from env + config file (tests, replay). */
  readonly runtime?: ScanRuntime;
}

/**
 * Builds the scan handler. Thin: validate the event, run the scan use case, publish
 * metrics, map the report. The runtime (config + clients) is built on the first
 * invocation, not at import.
 */
export function makeScanHandler(options: ScanHandlerOptions = {}) {
  const logger = defaultLogger(options.logger);
  const runtime = lazy(() => scanRuntimeFromEnv(options.env ?? process.env), options.runtime);
  return lambdaHandler({ logger, dynamoErrors: () => runtime.peek()?.dynamoErrors, event: { schema: scanEventSchema, what: 'scan' } }, async (event, inv): Promise<ScanResult> => {
    const report = await runScan(runtime().deps({ log: inv.log, remainingMs: inv.remainingMs }), event.timeframe);
    inv.publish(scanMetrics(report));
    logger.info('scan finished', { ...report, failureRatio: scanFailureRatio(report), outboxStuck: scanOutboxStuck(report), failures: report.failures.slice(0, 50) });
    return scanResult(report);
  });
}

export const handler = makeScanHandler();
