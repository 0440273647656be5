import { runReconcile } from '../lib/live/reconcile.js';
import { defaultLogger, lambdaHandler, lazy, type HandlerOptions } from '../lib/runtime/handler-kit.js';
import { reconcileEventSchema, reconcileLogLine, reconcileResult, reconcileRuntimeFromEnv, type ReconcileResult, type ReconcileRuntime } from '../lib/runtime/reconcile.js';
import { reconcileMetrics } from '../lib/runtime/report-metrics.js';

export { reconcileEventSchema, type ReconcileResult } from '../lib/runtime/reconcile.js';

export interface ReconcileHandlerOptions extends HandlerOptions {
  /** Replaces the runtime built from env + config file (tests). */
  readonly runtime?: ReconcileRuntime;
}

/**
 * Builds the reconcile handler (live trading): validate the event, reconcile every live exchange
 * with its exchange, publish LiveTradingAlerts, log the report. A config with no live exchange
 * returns at once (no AWS call).
 */
export function makeReconcileHandler(options: ReconcileHandlerOptions = {}) {
  const logger = defaultLogger(options.logger);
  const runtime = lazy(() => reconcileRuntimeFromEnv(options.env ?? process.env), options.runtime);
  return lambdaHandler({ logger, dynamoErrors: () => runtime.peek()?.dynamoErrors, event: { schema: reconcileEventSchema, what: 'reconcile' } }, async (_event, inv): Promise<ReconcileResult> => {
    const { live } = runtime();
    if (live.length === 0) return reconcileResult(live, undefined);
    const report = await runReconcile(runtime().deps({ log: inv.log, remainingMs: inv.remainingMs }));
    inv.publish(reconcileMetrics(report));
    logger.info('reconcile finished', reconcileLogLine(live, report));
    return reconcileResult(live, report);
  });
}

export const handler = makeReconcileHandler();
