/**
 * One invocation of the alerts function: each alarm state change (one per SNS record; SNS sends
 * one) formatted and sent to the admin chats. Every record is tried; the first failure that a
 * retry may fix is thrown afterwards, so Lambda retries the event (the chats that already got it
 * may get it twice: a duplicate alert is better than a lost one).
 */
import { describeError, isCandlebotError } from '../errors.js';
import type { Log } from '../ports/log.js';
import type { BotApi } from '../ports/telegram.js';
import type { Sleep } from '../retry.js';
import { alarmRegion, type AlarmMessage } from './alarm.js';
import { deliverAlert, type AlertReport, type AlertTuning } from './deliver.js';
import { formatAlarm } from './format.js';

export interface AlertRecord {
  readonly alarm: AlarmMessage;
  /** ARNs of the record (topic, subscription): a region source when the alarm has no AlarmArn. */
  readonly arns: readonly (string | undefined)[];
}

export interface RunAlertsDeps {
  readonly api: BotApi;
  readonly adminChatIds: readonly number[];
  readonly region: string;
  readonly dashboardName: string;
  readonly queryName: string;
  readonly log: Log;
  readonly remainingMs: () => number;
  readonly sleep?: Sleep;
  readonly tuning?: AlertTuning;
}

export async function runAlerts(deps: RunAlertsDeps, records: readonly AlertRecord[]): Promise<AlertReport[]> {
  const reports: AlertReport[] = [];
  let failure: unknown;
  for (const { alarm, arns } of records) {
    const region = alarmRegion(alarm, ...arns) ?? deps.region;
    const html = formatAlarm(alarm, { region, dashboardName: deps.dashboardName, queryName: deps.queryName });
    try {
      const report = await deliverAlert(deps, alarm, html);
      deps.log.info(report.sent > 0 ? 'alert delivered' : 'alert not delivered', { ...report });
      reports.push(report);
    } catch (error) {
      deps.log.error('alert not delivered; the event fails so that Lambda retries it', { alarm: alarm.AlarmName, state: alarm.NewStateValue, code: isCandlebotError(error) ? error.code : 'UNEXPECTED', error: describeError(error) });
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
  return reports;
}
