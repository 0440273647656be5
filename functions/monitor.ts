import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { monitorEnvSchema, parseEnv } from '../lib/config/env.js';
import { loadConfigFile } from '../lib/config/load.js';
import { PermanentError } from '../lib/errors.js';
import { createMonitorRuntime, type MonitorRuntime } from '../lib/monitor/monitor-runtime.js';
import { runMonitor, type MonitorReport } from '../lib/monitor/run-monitor.js';
import { powertoolsLog } from '../lib/aws/powertools-log.js';
import { createDashboardRefresher, refreshAfterMonitor, type DashboardRefresher } from '../lib/dashboard/runtime.js';

/** The EventBridge scheduled event (serverless.yml: every minute), or `{}` for a manual run. */
export const monitorEventSchema = z.union([z.looseObject({ 'detail-type': z.literal('Scheduled Event'), source: z.literal('aws.events') }), z.object({}).strict()]);

export interface MonitorResult {
  readonly listed: number;
  readonly closed: number;
  readonly quarantined: number;
  readonly failed: number;
  readonly notified: number;
}

export interface MonitorHandlerOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the runtime built from env + config file (tests). */
  readonly runtime?: MonitorRuntime;
  /** Replaces the dashboard refresher built from env (tests); null = off. */
  readonly dashboards?: DashboardRefresher | null;
  readonly logger?: Logger;
}

function publishMetrics(metrics: Metrics, report: MonitorReport): void {
  metrics.addMetric('PositionsListed', MetricUnit.Count, report.listed);
  metrics.addMetric('PositionsClosed', MetricUnit.Count, report.closed);
  metrics.addMetric('PositionsMarked', MetricUnit.Count, report.marked + report.progressed);
  metrics.addMetric('RowsQuarantined', MetricUnit.Count, report.quarantined);
  metrics.addMetric('MonitorFailures', MetricUnit.Count, report.failed);
  metrics.addMetric('PositionEventsDelivered', MetricUnit.Count, report.events.delivered);
  metrics.addMetric('MonitorDuration', MetricUnit.Milliseconds, report.durationMs);
}

/** Builds the monitor handler: validate the event, run the use case, publish metrics, map the report. */
export function makeMonitorHandler(options: MonitorHandlerOptions = {}) {
  const logger = options.logger ?? new Logger({ serviceName: 'candlebot' });
  const metrics = new Metrics({ namespace: 'candlebot', serviceName: 'candlebot' });
  let runtime: MonitorRuntime | undefined = options.runtime;
  let dashboards: DashboardRefresher | null | undefined = options.dashboards;

  const getRuntime = (): MonitorRuntime => {
    if (!runtime) {
      const env = parseEnv(monitorEnvSchema, options.env ?? process.env);
      runtime = createMonitorRuntime(env, loadConfigFile(env.CANDLEBOT_CONFIG_PATH));
    }
    return runtime;
  };

  const monitor = async (event: unknown, context: Context): Promise<MonitorResult> => {
    const parsed = monitorEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new PermanentError(`invalid monitor event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, {
        code: 'INVALID_EVENT',
      });
    }
    const deps = getRuntime().deps({ log: powertoolsLog(logger), remainingMs: () => context.getRemainingTimeInMillis() });
    const report = await runMonitor(deps);
    publishMetrics(metrics, report);
    logger.info('monitor finished', { ...report, failures: report.failures.slice(0, 50) });
    // After the positions: the pinned dashboards (lib/dashboard), when USERS_TABLE is set.
    const dash = await refreshAfterMonitor(() => (dashboards === undefined ? (dashboards = createDashboardRefresher(options.env ?? process.env, getRuntime().config)) : dashboards), deps.log, deps.clock);
    if (dash) metrics.addMetric('failed' in dash ? 'DashboardRefreshFailures' : 'DashboardsEnqueued', MetricUnit.Count, 'failed' in dash ? 1 : dash.enqueued);
    return { listed: report.listed, closed: report.closed, quarantined: report.quarantined, failed: report.failed, notified: report.events.delivered };
  };

  return middy(monitor).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

export const handler = makeMonitorHandler();
