/** What the cost model reads from a CloudFormation template: functions, billed alarm metrics, dashboards, retention, schedules. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { flatText, rateMinutes, templateFacts } from '../../lib/cost/template.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/template.json', import.meta.url), 'utf8')) as unknown;

describe('cost model: template facts', () => {
  const facts = templateFacts(fixture);

  it('functions: serverless.yml names, memory, architecture, whether they read the Telegram secret', () => {
    assert.deepEqual(
      facts.functions.map((f) => [f.name, f.memoryMb, f.arch, f.readsSecret]),
      [
        ['scan', 512, 'arm64', false],
        ['monitor', 512, 'arm64', false],
        ['health', 256, 'arm64', false],
        ['summary', 512, 'arm64', false],
        ['webhook', 1024, 'x86_64', true],
        ['notify', 1024, 'x86_64', true],
      ],
    );
  });

  it('alarms: a MetricName alarm is 1 alarm metric, a Metrics[] alarm its MetricStat entries (not the expression); period < 60 s is high resolution', () => {
    assert.deepEqual(
      facts.alarms.map((a) => [a.id, a.metrics, a.highResolution, a.hasActions]),
      [
        ['ScanStalled1h', 1, false, true],
        ['ErrorsMath', 2, false, false],
        ['FastAlarm', 1, true, false],
      ],
    );
  });

  it('dashboards: metric rows (an expression-only row is not a metric), Logs Insights widgets with the functions they query (by log group name or reference)', () => {
    assert.deepEqual(facts.dashboards, [{ id: 'OperationsDashboard', metrics: 2, logWidgets: [['scan', 'monitor', 'notify']] }]);
  });

  it('log retention, the monitor rate, PITR tables, one secret', () => {
    assert.equal(facts.logRetentionDays, 30);
    assert.equal(facts.monitorMinutes, 1);
    assert.deepEqual([facts.pitrTables, facts.tables, facts.secrets], [1, 2, 1]);
  });

  it('flatText flattens Fn::Sub and Fn::Join; rateMinutes reads rate() expressions only', () => {
    assert.equal(flatText({ 'Fn::Join': ['-', ['a', { Ref: 'X' }, { 'Fn::Sub': 'b${C}' }]] }), 'a-X-b${C}');
    assert.equal(flatText({ 'Fn::Sub': ['x${Y}', { Y: 'z' }] }), 'x${Y}');
    assert.equal(rateMinutes('rate(5 minutes)'), 5);
    assert.equal(rateMinutes('rate(2 hours)'), 120);
    assert.equal(rateMinutes('cron(* * * * ? *)'), undefined);
  });

  it('a dashboard body that is not JSON is refused by its id', () => {
    assert.throws(() => templateFacts({ Resources: { D: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardBody: '{nope' } } } }), /dashboard D: DashboardBody is not JSON/);
  });
});
