import { runAlerts } from '../lib/alerts/run-alerts.js';
import type { AlertReport } from '../lib/alerts/deliver.js';
import { defaultLogger, lambdaHandler, lazy, powertoolsLog, type HandlerOptions } from '../lib/runtime/handler-kit.js';
import { alertsEventSchema, alertsRuntimeFromEnv, type AlertsRuntime, type AlertsRuntimeOverrides } from '../lib/runtime/alerts.js';

export { alertsEventSchema } from '../lib/runtime/alerts.js';

export interface AlertsHandlerOptions extends HandlerOptions {
  /** Replaces the runtime built from env + config file (tests). */
  readonly runtime?: AlertsRuntime;
  /** Adjusts the runtime built from env (tests: a recording sleep, tuning). */
  readonly overrides?: AlertsRuntimeOverrides;
}

/**
 * AlertsTopic → the admin chats: each CloudWatch alarm state change (ALARM and OK) sent directly
 * through the Bot API with bounded retries; when no admin chat got it and a retry may help, the
 * invocation fails (Lambda retries twice, then AlertsFailedQueue keeps the event).
 */
export function makeAlertsHandler(options: AlertsHandlerOptions = {}) {
  const logger = defaultLogger(options.logger);
  const runtime = lazy<AlertsRuntime>(() => alertsRuntimeFromEnv(options.env ?? process.env, powertoolsLog(logger), options.overrides), options.runtime);
  return lambdaHandler({ logger, event: { schema: alertsEventSchema, what: 'alerts' } }, async (event, inv): Promise<{ readonly alerts: AlertReport[] }> => {
    const records = event.Records.map((r) => ({ alarm: r.Sns.Message, arns: [r.Sns.TopicArn, r.EventSubscriptionArn] }));
    return { alerts: await runAlerts({ ...runtime(), remainingMs: inv.remainingMs }, records) };
  });
}

export const handler = makeAlertsHandler();
