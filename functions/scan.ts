import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { parseEnv, scanEnvSchema } from '../lib/config/env.js';
import { loadConfigFile } from '../lib/config/load.js';
import { timeframeSchema } from '../lib/core/timeframe.js';
import { PermanentError } from '../lib/errors.js';
import { powertoolsLog } from '../lib/aws/powertools-log.js';
import { createScanRuntime, type ScanRuntime } from '../lib/runtime/scan-runtime.js';
import { runScan, type ScanReport } from '../lib/scan/run-scan.js';

/** The EventBridge schedule's input (serverless.yml: one schedule per timeframe). */
export const scanEventSchema = z.object({ timeframe: timeframeSchema }).strict();

export interface ScanResult {
  readonly timeframe: string;
  readonly candleTime: string;
  readonly scanned: number;
  readonly failed: number;
  readonly skipped: number;
  readonly signalled: number;
  /** The admin paused scanning (/pause): nothing was fetched or recorded. */
  readonly paused: boolean;
  /** The admin paused trading: signals were recorded and notified, no paper position opened. */
  readonly tradingPaused: boolean;
}

export interface ScanHandlerOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the runtime built from env + config file (tests, replay). */
  readonly runtime?: ScanRuntime;
  readonly logger?: Logger;
}

function publishMetrics(metrics: Metrics, report: ScanReport): void {
  metrics.addDimension('timeframe', report.timeframe);
  metrics.addMetric('SymbolsScanned', MetricUnit.Count, report.scanned);
  metrics.addMetric('SymbolsFailed', MetricUnit.Count, report.failed);
  metrics.addMetric('SymbolsSkipped', MetricUnit.Count, report.skipped);
  metrics.addMetric('Signals', MetricUnit.Count, report.signalled);
  metrics.addMetric('OutboxPending', MetricUnit.Count, report.outboxPending);
  metrics.addMetric('CandleGaps', MetricUnit.Count, report.gaps);
  metrics.addMetric('ScanDuration', MetricUnit.Milliseconds, report.durationMs);
}

/**
 * Builds the scan handler. Thin: validate the event, run the scan use case, publish
 * metrics, map the report. The runtime (config + clients) is built on the first
 * invocation, not at import.
 */
export function makeScanHandler(options: ScanHandlerOptions = {}) {
  const logger = options.logger ?? new Logger({ serviceName: 'candlebot' });
  const metrics = new Metrics({ namespace: 'candlebot', serviceName: 'candlebot' });
  let runtime: ScanRuntime | undefined = options.runtime;

  const getRuntime = (): ScanRuntime => {
    if (!runtime) {
      const env = parseEnv(scanEnvSchema, options.env ?? process.env);
      runtime = createScanRuntime(env, loadConfigFile(env.CANDLEBOT_CONFIG_PATH));
    }
    return runtime;
  };

  const scan = async (event: unknown, context: Context): Promise<ScanResult> => {
    const parsed = scanEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new PermanentError(`invalid scan event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, {
        code: 'INVALID_EVENT',
      });
    }
    const deps = getRuntime().deps({ log: powertoolsLog(logger), remainingMs: () => context.getRemainingTimeInMillis() });
    const report = await runScan(deps, parsed.data.timeframe);
    publishMetrics(metrics, report);
    logger.info('scan finished', { ...report, failures: report.failures.slice(0, 50) });
    return {
      timeframe: report.timeframe,
      candleTime: new Date(report.candleTime).toISOString(),
      scanned: report.scanned,
      failed: report.failed,
      skipped: report.skipped,
      signalled: report.signalled,
      paused: report.paused,
      tradingPaused: report.tradingPaused,
    };
  };

  return middy(scan).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

export const handler = makeScanHandler();
