/**
 * The live-trading reconcile in the cost model (issue 15): its rule counts only when ENABLED (a
 * live exchange); disabled (the shipped paper config) it never runs and costs nothing; enabled at
 * rate(1 minute) it is 43,800 invocations a month and 43,800 scheduled EventBridge events.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Measurement } from '../../lib/cost/measurement.js';
import { computeBill } from '../../lib/cost/model.js';
import { parsePrices } from '../../lib/cost/prices.js';
import { templateFacts } from '../../lib/cost/template.js';
import { ASSUMPTIONS, MONTH_MINUTES, monthlyUsage, type Assumptions, type Schedules } from '../../lib/cost/usage.js';

const prices = parsePrices(JSON.parse(readFileSync(new URL('../../lib/cost/prices.json', import.meta.url), 'utf8')));
const assumptions = Object.fromEntries(ASSUMPTIONS.map((a) => [a.key, a.fallback ?? 0])) as unknown as Assumptions;
const base: Schedules = { timeframes: [{ tf: '1h', minutes: 60 }], monitorMinutes: 1, signalTtlDays: 90, deliveryTtlDays: 21 };

const rule = (state: 'ENABLED' | 'DISABLED') => ({
  ReconcileEventsRuleSchedule1: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 minute)', State: state, Targets: [{ Arn: { 'Fn::GetAtt': ['ReconcileLambdaFunction', 'Arn'] } }] } },
});
const template = (state: 'ENABLED' | 'DISABLED') => ({
  Resources: {
    ReconcileLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 512, Architectures: ['arm64'], Environment: { Variables: { LIVE_TABLE: 'x' } } } },
    MonitorEventsRuleSchedule1: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' } },
    ...rule(state),
  },
});
const measurement: Measurement = { version: 1, measuredAt: '2026-12-06T15:00:00.000Z', commit: 't', node: 'v20', cpu: 't', subscribers: 0, latencyMs: 0, functions: {}, storage: { bytesPerSignal: 0, bytesPerMessage: 0, bytesPerSubscriber: 0 }, notes: [] };

describe('cost model: the reconcile schedule', () => {
  it('template facts: the rate of an ENABLED reconcile rule; none for a DISABLED one', () => {
    assert.equal(templateFacts(template('ENABLED')).reconcileMinutes, 1);
    assert.equal(templateFacts(template('DISABLED')).reconcileMinutes, undefined);
    assert.equal(templateFacts(template('DISABLED')).monitorMinutes, 1, 'the monitor rule is not taken for reconcile’s or the reverse');
  });

  it('usage: no reconcileMinutes → 0 invocations and 0 cold starts; every minute → one run a minute', () => {
    assert.deepEqual([monthlyUsage(base, assumptions).functions.reconcile.invocations, monthlyUsage(base, assumptions).functions.reconcile.coldStarts], [0, 0]);
    assert.equal(monthlyUsage({ ...base, reconcileMinutes: 1 }, assumptions).functions.reconcile.invocations, MONTH_MINUTES);
    assert.equal(monthlyUsage({ ...base, reconcileMinutes: 5 }, assumptions).functions.reconcile.invocations, MONTH_MINUTES / 5);
  });

  it('bill: disabled costs nothing (and says so); enabled adds its requests and its scheduled events', () => {
    const bill = (state: 'ENABLED' | 'DISABLED') => {
      const facts = templateFacts(template(state));
      const schedules = facts.reconcileMinutes === undefined ? base : { ...base, reconcileMinutes: facts.reconcileMinutes };
      return computeBill({ prices, measurement, assumptions, schedules, template: facts, metricDesign: [] });
    };
    const off = bill('DISABLED');
    const reconcileOff = off.functions.find((f) => f.name === 'reconcile')!;
    assert.deepEqual([reconcileOff.invocations, reconcileOff.lambdaList], [0, 0]);
    assert.ok(off.notes.some((n) => /reconcile: its schedule is disabled/.test(n)));
    assert.ok(!off.notes.some((n) => /reconcile: in the template but not measured/.test(n)));
    const on = bill('ENABLED');
    const reconcileOn = on.functions.find((f) => f.name === 'reconcile')!;
    assert.equal(reconcileOn.invocations, MONTH_MINUTES);
    assert.ok(Math.abs(reconcileOn.lambdaList - (MONTH_MINUTES / 1e6) * prices.lambdaRequestPerMillion - reconcileOn.gbSeconds * prices.lambdaGbSecondArm64) < 1e-12);
    const events = (b: typeof on) => b.lines.find((l) => l.service === 'EventBridge')!.quantity;
    assert.ok(Math.abs(events(on) - events(off) - MONTH_MINUTES) < 1e-6, `${events(on) - events(off)} more events`);
    assert.ok(on.notes.some((n) => /reconcile: in the template but not measured/.test(n)), 'not measured: only its requests are costed');
    const secrets = (b: typeof on) => b.lines.find((l) => l.service === 'Secrets Manager' && l.item.startsWith('secrets'))!;
    assert.equal(secrets(on).quantity, secrets(off).quantity, 'no live exchange counted: no key secret');
  });

  it('bill: each live exchange adds its key secret (a secret-month) and reconcile’s reads of it (per cold start and cache age)', () => {
    const facts = templateFacts(template('ENABLED'));
    const one = computeBill({ prices, measurement, assumptions, schedules: { ...base, reconcileMinutes: 1, liveExchanges: 1 }, template: facts, metricDesign: [] });
    const none = computeBill({ prices, measurement, assumptions, schedules: { ...base, reconcileMinutes: 1 }, template: facts, metricDesign: [] });
    const item = (b: typeof one, prefix: string) => b.lines.find((l) => l.service === 'Secrets Manager' && l.item.startsWith(prefix))!;
    assert.equal(item(one, 'secrets').quantity - item(none, 'secrets').quantity, 1);
    assert.match(item(one, 'secrets').item, /Telegram \+ 1 exchange key/);
    const reconcile = one.functions.find((f) => f.name === 'reconcile')!;
    // Warm every minute: one cold start per recycle (730 h / 2 h) plus one read per 300 s of the month.
    assert.ok(Math.abs(reconcile.secretCalls - (730 / 2 + (730 * 3600) / 300)) < 1e-6, String(reconcile.secretCalls));
    assert.ok(Math.abs(item(one, 'API calls').quantity - item(none, 'API calls').quantity - reconcile.secretCalls) < 1e-6);
  });
});
