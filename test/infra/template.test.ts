/**
 * Packages the service offline (`npm run package`), then checks the CloudFormation template
 * with AWS's validator (strict: warnings count as errors; every finding's severity is
 * checked, since the report's status says OK even with FATAL findings) and the properties
 * the project relies on.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { RegoEngine, TemplateFile } from '@aws/cloudformation-validate';
import { functionZip, runPackage, TEMPLATE_FILE } from '../../infra/artifacts.js';
import { zipEntries } from '../../infra/zip.js';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: unknown };
type Template = { Resources: Record<string, Resource>; Outputs?: Record<string, unknown> };

const require = createRequire(import.meta.url);
const schedules = require('../../infra/scan-schedules.cjs') as {
  scheduleExpression(tf: string): string;
  configTimeframes(config: unknown): string[];
  readConfig(): unknown;
};

const MAX_ZIP_BYTES = 1.5 * 1024 * 1024;
const BLOCKING_SEVERITIES = new Set(['ERROR', 'FATAL']);
const SCAN_ACTIONS = new Set([
  'logs:CreateLogStream', 'logs:PutLogEvents',
  'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query',
  'sqs:SendMessage',
]);
/** The monitor also deletes (a closed position's market lock, inside the close transaction). */
const MONITOR_ACTIONS = new Set([...SCAN_ACTIONS, 'dynamodb:DeleteItem']);

let template: Template;
const ofType = (type: string): [string, Resource][] => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Logical id of the role a function uses (`!Sub '${X.Arn}'` or `!GetAtt X.Arn`). */
function roleOf(fn: Resource): string {
  const role = fn.Properties['Role'];
  const sub = /^\$\{(\w+)\.Arn\}$/.exec(role?.['Fn::Sub'] ?? '');
  if (sub) return sub[1]!;
  if (Array.isArray(role?.['Fn::GetAtt'])) return role['Fn::GetAtt'][0];
  throw new Error(`unexpected Role ${JSON.stringify(role)}`);
}

describe('packaged CloudFormation template', () => {
  before(async () => {
    const { ms } = await runPackage();
    console.log(`# npm run package took ${(ms / 1000).toFixed(1)} s`);
    template = JSON.parse(readFileSync(TEMPLATE_FILE, 'utf8')) as Template;
  });

  test('passes @aws/cloudformation-validate in strict mode with no error-level finding', () => {
    const engine = new RegoEngine();
    try {
      const report = engine.validateStandard(new TemplateFile(TEMPLATE_FILE), { strict: true });
      assert.notEqual(report.status, 'ERROR', 'validator pipeline failure');
      const blocking = report.diagnostics
        .filter((d) => BLOCKING_SEVERITIES.has(d.severity))
        .map((d) => `[${d.severity}] ${d.ruleId} ${d.entity?.logicalId ?? ''} ${d.propertyPath ?? ''}: ${d.message}`);
      assert.deepEqual(blocking, []);
      assert.equal(report.status, 'OK');
    } finally {
      engine.free();
    }
  });

  test('every function runs nodejs24.x on arm64', () => {
    const functions = ofType('AWS::Lambda::Function');
    assert.ok(functions.length > 0);
    for (const [id, fn] of functions) {
      assert.equal(fn.Properties['Runtime'], 'nodejs24.x', id);
      assert.deepEqual(fn.Properties['Architectures'], ['arm64'], id);
    }
  });

  test('the scan zip is at most 1.5 MB and ships the bot config next to the handler', () => {
    const zip = functionZip('scan');
    const size = statSync(zip).size;
    assert.ok(size <= MAX_ZIP_BYTES, `scan.zip is ${size} bytes`);
    const names = zipEntries(readFileSync(zip)).map((e) => e.name);
    assert.ok(names.includes('candlebot.config.yml'), names.join(', '));
    assert.ok(names.includes('functions/scan.mjs'), names.join(', '));
    assert.ok(!names.some((n) => n.startsWith('node_modules/')), 'no node_modules in the zip');
  });

  test('tables have TTL on expiresAt and point-in-time recovery', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    assert.deepEqual(tables.map(([id]) => id).sort(), ['DeliveriesTable', 'PositionsTable', 'SignalsTable', 'StateTable', 'UsersTable']);
    for (const [id, t] of tables) {
      assert.deepEqual(t.Properties['TimeToLiveSpecification'], { AttributeName: 'expiresAt', Enabled: true }, id);
      assert.equal(t.Properties['PointInTimeRecoverySpecification']?.PointInTimeRecoveryEnabled, true, id);
    }
  });

  test('the notify queue redrives to the dead-letter queue, which has an alarm', () => {
    const redrive = template.Resources['NotifyQueue']?.Properties['RedrivePolicy'];
    assert.deepEqual(redrive?.deadLetterTargetArn, { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'Arn'] });
    assert.ok(Number(redrive?.maxReceiveCount) >= 1);
    const alarms = ofType('AWS::CloudWatch::Alarm');
    assert.ok(alarms.some(([, a]) => JSON.stringify(a.Properties['Dimensions']).includes('NotifyDeadLetterQueue')));
  });

  for (const [fn, allowed] of [['ScanLambdaFunction', SCAN_ACTIONS], ['MonitorLambdaFunction', MONITOR_ACTIONS]] as const) test(`the ${fn} role is least-privilege: known actions only, no "*" action or resource`, () => {
    const scan = template.Resources[fn];
    assert.ok(scan);
    const role = template.Resources[roleOf(scan)];
    assert.equal(role?.Type, 'AWS::IAM::Role');
    assert.equal(role.Properties['ManagedPolicyArns'], undefined, 'no managed policies');
    const statements = (role.Properties['Policies'] as { PolicyDocument: { Statement: any[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    for (const s of statements) {
      assert.equal(s.Effect, 'Allow');
      assert.equal(s.NotAction, undefined);
      assert.equal(s.NotResource, undefined);
      for (const action of asArray<string>(s.Action)) {
        assert.ok(!action.includes('*'), `wildcard action ${action}`);
        assert.ok(allowed.has(action), `unexpected action ${action}`);
      }
      for (const resource of asArray<unknown>(s.Resource)) {
        assert.ok(!JSON.stringify(resource).includes('*'), `wildcard resource ${JSON.stringify(resource)}`);
      }
    }
    // No function falls back to a shared default role.
    assert.equal(template.Resources['IamRoleLambdaExecution'], undefined);
  });

  test('one schedule per configured timeframe, at each candle close, with { timeframe } input', () => {
    const expected = schedules.configTimeframes(schedules.readConfig());
    assert.ok(expected.length > 0);
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties['Targets']).includes('ScanLambdaFunction')).map(([, r]) => ({
      cron: r.Properties['ScheduleExpression'] as string,
      input: JSON.parse(r.Properties['Targets'][0].Input as string) as { timeframe: string },
    }));
    assert.deepEqual(
      rules.map((r) => r.input.timeframe).sort(),
      [...expected].sort(),
    );
    for (const r of rules) assert.equal(r.cron, schedules.scheduleExpression(r.input.timeframe));
  });

  test('the monitor runs every minute', () => {
    const monitor = ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties['Targets']).includes('MonitorLambdaFunction'));
    assert.deepEqual(monitor.map(([, r]) => r.Properties['ScheduleExpression']), ['rate(1 minute)']);
  });

  test('outputs name the tables and the queue', () => {
    for (const key of ['SignalsTableName', 'StateTableName', 'PositionsTableName', 'NotifyQueueUrl']) assert.ok(template.Outputs?.[key], key);
  });
});
