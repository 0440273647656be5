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
import { functionZip, TEMPLATE_FILE } from '../../infra/artifacts.js';
import { zipEntries } from '../../infra/zip.js';
import { packagedTemplate } from '../support/packaged-template.js';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: unknown };
type Template = { Resources: Record<string, Resource>; Outputs?: Record<string, unknown> };

const require = createRequire(import.meta.url);
const live = require('../../infra/live-trading.cjs') as {
  liveExchangeIds(config: unknown): string[];
  reconcileEvents(rate: string, live: readonly string[]): { schedule: { rate: string[]; enabled: boolean } }[];
};
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
  // A closed position's market lock, inside the close transaction (issue 12: the scan closes too).
  'dynamodb:DeleteItem',
  // Fan-out to subscribers: BatchGetItem of the chats' profiles (UsersTable).
  'dynamodb:BatchGetItem',
  'sqs:SendMessage',
  // Live trading (issue 15): the order-intent transaction's ConditionCheck items (day and cooldown
  // rows of LiveTable) and the live exchanges' API keys (only under the exchange secret prefix).
  'dynamodb:ConditionCheckItem',
  'secretsmanager:GetSecretValue',
]);
/** The only resource with a wildcard a role may name: this stage's exchange secrets (`candlebot/<stage>/exchange/<id>-<6 random>`). */
const EXCHANGE_SECRETS = /^\{"Fn::Sub":"arn:\$\{AWS::Partition\}:secretsmanager:\$\{AWS::Region\}:\$\{AWS::AccountId\}:secret:candlebot\/[a-z0-9-]+\/exchange\/\*-\?\?\?\?\?\?"\}$/;
/** The monitor: the same actions (it closes positions too). Every call of every role: test/infra/iam-coverage.test.ts. */
const MONITOR_ACTIONS = SCAN_ACTIONS;

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
    // Packaged once per test run, never concurrently (test/infra/iam-coverage.test.ts reads the same template).
    const packaged = await packagedTemplate();
    console.log(packaged.ms === null ? '# template: packaged earlier in this test run' : `# npm run package took ${(packaged.ms / 1000).toFixed(1)} s`);
    template = packaged.template as Template;
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

  test('every function runs nodejs24.x on arm64, except the chart renderers on x86_64 (the shipped resvg binary)', () => {
    const functions = ofType('AWS::Lambda::Function');
    assert.ok(functions.length > 0);
    const chartRenderers = new Set(['NotifyLambdaFunction', 'WebhookLambdaFunction']);
    for (const [id, fn] of functions) {
      assert.equal(fn.Properties['Runtime'], 'nodejs24.x', id);
      assert.deepEqual(fn.Properties['Architectures'], [chartRenderers.has(id) ? 'x86_64' : 'arm64'], id);
    }
  });

  test('the scan zip is at most 1.5 MB and ships the bot config next to the handler', () => {
    const zip = functionZip('scan');
    const size = statSync(zip).size;
    assert.ok(size <= MAX_ZIP_BYTES, `scan.zip is ${size} bytes`);
    const names = zipEntries(readFileSync(zip)).map((e) => e.name);
    // The bot config the function reads (infra/config-file.cjs: the user's candlebot.config.yml, else the example) is in its zip.
    const configPath = String(template.Resources['ScanLambdaFunction']!.Properties['Environment']['Variables']['CANDLEBOT_CONFIG_PATH']);
    assert.match(configPath, /^candlebot\.config(\.example)?\.yml$/);
    assert.ok(names.includes(configPath), names.join(', '));
    assert.ok(names.includes('functions/scan.mjs'), names.join(', '));
    assert.ok(!names.some((n) => n.startsWith('node_modules/')), 'no node_modules in the zip');
  });

  test('tables have TTL on expiresAt and point-in-time recovery', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    assert.deepEqual(tables.map(([id]) => id).sort(), ['DeliveriesTable', 'LiveTable', 'PositionsTable', 'SignalsTable', 'StateTable', 'UsersTable']);
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
        const json = JSON.stringify(resource);
        assert.ok(!json.includes('*') || (EXCHANGE_SECRETS.test(json) && asArray<string>(s.Action).join() === 'secretsmanager:GetSecretValue'), `wildcard resource ${json}`);
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

  /** Every action of a function's role, each with its resources (JSON), after the least-privilege checks. */
  function roleGrants(fnId: string): { action: string; resource: string }[] {
    const fn = template.Resources[fnId];
    assert.ok(fn, fnId);
    const role = template.Resources[roleOf(fn)];
    assert.equal(role?.Type, 'AWS::IAM::Role');
    assert.equal(role.Properties['ManagedPolicyArns'], undefined, 'no managed policies');
    const statements = (role.Properties['Policies'] as { PolicyDocument: { Statement: any[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    return statements.flatMap((s) => {
      assert.equal(s.Effect, 'Allow');
      assert.equal(s.NotAction, undefined);
      assert.equal(s.NotResource, undefined);
      return asArray<string>(s.Action).flatMap((action) => asArray<unknown>(s.Resource).map((r) => ({ action, resource: JSON.stringify(r) })));
    });
  }

  test('the health role is read-only: GetItem on the state and positions tables, the outbox indexes, queue attributes, its logs', () => {
    const grants = roleGrants('HealthLambdaFunction');
    const allowed = new Set(['logs:CreateLogStream', 'logs:PutLogEvents', 'dynamodb:GetItem', 'dynamodb:Query', 'sqs:GetQueueAttributes']);
    // Query only the two outboxes' backlog (rows still PENDING past their lease), nothing else.
    const queries = grants.filter((g) => g.action === 'dynamodb:Query').map((g) => g.resource);
    assert.equal(queries.length, 2, queries.join());
    for (const r of queries) assert.ok(r.includes('/index/outbox-pending') && (r.includes('SignalsTable') || r.includes('PositionsTable')), r);
    for (const g of grants) {
      assert.ok(allowed.has(g.action), `unexpected action ${g.action}`);
      assert.ok(!g.resource.includes('*'), `wildcard resource ${g.resource}`);
    }
    const sqs = grants.filter((g) => g.action === 'sqs:GetQueueAttributes').map((g) => g.resource);
    assert.ok(sqs.some((r) => r.includes('"NotifyQueue"')) && sqs.some((r) => r.includes('NotifyDeadLetterQueue')), sqs.join());
  });

  test('the summary role: reads positions and subscribers, sends notifications, nothing else', () => {
    const allowed = new Set(['logs:CreateLogStream', 'logs:PutLogEvents', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'sqs:SendMessage']);
    for (const g of roleGrants('SummaryLambdaFunction')) {
      assert.ok(allowed.has(g.action), `unexpected action ${g.action}`);
      assert.ok(!g.resource.includes('*'), `wildcard resource ${g.resource}`);
    }
  });

  test('scan and monitor fan out to subscribers: Query on the subscribers index, BatchGetItem on the users table only', () => {
    for (const fn of ['ScanLambdaFunction', 'MonitorLambdaFunction']) {
      const grants = roleGrants(fn);
      assert.ok(grants.some((g) => g.action === 'dynamodb:Query' && g.resource.includes('UsersTable') && g.resource.includes('/index/subscribers')), fn);
      const batch = grants.filter((g) => g.action === 'dynamodb:BatchGetItem').map((g) => g.resource);
      assert.ok(batch.length > 0 && batch.every((b) => b === JSON.stringify({ 'Fn::GetAtt': ['UsersTable', 'Arn'] })), `${fn}: ${batch.join()}`);
    }
  });

  test('scan and monitor may delete on the positions table only (the close transaction releases the market lock; issue 12); the scan also on LiveTable (a live close releases the live lock)', () => {
    for (const fn of ['ScanLambdaFunction', 'MonitorLambdaFunction']) {
      const deletes = roleGrants(fn).filter((g) => g.action === 'dynamodb:DeleteItem').map((g) => g.resource);
      const live = fn === 'ScanLambdaFunction' ? ['"LiveTable"', '${LiveTable.Arn}/index/'] : [];
      assert.ok(deletes.includes(JSON.stringify({ 'Fn::GetAtt': ['PositionsTable', 'Arn'] })), `${fn}: ${deletes.join()}`);
      assert.ok(deletes.every((d) => d.includes('"PositionsTable"') || d.includes('${PositionsTable.Arn}/index/') || live.some((l) => d.includes(l))), `${fn}: ${deletes.join()}`);
    }
  });

  test('the monitor may query the dashboards index (dashboard refresh)', () => {
    assert.ok(roleGrants('MonitorLambdaFunction').some((g) => g.action === 'dynamodb:Query' && g.resource.includes('/index/dashboards')));
  });

  test('the webhook role: its logs, the users table for the bot core and user commands, no Scan, no wildcard', () => {
    const grants = roleGrants('WebhookLambdaFunction');
    const allowed = new Set([
      'logs:CreateLogStream', 'logs:PutLogEvents',
      'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:BatchGetItem',
      'sqs:GetQueueAttributes',
      // Token and webhook secret, read at runtime (test/infra/secrets-template.test.ts checks the ARN).
      'secretsmanager:GetSecretValue',
    ]);
    for (const g of grants) {
      assert.ok(allowed.has(g.action), `unexpected action ${g.action}`);
      assert.ok(!g.resource.includes('*'), `wildcard resource ${g.resource}`);
    }
    const users = grants.filter((g) => g.resource === JSON.stringify({ 'Fn::GetAtt': ['UsersTable', 'Arn'] })).map((g) => g.action);
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query']) assert.ok(users.includes(action), action);
    assert.ok(grants.some((g) => g.action === 'logs:PutLogEvents' && g.resource.includes('WebhookLogGroup')));
  });

  test('the webhook role reads market data: Query on the recent signals index, the positions table and its open list; markets cache Get/Put', () => {
    const grants = roleGrants('WebhookLambdaFunction');
    const has = (action: string, resource: unknown) => grants.some((g) => g.action === action && g.resource === JSON.stringify(resource));
    assert.ok(has('dynamodb:Query', { 'Fn::Sub': '${SignalsTable.Arn}/index/recent' }));
    assert.ok(has('dynamodb:Query', { 'Fn::GetAtt': ['PositionsTable', 'Arn'] }));
    assert.ok(has('dynamodb:Query', { 'Fn::Sub': '${PositionsTable.Arn}/index/position-lists' }));
    assert.ok(has('dynamodb:GetItem', { 'Fn::GetAtt': ['StateTable', 'Arn'] }) && has('dynamodb:PutItem', { 'Fn::GetAtt': ['StateTable', 'Arn'] }));
    assert.ok(!grants.some((g) => g.resource.includes('SignalsTable') && g.action !== 'dynamodb:Query'), 'signals: read through the index only');
  });

  test('POST /telegram/webhook is an HTTP API (payload 2.0) route to the webhook function; its secrets are read at runtime (only the secret’s name is in the template)', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties['RouteKey']);
    assert.ok(routes.includes('POST /telegram/webhook'), routes.join(', '));
    const integrations = ofType('AWS::ApiGatewayV2::Integration').filter(([, i]) => JSON.stringify(i.Properties['IntegrationUri']).includes('WebhookLambdaFunction'));
    assert.equal(integrations.length, 1);
    assert.equal(integrations[0]![1].Properties['PayloadFormatVersion'], '2.0');
    const fn = template.Resources['WebhookLambdaFunction']!;
    const vars = fn.Properties['Environment']['Variables'] as Record<string, unknown>;
    for (const name of ['SIGNALS_TABLE', 'STATE_TABLE', 'POSITIONS_TABLE', 'USERS_TABLE', 'NOTIFY_QUEUE_URL', 'NOTIFY_DLQ_URL']) assert.ok(vars[name], name);
    // Never a secret (nor a dynamic reference resolving to one) in the template: the function reads it at runtime.
    assert.match(String(vars['TELEGRAM_SECRET_ID']), /^candlebot\/[^/]+\/telegram$/);
    assert.equal(vars['TELEGRAM_BOT_TOKEN'], undefined);
    assert.equal(vars['TELEGRAM_WEBHOOK_SECRET'], undefined);
    const names = zipEntries(readFileSync(functionZip('webhook'))).map((e) => e.name);
    assert.ok(names.includes(String(vars['CANDLEBOT_CONFIG_PATH'])) && names.includes('functions/webhook.mjs'), names.join(', '));
  });

  test('the webhook role covers the ops commands: control row update, portfolio/stats reads, user indexes, queue depths', () => {
    const grants = roleGrants('WebhookLambdaFunction');
    const has = (action: string, resource: unknown) => grants.some((g) => g.action === action && g.resource === JSON.stringify(resource));
    assert.ok(has('dynamodb:UpdateItem', { 'Fn::GetAtt': ['StateTable', 'Arn'] }), '/pause, /resume');
    assert.ok(has('dynamodb:GetItem', { 'Fn::GetAtt': ['PositionsTable', 'Arn'] }), '/status, /stats, /dashboard');
    assert.ok(has('dynamodb:Query', { 'Fn::Sub': '${UsersTable.Arn}/index/subscribers' }), '/stats');
    assert.ok(has('dynamodb:Query', { 'Fn::Sub': '${UsersTable.Arn}/index/dashboards' }), '/stats');
    assert.ok(has('sqs:GetQueueAttributes', { 'Fn::GetAtt': ['NotifyQueue', 'Arn'] }) && has('sqs:GetQueueAttributes', { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'Arn'] }), '/status');
    assert.ok(!grants.some((g) => g.action.startsWith('sqs:') && g.action !== 'sqs:GetQueueAttributes'), 'the webhook never sends to or reads from the queues');
  });

  test('GET /health is an HTTP API route to the health function', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties['RouteKey']);
    assert.ok(routes.includes('GET /health'), routes.join(', '));
  });

  test('the daily summary runs once a day at 00:05 UTC', () => {
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties['Targets']).includes('SummaryLambdaFunction'));
    assert.deepEqual(rules.map(([, r]) => r.Properties['ScheduleExpression']), ['cron(5 0 * * ? *)']);
  });

  test('the monitor runs every minute', () => {
    const monitor = ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties['Targets']).includes('MonitorLambdaFunction'));
    assert.deepEqual(monitor.map(([, r]) => r.Properties['ScheduleExpression']), ['rate(1 minute)']);
  });

  test('reconcile (live trading): one rule every minute, DISABLED for the shipped paper config (enabled only with a live exchange); no async retry', () => {
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties['Targets']).includes('ReconcileLambdaFunction'));
    assert.deepEqual(rules.map(([, r]) => [r.Properties['ScheduleExpression'], r.Properties['State']]), [['rate(1 minute)', 'DISABLED']]);
    assert.deepEqual(live.liveExchangeIds(schedules.readConfig()), [], 'the shipped config trades on paper');
    const enabled = live.reconcileEvents('rate(1 minute)', ['binance']);
    assert.deepEqual([enabled[0]!.schedule.rate, enabled[0]!.schedule.enabled], [['rate(1 minute)'], true]);
    assert.equal(live.reconcileEvents('rate(2 minutes)', [])[0]!.schedule.enabled, false);
    assert.throws(() => live.reconcileEvents('cron(* * * * ? *)', ['binance']), /--reconcile-rate "cron\(\* \* \* \* \? \*\)": expected a rate expression/);
    assert.deepEqual(live.liveExchangeIds({ exchanges: [{ id: 'binance', trading: { mode: 'live' } }, { id: 'bybit', trading: { mode: 'paper' } }, { id: 'kraken' }] }), ['binance']);
    const invoke = ofType('AWS::Lambda::EventInvokeConfig').filter(([, c]) => JSON.stringify(c.Properties['FunctionName']).includes('ReconcileLambdaFunction'));
    assert.deepEqual(invoke.map(([, c]) => c.Properties['MaximumRetryAttempts']), [0]);
    const fn = template.Resources['ReconcileLambdaFunction']!.Properties;
    assert.deepEqual([fn['Architectures'], fn['Timeout']], [['arm64'], 50]);
    const env = fn['Environment'].Variables as Record<string, unknown>;
    assert.deepEqual(env['LIVE_TABLE'], { Ref: 'LiveTable' });
    assert.deepEqual(env['NOTIFY_QUEUE_URL'], { Ref: 'NotifyQueue' });
    assert.equal(env['USERS_TABLE'], undefined, 'messages go to the chats stored on the positions: no subscribers lookup');
    assert.match(String(env['EXCHANGE_SECRET_PREFIX']), /^candlebot\/[a-z0-9-]+\/exchange\/$/);
    const names = zipEntries(readFileSync(functionZip('reconcile'))).map((e) => e.name);
    assert.ok(names.includes(String(env['CANDLEBOT_CONFIG_PATH'])) && names.includes('functions/reconcile.mjs'), names.join(', '));
  });

  test('the reconcile role: LiveTable items and its live-lists index (no ConditionCheck, no table Query), SendMessage on NotifyQueue, the exchange secrets, its logs; nothing else (no UsersTable)', () => {
    const grants = roleGrants('ReconcileLambdaFunction');
    const allowed: Record<string, RegExp> = {
      'logs:CreateLogStream': /ReconcileLogGroup/,
      'logs:PutLogEvents': /ReconcileLogGroup/,
      'dynamodb:GetItem': /^\{"Fn::GetAtt":\["LiveTable","Arn"\]\}$/,
      'dynamodb:PutItem': /^\{"Fn::GetAtt":\["LiveTable","Arn"\]\}$/,
      'dynamodb:UpdateItem': /^\{"Fn::GetAtt":\["LiveTable","Arn"\]\}$/,
      'dynamodb:DeleteItem': /^\{"Fn::GetAtt":\["LiveTable","Arn"\]\}$/,
      'dynamodb:Query': /^\{"Fn::Sub":"\$\{LiveTable\.Arn\}\/index\/live-lists"\}$/,
      'sqs:SendMessage': /^\{"Fn::GetAtt":\["NotifyQueue","Arn"\]\}$/,
      'secretsmanager:GetSecretValue': EXCHANGE_SECRETS,
    };
    for (const g of grants) {
      assert.ok(allowed[g.action], `unexpected action ${g.action}`);
      assert.match(g.resource, allowed[g.action]!, g.action);
      if (g.resource.includes('*')) assert.match(g.resource, EXCHANGE_SECRETS, `wildcard resource ${g.resource}`);
    }
    for (const action of ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'sqs:SendMessage', 'secretsmanager:GetSecretValue']) assert.ok(grants.some((g) => g.action === action), action);
  });

  test('live trading reaches scan (LIVE_TABLE, EXCHANGE_SECRET_PREFIX) and the webhook (LIVE_TABLE: /orders, /balance, /panic); the webhook role reads, creates (/panic before any trade) and updates LiveTable rows, no key', () => {
    const vars = (id: string) => template.Resources[id]!.Properties['Environment']['Variables'] as Record<string, unknown>;
    assert.deepEqual(vars('ScanLambdaFunction')['LIVE_TABLE'], { Ref: 'LiveTable' });
    assert.equal(vars('ScanLambdaFunction')['EXCHANGE_SECRET_PREFIX'], vars('ReconcileLambdaFunction')['EXCHANGE_SECRET_PREFIX']);
    assert.deepEqual(vars('WebhookLambdaFunction')['LIVE_TABLE'], { Ref: 'LiveTable' });
    assert.equal(vars('WebhookLambdaFunction')['EXCHANGE_SECRET_PREFIX'], undefined);
    const webhook = roleGrants('WebhookLambdaFunction');
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']) assert.ok(webhook.some((g) => g.action === action && g.resource.includes('LiveTable')), action);
    assert.ok(!webhook.some((g) => g.resource.includes('LiveTable') && !['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'].includes(g.action)), 'no delete or transaction on LiveTable from the bot');
    const scan = roleGrants('ScanLambdaFunction');
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query']) assert.ok(scan.some((g) => g.action === action && g.resource.includes('LiveTable')), action);
  });

  test('notify consumes the queue in batches with partial failures, bounded concurrency, and a visibility ≥ 6× its timeout', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([, m]) => JSON.stringify(m.Properties['FunctionName']).includes('NotifyLambdaFunction'));
    assert.equal(mappings.length, 1);
    const m = mappings[0]![1].Properties;
    assert.deepEqual(m['EventSourceArn'], { 'Fn::GetAtt': ['NotifyQueue', 'Arn'] });
    assert.equal(m['BatchSize'], 10);
    assert.deepEqual(m['FunctionResponseTypes'], ['ReportBatchItemFailures']);
    assert.ok(m['ScalingConfig']?.MaximumConcurrency >= 2 && m['ScalingConfig']?.MaximumConcurrency <= 10, JSON.stringify(m['ScalingConfig']));
    const fn = template.Resources['NotifyLambdaFunction']!.Properties;
    assert.ok(Number(template.Resources['NotifyQueue']!.Properties['VisibilityTimeout']) >= 6 * Number(fn['Timeout']));
    const env = fn['Environment'].Variables as Record<string, unknown>;
    for (const key of ['DELIVERIES_TABLE', 'USERS_TABLE', 'STATE_TABLE', 'NOTIFY_QUEUE_URL']) assert.ok(env[key], key);
    assert.match(String(env['TELEGRAM_SECRET_ID']), /^candlebot\/[^/]+\/telegram$/, 'the token is read at runtime from this secret');
    assert.equal(env['TELEGRAM_BOT_TOKEN'], undefined, 'never in the template');
  });

  test('the notify role: queue consumption and retry delays on NotifyQueue, Get/Put/Update on its three tables, the Telegram secret, nothing else', () => {
    const allowed = new Set([
      'logs:CreateLogStream', 'logs:PutLogEvents',
      'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes',
      'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem',
      // The bot token, read at runtime (test/infra/secrets-template.test.ts checks the ARN).
      'secretsmanager:GetSecretValue',
    ]);
    const grants = roleGrants('NotifyLambdaFunction');
    for (const g of grants) {
      assert.ok(allowed.has(g.action), `unexpected action ${g.action}`);
      assert.ok(!g.resource.includes('*'), `wildcard resource ${g.resource}`);
      if (g.action.startsWith('sqs:')) assert.match(g.resource, /"NotifyQueue"/);
      if (g.action.startsWith('dynamodb:')) assert.match(g.resource, /"(DeliveriesTable|StateTable|UsersTable)"/);
    }
    assert.ok(grants.some((g) => g.action === 'sqs:ChangeMessageVisibility'));
  });

  test('the notify and webhook zips (charts: notify, /chart) ship the handler, the resvg addon it requires and the chart font at CANDLEBOT_FONT_PATH', () => {
    for (const [fn, logicalId] of [['notify', 'NotifyLambdaFunction'], ['webhook', 'WebhookLambdaFunction']] as const) {
      const names = zipEntries(readFileSync(functionZip(fn))).map((e) => e.name);
      assert.ok(names.includes(`functions/${fn}.mjs`), names.join(', '));
      assert.ok(names.some((n) => /^functions\/resvgjs\.linux-x64-gnu.*\.node$/.test(n)), names.join(', '));
      const fontPath = template.Resources[logicalId]!.Properties['Environment'].Variables['CANDLEBOT_FONT_PATH'] as string;
      assert.ok(names.includes(fontPath.replace(/^\/var\/task\//, '')), `${fn}: ${fontPath} not in ${names.join(', ')}`);
    }
    for (const other of ['scan', 'monitor', 'health', 'summary', 'reconcile']) {
      assert.ok(!zipEntries(readFileSync(functionZip(other))).some((e) => e.name.endsWith('.node')), `${other}.zip carries a native addon`);
    }
  });

  test('outputs name the tables and the queue', () => {
    for (const key of ['SignalsTableName', 'StateTableName', 'PositionsTableName', 'LiveTableName', 'NotifyQueueUrl']) assert.ok(template.Outputs?.[key], key);
  });
});
