/**
 * The pure parts of the alerts: reading CloudWatch's NewStateReason, the region of the links,
 * the message text, and the delivery decisions that need no Bot API (no admin chat at all).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alarmMessageSchema, alarmRegion, parseStateReason } from '../../lib/alerts/alarm.js';
import { deliverAlert } from '../../lib/alerts/deliver.js';
import { formatAlarm } from '../../lib/alerts/format.js';
import type { Log } from '../../lib/ports/log.js';
import { parseTelegramHtml } from '../support/fake-telegram/index.js';
import { alarmJson } from './fixture.js';

const links = { region: 'eu-west-1', dashboardName: 'candlebot-prod', queryName: 'candlebot-prod/failures-by-code' };
const alarm = (fields: Parameters<typeof alarmJson>[0] = {}, extra: Record<string, unknown> = {}) => alarmMessageSchema.parse({ ...alarmJson(fields), ...extra });
const visible = (html: string): string => {
  const parsed = parseTelegramHtml(html);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.description);
  return parsed.text;
};

describe('NewStateReason as CloudWatch writes it', () => {
  it('a list of datapoints (newest first), a single datapoint in brackets or parentheses, no datapoints for N periods', () => {
    assert.deepEqual(parseStateReason('Threshold Crossed: 2 out of the last 3 datapoints [1.0 (06/12/26 14:00:00), 0.75 (06/12/26 13:00:00)] were greater than the threshold (0.5) (minimum 2 datapoints for OK -> ALARM transition).'), { values: [1, 0.75], missingPeriods: undefined });
    assert.deepEqual(parseStateReason('Threshold Crossed: 1 datapoint [1234.0 (06/03/15 17:43:27)] was greater than the threshold (0.0).'), { values: [1234], missingPeriods: undefined });
    assert.deepEqual(parseStateReason('Threshold Crossed: 1 datapoint (1.0) was not greater than or equal to the threshold (2.0).'), { values: [1], missingPeriods: undefined });
    assert.deepEqual(parseStateReason('Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [Breaching].'), { values: [], missingPeriods: 2 });
    assert.deepEqual(parseStateReason('Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].'), { values: [], missingPeriods: 1 });
    assert.deepEqual(parseStateReason('Unchecked: Initial alarm creation'), { values: [], missingPeriods: undefined });
    assert.deepEqual(parseStateReason('Threshold Crossed: 1 datapoint [-2.5E-4 (06/12/26 14:00:00)] was less than the threshold (0.0).').values, [-0.00025]);
  });

  it('the region code: from AlarmArn, else from the record’s ARNs; never the display name', () => {
    assert.equal(alarmRegion(alarm()), 'eu-west-1');
    assert.equal(alarmRegion(alarm({ arn: false }), undefined, 'arn:aws:sns:ap-southeast-2:1:t:sub'), 'ap-southeast-2');
    assert.equal(alarmRegion(alarm({ arn: false })), undefined);
  });
});

describe('the alert message', () => {
  it('MonitorStalled without data: "no completed monitor run since …" from the period and the state change time', () => {
    const trigger = { MetricName: 'MonitorFailures', Namespace: 'candlebot', Statistic: 'SAMPLE_COUNT', Dimensions: [{ name: 'service', value: 'candlebot' }], Period: 60, ComparisonOperator: 'LessThanThreshold', Threshold: 1 };
    const text = visible(formatAlarm(alarm({ name: 'candlebot-prod-MonitorStalled', trigger, time: '2026-12-06T14:05:00.000+0000' }), links));
    assert.match(text, /\nNo completed monitor run since about 2026-12-06 14:03 UTC \(no data for 2 periods of 1 min\)\.\n/);
    assert.match(text, /candlebot\/MonitorFailures, sample count per 1 min/);
  });

  it('INSUFFICIENT_DATA and an unknown reason: ⚪ and CloudWatch’s own words; no Trigger is fine', () => {
    const text = visible(formatAlarm(alarm({ state: 'INSUFFICIENT_DATA', old: 'OK', reason: 'Insufficient Data: 1 datapoint was unknown.' }, { Trigger: undefined }), links));
    assert.match(text, /^⚪ INSUFFICIENT_DATA /);
    assert.match(text, /\nReason: Insufficient Data: 1 datapoint was unknown\.\n/);
  });

  it('AWS strings are escaped (valid Telegram HTML); the longest name and description CloudWatch allows fit into one message', () => {
    const description = `<i>x</i> & ${'y'.repeat(1010)}`;
    const html = formatAlarm(alarm({ name: `a<b>&c${'n'.repeat(249)}`, description, reason: `Odd: ${'<&>'.repeat(400)}` }), links);
    const text = visible(html);
    assert.ok(text.length <= 4096, String(text.length));
    assert.ok(text.startsWith(`🔴 ALARM a<b>&c${'n'.repeat(249)}\n${description}\nSince: `), text.slice(0, 300));
    assert.match(text, /\nReason: Odd: (<&>)+/);
    assert.match(text, /Dashboard candlebot-prod · Logs Insights \(saved query candlebot-prod\/failures-by-code\)$/);
  });
});

describe('delivery without a Bot API call', () => {
  const recorder = () => {
    const lines: { level: string; message: string; extra: Record<string, unknown> | undefined }[] = [];
    const at = (level: string) => (message: string, extra?: Record<string, unknown>) => void lines.push({ level, message, extra });
    const log: Log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    return { log, lines };
  };
  const noApi = { call: async () => assert.fail('no Bot API call expected') };

  it('no admin chat configured: logged as NO_ADMIN_CHAT (error), nothing to retry, no throw', async () => {
    const { log, lines } = recorder();
    const report = await deliverAlert({ api: noApi, adminChatIds: [], log, remainingMs: () => 30_000 }, alarm(), '<b>x</b>');
    assert.equal(report.sent, 0);
    assert.deepEqual(lines.map((l) => [l.level, l.extra?.['code']]), [['error', 'NO_ADMIN_CHAT']]);
    assert.equal(report.alertId, 'candlebot-prod-ScanStalled-1h@2026-12-06T14:05:12.345Z');
  });
});
