/**
 * The Telegram text of one alarm state change (HTML, every AWS string escaped):
 *
 *   🔴 ALARM  candlebot-prod-ScanStalled-1h
 *   <what a person should do: the alarm's description>
 *   Since: 2026-12-06 14:05 UTC (was OK)
 *   No completed scan of 1h candles since about 2026-12-06 12:05 UTC (no data for 2 periods of 1 h).
 *   — or — Value: 1 (alarms when > 0.5) · candlebot/ScanFailureRatio timeframe=1h, Maximum per 1 h
 *   Dashboard · Logs Insights (saved query candlebot-prod/failures-by-code)
 */
import { escapeHtml, formatUtc } from '../core/format.js';
import { dimensionValue, parseStateReason, type AlarmMessage, type AlarmState, type AlarmTrigger } from './alarm.js';

export interface AlertLinks {
  /** Region code for the console links (`eu-west-1`). */
  readonly region: string;
  /** The CloudWatch dashboard (`candlebot-<stage>`). */
  readonly dashboardName: string;
  /** The Logs Insights saved query to open (`candlebot-<stage>/failures-by-code`). */
  readonly queryName: string;
}

const ICON: Readonly<Record<AlarmState, string>> = { ALARM: '🔴', OK: '✅', INSUFFICIENT_DATA: '⚪' };

const COMPARISON: Readonly<Record<string, string>> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '≥',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

/** What a dead-man alarm's missing data means, by metric (else generic). */
const NO_DATA: Readonly<Record<string, (trigger: AlarmTrigger | undefined) => string>> = {
  ScanFailureRatio: (t) => `No completed scan${dimensionValue(t, 'timeframe') ? ` of ${dimensionValue(t, 'timeframe')} candles` : ''}`,
  MonitorFailures: () => 'No completed monitor run',
};

/** Text for an HTML attribute value (quotes too). */
const attr = (text: string): string => escapeHtml(text).replace(/"/g, '&quot;');

/** `3600` → `1 h`, `300` → `5 min`, `86400` → `1 d`, `45` → `45 s`. */
export function formatPeriod(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** A metric value as CloudWatch states it, without float noise (0.30000000000000004 → 0.3). */
const num = (value: number): string => String(Number(value.toPrecision(6)));

function metricLine(trigger: AlarmTrigger | undefined): string | undefined {
  if (!trigger?.MetricName) return undefined;
  const dims = (trigger.Dimensions ?? []).filter((d) => d.name !== 'service').map((d) => `${d.name}=${d.value}`);
  const stat = trigger.Statistic ? trigger.Statistic.toLowerCase().replace(/_(\w)/g, (_m, c: string) => ` ${c}`) : undefined;
  const per = trigger.Period ? ` per ${formatPeriod(trigger.Period)}` : '';
  return `${trigger.Namespace ? `${trigger.Namespace}/` : ''}${trigger.MetricName}${dims.length ? ` ${dims.join(' ')}` : ''}${stat ? `, ${stat}${per}` : ''}`;
}

/** The data line: the value the alarm saw, or how long nothing came (dead-man alarms). */
export function dataLine(alarm: AlarmMessage): string {
  const { Trigger: trigger } = alarm;
  const reason = parseStateReason(alarm.NewStateReason);
  const [latest] = reason.values;
  if (latest !== undefined) {
    const op = trigger?.ComparisonOperator ? COMPARISON[trigger.ComparisonOperator] : undefined;
    const limit = op && trigger?.Threshold !== undefined ? ` (alarms when ${op} ${num(trigger.Threshold)})` : '';
    const earlier = reason.values.length > 1 ? `; before: ${reason.values.slice(1, 5).map(num).join(', ')}` : '';
    return `Value: <b>${escapeHtml(num(latest))}</b>${escapeHtml(limit + earlier)}`;
  }
  if (reason.missingPeriods !== undefined && trigger?.Period) {
    const what = (trigger.MetricName && NO_DATA[trigger.MetricName]?.(trigger)) ?? `No data for ${trigger.MetricName ?? 'the metric'}`;
    const since = alarm.StateChangeTime - reason.missingPeriods * trigger.Period * 1000;
    return escapeHtml(`${what} since about ${formatUtc(since)} (no data for ${reason.missingPeriods} period${reason.missingPeriods === 1 ? '' : 's'} of ${formatPeriod(trigger.Period)}).`);
  }
  // Neither a value nor missing periods: CloudWatch's own words.
  return `Reason: ${escapeHtml(alarm.NewStateReason.slice(0, 500))}`;
}

/** The console links of the contract (region from the alarm). */
export function consoleLinks(links: AlertLinks): { readonly dashboard: string; readonly logsInsights: string } {
  const base = `https://${links.region}.console.aws.amazon.com/cloudwatch/home?region=${links.region}`;
  return { dashboard: `${base}#dashboards/dashboard/${encodeURIComponent(links.dashboardName)}`, logsInsights: `${base}#logsV2:logs-insights` };
}

/**
 * The whole message. Its visible text stays far below Telegram's 4096 characters: the name is
 * ≤ 255 and the description ≤ 1024 characters (CloudWatch's limits, checked by the schema), the
 * reason shown ≤ 500.
 */
export function formatAlarm(alarm: AlarmMessage, links: AlertLinks): string {
  const urls = consoleLinks(links);
  const was = alarm.OldStateValue ? ` (was ${alarm.OldStateValue})` : '';
  const metric = metricLine(alarm.Trigger);
  const tail = [
    `Since: ${escapeHtml(formatUtc(alarm.StateChangeTime))}${escapeHtml(was)}`,
    dataLine(alarm),
    ...(metric ? [`<i>${escapeHtml(metric)}</i>`] : []),
    `<a href="${attr(urls.dashboard)}">Dashboard ${escapeHtml(links.dashboardName)}</a> · <a href="${attr(urls.logsInsights)}">Logs Insights</a> (saved query ${escapeHtml(links.queryName)})`,
  ].join('\n');
  const head = `${ICON[alarm.NewStateValue]} <b>${alarm.NewStateValue}</b> ${escapeHtml(alarm.AlarmName)}`;
  const description = (alarm.AlarmDescription ?? '').trim();
  return [head, ...(description ? [escapeHtml(description)] : []), tail].join('\n');
}
