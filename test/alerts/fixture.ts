/**
 * CloudWatch alarm state changes as SNS delivers them to Lambda: the record envelope of an SNS
 * event and, in `Sns.Message`, the alarm JSON CloudWatch publishes (field names, upper-case
 * statistic, `+0000` offsets, `Region` as a display name, the `- TreatMissingData: …` wording
 * and the NewStateReason texts as CloudWatch writes them).
 */
import { randomUUID } from 'node:crypto';

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:candlebot-prod-alerts`;

export interface AlarmFields {
  readonly name?: string;
  readonly description?: string | null;
  readonly state?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  readonly old?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  readonly reason?: string;
  readonly time?: string;
  readonly trigger?: Record<string, unknown>;
  /** false: an older message without AlarmArn. */
  readonly arn?: boolean;
}

/** ScanStalled-1h as infra/alarms.cjs defines it. */
export const SCAN_STALLED_TRIGGER = {
  MetricName: 'ScanFailureRatio',
  Namespace: 'candlebot',
  StatisticType: 'Statistic',
  Statistic: 'MAXIMUM',
  Unit: null,
  Dimensions: [
    { value: 'candlebot', name: 'service' },
    { value: '1h', name: 'timeframe' },
  ],
  Period: 3600,
  EvaluationPeriods: 3,
  DatapointsToAlarm: 2,
  ComparisonOperator: 'GreaterThanThreshold',
  Threshold: 0.5,
  TreatMissingData: 'breaching',
  EvaluateLowSampleCountPercentile: '',
};

export function alarmJson(f: AlarmFields = {}): Record<string, unknown> {
  const name = f.name ?? 'candlebot-prod-ScanStalled-1h';
  return {
    AlarmName: name,
    AlarmDescription: f.description === undefined ? 'Scans of 1h candles stopped or fail. Check the scan function errors on the dashboard.' : f.description,
    AWSAccountId: ACCOUNT,
    AlarmConfigurationUpdatedTimestamp: '2026-12-01T09:00:00.000+0000',
    NewStateValue: f.state ?? 'ALARM',
    NewStateReason: f.reason ?? 'Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [Breaching].',
    StateChangeTime: f.time ?? '2026-12-06T14:05:12.345+0000',
    Region: 'EU (Ireland)',
    ...(f.arn === false ? {} : { AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}` }),
    OldStateValue: f.old ?? 'OK',
    OKActions: [TOPIC_ARN],
    AlarmActions: [TOPIC_ARN],
    InsufficientDataActions: [],
    Trigger: f.trigger ?? SCAN_STALLED_TRIGGER,
  };
}

/** The SNS → Lambda event carrying `message` (a string as SNS delivers it; objects are JSON-encoded). */
export function snsEvent(message: unknown): { Records: Record<string, unknown>[] } {
  const id = randomUUID();
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${TOPIC_ARN}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: id,
          TopicArn: TOPIC_ARN,
          Subject: 'ALARM: "candlebot-prod-ScanStalled-1h" in EU (Ireland)',
          Message: typeof message === 'string' ? message : JSON.stringify(message),
          Timestamp: '2026-12-06T14:05:12.456Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-EXAMPLE.pem',
          UnsubscribeUrl: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=EXAMPLE',
          MessageAttributes: {},
        },
      },
    ],
  };
}
