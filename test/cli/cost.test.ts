/**
 * `npm run cost`: the bill of the shipped config from a saved measurement and a template
 * fixture (the measurement itself takes ~1–2 min; test/cost covers the model by hand), as
 * --json (structure, totals that add up, assumptions from the flags) and as text; --help;
 * assumptions refused by name.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/run-cli.js';

const MEASURED = 'test/cost/fixtures/measurement.json';
const TEMPLATE = 'test/cost/fixtures/template.json';
const BASE = ['--config', 'candlebot.config.example.yml', '--measured', MEASURED, '--template', TEMPLATE];

interface Line { service: string; item: string; quantity: number; list: number; free: number }
interface Output {
  assumptions: Record<string, number>;
  schedules: { timeframes: { tf: string; minutes: number }[]; monitorMinutes: number };
  template: { alarms: unknown[]; dashboards: unknown[] };
  measurement: { commit: string };
  prices: { takenOn: string };
  bill: {
    functions: { name: string; invocations: number; gbSeconds: number; measured: boolean }[];
    lines: Line[];
    services: { service: string; list: number; withFreeTier: number }[];
    total: { list: number; withFreeTier: number };
    target: { usd: number; metList: boolean; metWithFreeTier: boolean };
    metrics: { now: { combinations: unknown[] }; wave1: { combinations: unknown[] }; wave1List: number; nowList: number };
  };
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

describe('npm run cost', () => {
  it('--json: per function and per service, totals that add up, the target judged, the assumptions and their sources', async () => {
    const out = await runCli('test/bench/cost/cli.ts', [...BASE, '--json', '--signals-per-day', '10', '--subscribers', '50'], 60_000);
    assert.equal(out.code, 0, out.stderr);
    const o = JSON.parse(out.stdout) as Output;
    assert.equal(o.prices.takenOn, '2026-12-06');
    assert.equal(o.measurement.commit, 'fixture');
    assert.equal(o.assumptions['signalsPerDay'], 10);
    assert.equal(o.assumptions['openPositions'], 5, 'default: risk.maxOpenPositions of the config');
    assert.equal(o.assumptions['logRetentionDays'], 30, 'default: the template');
    assert.deepEqual(o.schedules.timeframes.map((t) => t.tf), ['15m', '1h', '4h']);
    assert.deepEqual(o.bill.functions.map((f) => f.name).sort(), ['health', 'monitor', 'notify', 'scan', 'summary', 'webhook']);
    // 15m + 1h + 4h scans in a 730-hour month: 2920 + 730 + 182.5
    assert.ok(near(o.bill.functions.find((f) => f.name === 'scan')!.invocations, 3832.5));
    assert.ok(o.bill.functions.every((f) => f.measured && f.gbSeconds > 0));
    for (const s of ['Lambda', 'DynamoDB', 'SQS', 'CloudWatch', 'CloudWatch Logs', 'Secrets Manager', 'API Gateway', 'SNS', 'EventBridge']) {
      assert.ok(o.bill.services.some((x) => x.service === s), `service ${s}`);
    }
    const list = o.bill.lines.reduce((s, l) => s + l.list, 0);
    const free = o.bill.lines.reduce((s, l) => s + l.free, 0);
    assert.ok(near(o.bill.total.list, list), 'list total = Σ lines');
    assert.ok(near(o.bill.total.withFreeTier, list - free), 'with free tier = Σ lines − Σ free');
    assert.ok(near(o.bill.services.reduce((s, x) => s + x.list, 0), list), 'services add up');
    assert.ok(o.bill.lines.every((l) => l.free <= l.list + 1e-12 && l.free >= 0));
    assert.equal(o.bill.target.usd, 2);
    assert.equal(o.bill.target.metList, o.bill.total.list <= 2);
    // The template fixture: 3 alarms with 4 alarm metrics (one high resolution), one dashboard.
    assert.equal(o.template.alarms.length, 3);
    assert.equal(o.bill.lines.find((l) => l.item.startsWith('alarms (3, standard'))?.quantity, 3);
    assert.equal(o.bill.lines.find((l) => l.item.startsWith('dashboards'))?.quantity, 1);
    assert.equal(o.bill.metrics.wave1.combinations.length, 45);
    assert.ok(o.bill.metrics.wave1List > o.bill.metrics.nowList);
  });

  it('text: the tables, the total, the target verdict, the trade-off and every assumption flag', async () => {
    const out = await runCli('test/bench/cost/cli.ts', BASE, 60_000);
    assert.equal(out.code, 0, out.stderr);
    for (const expected of [/^Per function$/m, /^Per service$/m, /^TOTAL per month: \$\d+\.\d\d without any free tier, \$\d+\.\d\d with the always-free tier$/m, /^target ≤ \$2\.00\/month \(50 subscribers, alarms and dashboard included\): (met|NOT met) without the free tier, (met|NOT met) with it$/m, /wave 1: 45 combinations/, /--subscribers 50 /, /--signals-per-day 20 /, /--commands-per-day 2 /, /--open-positions 5 /, /--log-retention-days 30 /]) {
      assert.match(out.stdout, expected);
    }
    assert.match(out.stdout, /^scan +512 MB +arm64 /m);
    assert.match(out.stdout, /^notify +1024 MB +x86_64 /m);
  });

  it('--help: usage with every assumption flag; a bad assumption is refused by name', async () => {
    const help = await runCli('test/bench/cost/cli.ts', ['--help'], 60_000);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: npm run cost /m);
    assert.match(help.stdout, /--signals-per-day N/);
    const bad = await runCli('test/bench/cost/cli.ts', [...BASE, '--reach', '2'], 60_000);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--reach must be ≤ 1, got 2/);
    const negative = await runCli('test/bench/cost/cli.ts', [...BASE, '--subscribers', '-5'], 60_000);
    assert.match(negative.stderr, /--subscribers must be ≥ 0, got -5/);
  });

  it('--measured refuses a file that holds no measurement', async () => {
    const out = await runCli('test/bench/cost/cli.ts', ['--measured', TEMPLATE, '--template', TEMPLATE], 60_000);
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, /--measured test\/cost\/fixtures\/template\.json: not a measurement/);
  });
});
