/**
 * Alarms and alerts in the generated CloudFormation template (`npm run package`, the shipped
 * config), and the alarms resolver (infra/alarms.cjs) for the deploy options the package does not
 * use (`--alert-email`, `--monitor-rate`: packaging twice would be slow) and for a config with a
 * live exchange (LiveTradingAlert, reconcile's alarms: the shipped config trades on paper only).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { packagedTemplate, type CfnResource, type CfnTemplate } from '../support/packaged-template.js';

const require = createRequire(import.meta.url);
const schedules = require('../../infra/scan-schedules.cjs') as { configTimeframes(config: unknown): string[]; readConfig(): unknown };
type Resources = Record<string, CfnResource>;
const alarmsResolver = require('../../infra/alarms.cjs') as ((context: { options?: Record<string, unknown>; resolveVariable?: (v: string) => Promise<unknown> }) => Promise<{ Resources: Resources }>) & {
  rateSeconds(expression: string): number;
  alarmResources(parts: Record<string, unknown>): Resources;
  catalogueFacts(): unknown;
  timeframeSecondsFn(): (tf: string) => number;
};
const { stackFunctions } = require('../../infra/dashboard.cjs') as { stackFunctions(): string[] };

const TOPIC = { Ref: 'AlertsTopic' };
/** Functions with errors/throttles alarms in a paper-only config; `reconcile` (live trading) has them only with a live exchange. */
const FUNCTIONS = ['scan', 'monitor', 'health', 'summary', 'webhook', 'notify', 'alerts'];
const LIVE_ONLY = ['reconcile'];
const TIMEFRAME_SECONDS: Record<string, number> = { '1m': 60, '3m': 180, '5m': 300, '15m': 900, '30m': 1800, '1h': 3600, '2h': 7200, '4h': 14_400, '6h': 21_600, '8h': 28_800, '12h': 43_200, '1d': 86_400 };

let template: CfnTemplate;
const alarms = (resources: Resources = template.Resources): [string, CfnResource][] => Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
const byName = (name: string): CfnResource => {
  const found = alarms().filter(([, a]) => String(a.Properties['AlarmName']).endsWith(`-${name}`));
  assert.equal(found.length, 1, `alarm ${name}: ${found.length} found`);
  return found[0]![1];
};
const dims = (a: CfnResource): Record<string, unknown> => Object.fromEntries((a.Properties['Dimensions'] as { Name: string; Value: unknown }[]).map((d) => [d.Name, d.Value]));

/** Runs the resolver as osls would, with these CLI options (read through `opt:`). */
async function resolve(cli: Record<string, string>): Promise<Resources> {
  const resolveVariable = async (variable: string): Promise<unknown> => {
    if (variable === 'sls:stage') return 'prod';
    const opt = /^opt:([\w-]+), '(.*)'$/.exec(variable);
    if (opt) return cli[opt[1]!] ?? opt[2];
    throw new Error(`unexpected variable ${variable}`);
  };
  return (await alarmsResolver({ options: { stage: 'prod' }, resolveVariable })).Resources;
}

describe('alarms and alerts in the generated template', () => {
  before(async () => {
    template = (await packagedTemplate()).template;
  });

  test('every alarm notifies AlertsTopic on ALARM and on OK, has a name of its stage and says what to do', () => {
    assert.equal(template.Resources['AlertsTopic']?.Type, 'AWS::SNS::Topic');
    assert.ok(alarms().length >= 20, `${alarms().length} alarms`);
    for (const [id, a] of alarms()) {
      assert.deepEqual(a.Properties['AlarmActions'], [TOPIC], `${id} AlarmActions`);
      assert.deepEqual(a.Properties['OKActions'], [TOPIC], `${id} OKActions`);
      assert.match(String(a.Properties['AlarmName']), /^candlebot-[a-z0-9-]+-[A-Za-z0-9-]+$/, id);
      const description = String(a.Properties['AlarmDescription'] ?? '');
      assert.ok(description.length >= 60 && description.length <= 1024, `${id}: a description of what a person should do (${description.length} chars)`);
    }
  });

  test('one ScanStalled alarm per configured timeframe: ScanFailureRatio {service, timeframe}, Period = the timeframe, 2 of 3 > 0.5, missing data breaching', () => {
    const timeframes = schedules.configTimeframes(schedules.readConfig());
    assert.ok(timeframes.length > 0);
    const stalled = alarms().filter(([, a]) => String(a.Properties['AlarmName']).includes('-ScanStalled-'));
    assert.equal(stalled.length, timeframes.length);
    for (const tf of timeframes) {
      const a = byName(`ScanStalled-${tf}`).Properties;
      assert.equal(a['Namespace'], 'candlebot');
      assert.equal(a['MetricName'], 'ScanFailureRatio');
      assert.deepEqual(dims(byName(`ScanStalled-${tf}`)), { service: 'candlebot', timeframe: tf });
      assert.equal(a['Period'], TIMEFRAME_SECONDS[tf], tf);
      assert.deepEqual([a['Statistic'], a['EvaluationPeriods'], a['DatapointsToAlarm'], a['Threshold'], a['ComparisonOperator'], a['TreatMissingData']], ['Maximum', 3, 2, 0.5, 'GreaterThanThreshold', 'breaching'], tf);
    }
  });

  test('MonitorStalled: a dead man on MonitorFailures (SampleCount < 1 in 2 of 3 monitor periods, missing breaching)', () => {
    const a = byName('MonitorStalled').Properties;
    assert.deepEqual([a['Namespace'], a['MetricName'], a['Statistic'], a['Period'], a['EvaluationPeriods'], a['DatapointsToAlarm'], a['Threshold'], a['ComparisonOperator'], a['TreatMissingData']], ['candlebot', 'MonitorFailures', 'SampleCount', 60, 3, 2, 1, 'LessThanThreshold', 'breaching']);
    assert.deepEqual(dims(byName('MonitorStalled')), { service: 'candlebot' });
  });

  test('errors and throttles alarms for every function, the alerts function included; none for reconcile (the shipped config trades on paper)', () => {
    const inTemplate = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function').map(([id]) => id).sort();
    assert.deepEqual(inTemplate, [...FUNCTIONS, ...LIVE_ONLY].map((f) => `${f[0]!.toUpperCase()}${f.slice(1)}LambdaFunction`).sort());
    for (const fn of LIVE_ONLY) assert.equal(alarms().filter(([, a]) => String(a.Properties['AlarmName']).includes(`-${fn}-`)).length, 0, `${fn}: no alarm without a live exchange`);
    assert.equal(alarms().filter(([, a]) => a.Properties['MetricName'] === 'LiveTradingAlerts').length, 0, 'no LiveTradingAlert without a live exchange');
    for (const fn of FUNCTIONS) {
      for (const [suffix, metric] of [['errors', 'Errors'], ['throttles', 'Throttles']] as const) {
        const a = byName(`${fn}-${suffix}`);
        assert.deepEqual([a.Properties['Namespace'], a.Properties['MetricName'], a.Properties['Statistic'], a.Properties['Period'], a.Properties['Threshold'], a.Properties['ComparisonOperator'], a.Properties['TreatMissingData']], ['AWS/Lambda', metric, 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold', 'notBreaching'], `${fn}-${suffix}`);
        assert.deepEqual(dims(a), { FunctionName: { Ref: `${fn[0]!.toUpperCase()}${fn.slice(1)}LambdaFunction` } });
      }
    }
  });

  test('the queue, outbox, webhook and DynamoDB alarms; the DLQ alarm keeps its logical id', () => {
    assert.deepEqual(dims(template.Resources['NotifyDeadLetterAlarm']!), { QueueName: { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'QueueName'] } });
    assert.equal(template.Resources['NotifyDeadLetterAlarm']!.Properties['MetricName'], 'ApproximateNumberOfMessagesVisible');
    const oldest = byName('NotifyQueueOldestMessage');
    assert.deepEqual([oldest.Properties['Namespace'], oldest.Properties['MetricName']], ['AWS/SQS', 'ApproximateAgeOfOldestMessage']);
    assert.deepEqual(dims(oldest), { QueueName: { 'Fn::GetAtt': ['NotifyQueue', 'QueueName'] } });
    for (const [name, metric] of [['OutboxStuck', 'OutboxStuck'], ['WebhookServerErrors', 'WebhookServerErrors'], ['DynamoDBErrors', 'DynamoDBErrors']] as const) {
      const a = byName(name);
      assert.deepEqual([a.Properties['Namespace'], a.Properties['MetricName'], a.Properties['TreatMissingData']], ['candlebot', metric, 'notBreaching'], name);
      assert.deepEqual(dims(a), { service: 'candlebot' }, name);
    }
    // One retried throttle does not page: DynamoDBErrors needs ≥ 10 attempts in 2 of 3 periods.
    const ddb = byName('DynamoDBErrors').Properties;
    assert.ok(Number(ddb['Threshold']) >= 5 && Number(ddb['DatapointsToAlarm']) >= 2, JSON.stringify(ddb));
    // 23 alarm metrics with 3 timeframes (ops contract).
    assert.equal(alarms().length, schedules.configTimeframes(schedules.readConfig()).length + 1 + 2 * FUNCTIONS.length + 5);
  });

  test('the alerts function: subscribed to AlertsTopic, async retries 2, on-failure destination AlertsFailedQueue (14 days), its own least-privilege role', () => {
    const subs = Object.values(template.Resources).filter((r) => r.Type === 'AWS::SNS::Subscription');
    assert.deepEqual(subs.map((s) => [s.Properties['Protocol'], s.Properties['TopicArn'], s.Properties['Endpoint']]), [['lambda', TOPIC, { 'Fn::GetAtt': ['AlertsLambdaFunction', 'Arn'] }]], 'no e-mail subscription without --alert-email');
    const invoke = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && JSON.stringify(r.Properties['FunctionName']).includes('AlertsLambdaFunction'));
    assert.equal(invoke.length, 1);
    assert.deepEqual(invoke[0]!.Properties['FunctionName'], { Ref: 'AlertsLambdaFunction' });
    assert.equal(invoke[0]!.Properties['MaximumRetryAttempts'], 2);
    assert.deepEqual(invoke[0]!.Properties['DestinationConfig'], { OnFailure: { Destination: { 'Fn::GetAtt': ['AlertsFailedQueue', 'Arn'] } } });
    assert.equal(template.Resources['AlertsFailedQueue']?.Properties['MessageRetentionPeriod'], 1_209_600);
    const fn = template.Resources['AlertsLambdaFunction']!.Properties;
    assert.deepEqual([fn['Architectures'], fn['MemorySize'], fn['Timeout']], [['arm64'], 256, 30]);
    assert.deepEqual(fn['Role'], { 'Fn::Sub': '${AlertsRole.Arn}' });
    const env = fn['Environment'].Variables as Record<string, unknown>;
    assert.equal(env['DASHBOARD_NAME'], template.Resources['OperationsDashboard']?.Properties['DashboardName'], 'the alert links to the deployed dashboard');
    assert.match(String(env['STAGE']), /^[a-z0-9-]+$/);
    const statements = (template.Resources['AlertsRole']!.Properties['Policies'] as { PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    const grants = statements.flatMap((s) => s.Action.map((a) => `${a} ${JSON.stringify(s.Resource)}`)).sort();
    assert.deepEqual(grants.map((g) => g.split(' ')[0]), ['logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:GetSecretValue', 'sqs:SendMessage']);
    assert.ok(grants.some((g) => g === `sqs:SendMessage ${JSON.stringify([{ 'Fn::GetAtt': ['AlertsFailedQueue', 'Arn'] }])}`), grants.join('\n'));
  });
});

describe('the alarms resolver and the deploy options', () => {
  test('--alert-email adds an e-mail subscription of AlertsTopic; without it there is none; a malformed address is refused', async () => {
    const withEmail = await resolve({ 'alert-email': 'trader@example.com' });
    assert.deepEqual(withEmail['AlertsEmailSubscription'], { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: TOPIC, Protocol: 'email', Endpoint: 'trader@example.com' } });
    const without = await resolve({});
    assert.equal(Object.values(without).filter((r) => r.Type === 'AWS::SNS::Subscription').length, 0);
    await assert.rejects(resolve({ 'alert-email': 'trader at example' }), /--alert-email "trader at example" is not an e-mail address/);
  });

  test('--monitor-rate sets the MonitorStalled period; a cron expression is refused with a clear message', async () => {
    const resources = await resolve({ 'monitor-rate': 'rate(5 minutes)' });
    assert.equal(alarms(resources).find(([id]) => id === 'MonitorStalledAlarm')?.[1].Properties['Period'], 300);
    assert.deepEqual(['rate(1 minute)', 'rate(10 minutes)', 'rate(1 hour)', 'rate(1 day)'].map(alarmsResolver.rateSeconds), [60, 600, 3600, 86_400]);
    await assert.rejects(resolve({ 'monitor-rate': 'cron(0/5 * * * ? *)' }), /the MonitorStalled alarm needs a rate expression/);
  });

  test('names carry the stage; every alarm of the resolver has both actions', async () => {
    const resources = await resolve({});
    for (const [id, a] of alarms(resources)) {
      assert.match(String(a.Properties['AlarmName']), /^candlebot-prod-/, id);
      assert.deepEqual([a.Properties['AlarmActions'], a.Properties['OKActions']], [[TOPIC], [TOPIC]], id);
    }
    assert.equal(resources['AlertsTopic']?.Properties['TopicName'], 'candlebot-prod-alerts');
  });

  test('a config with a live exchange: LiveTradingAlert (LiveTradingAlerts {service} Sum ≥ 1 in 5 min, missing not breaching, both actions) and reconcile-errors/-throttles', () => {
    const parts = { stage: 'prod', timeframes: ['1h'], timeframeSeconds: alarmsResolver.timeframeSecondsFn(), functions: stackFunctions(), monitorRateSeconds: 60, alertEmail: '', catalogue: alarmsResolver.catalogueFacts() };
    const paper = alarmsResolver.alarmResources(parts);
    const live = alarmsResolver.alarmResources({ ...parts, liveExchanges: ['binance'] });
    const added = Object.keys(live).filter((id) => !(id in paper)).sort();
    assert.deepEqual(added, ['LiveTradingAlertAlarm', 'ReconcileErrorsAlarm', 'ReconcileThrottlesAlarm']);
    const a = live['LiveTradingAlertAlarm']!.Properties;
    assert.deepEqual(
      [a['AlarmName'], a['Namespace'], a['MetricName'], a['Statistic'], a['Period'], a['EvaluationPeriods'], a['Threshold'], a['ComparisonOperator'], a['TreatMissingData']],
      ['candlebot-prod-LiveTradingAlert', 'candlebot', 'LiveTradingAlerts', 'Sum', 300, 1, 1, 'GreaterThanOrEqualToThreshold', 'notBreaching'],
    );
    assert.deepEqual(a['Dimensions'], [{ Name: 'service', Value: 'candlebot' }]);
    assert.deepEqual([a['AlarmActions'], a['OKActions']], [[TOPIC], [TOPIC]]);
    assert.match(String(a['AlarmDescription']), /binance/);
    assert.deepEqual(live['ReconcileErrorsAlarm']!.Properties['Dimensions'], [{ Name: 'FunctionName', Value: { Ref: 'ReconcileLambdaFunction' } }]);
  });
});
