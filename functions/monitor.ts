import { runMonitor } from '../lib/monitor/run-monitor.js';
import { defaultLogger, lambdaHandler, lazy, type HandlerOptions } from '../lib/runtime/handler-kit.js';
import { monitorEventSchema, monitorLogLine, monitorResult, monitorRuntimeFromEnv, type MonitorResult, type MonitorRuntime } from '../lib/runtime/monitor.js';
import { monitorMetrics } from '../lib/runtime/report-metrics.js';

export { monitorEventSchema, type MonitorResult } from '../lib/runtime/monitor.js';

export interface MonitorHandlerOptions extends HandlerOptions {
  /** Replaces the runtime built from env + config file (tests); it wires the dashboard refresh too. */
  readonly runtime?: MonitorRuntime;
}

/**
 * Builds the monitor handler: validate the event, run the use case (positions, then the pinned
 * dashboards), publish metrics, map the report.
 */
export function makeMonitorHandler(options: MonitorHandlerOptions = {}) {
  const logger = defaultLogger(options.logger);
  const runtime = lazy(() => monitorRuntimeFromEnv(options.env ?? process.env), options.runtime);
  return lambdaHandler({ logger, dynamoErrors: () => runtime.peek()?.dynamoErrors, event: { schema: monitorEventSchema, what: 'monitor' } }, async (_event, inv): Promise<MonitorResult> => {
    const report = await runMonitor(runtime().deps({ log: inv.log, remainingMs: inv.remainingMs }));
    inv.publish(monitorMetrics(report));
    logger.info('monitor finished', monitorLogLine(report));
    return monitorResult(report);
  });
}

export const handler = makeMonitorHandler();
