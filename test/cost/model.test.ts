/** The cost model on small inputs, against numbers computed by hand in the comments. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fitSamples, ZERO, type Measurement, type Quantities } from '../../lib/cost/measurement.js';
import { metricMonths, WAVE1_DESIGN } from '../../lib/cost/metrics.js';
import { billedMs, computeBill, type ModelInput } from '../../lib/cost/model.js';
import { parsePrices } from '../../lib/cost/prices.js';
import type { TemplateFacts } from '../../lib/cost/template.js';
import { ASSUMPTIONS, monthlyUsage, timeframeHours, type Assumptions, type Schedules } from '../../lib/cost/usage.js';

const prices = parsePrices(JSON.parse(readFileSync(new URL('../../lib/cost/prices.json', import.meta.url), 'utf8')));
const q = (part: Partial<Quantities>): Quantities => ({ ...ZERO, ...part });
const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);

const assumptions: Assumptions = {
  ...(Object.fromEntries(ASSUMPTIONS.map((a) => [a.key, a.fallback ?? 0])) as unknown as Assumptions),
  subscribers: 10,
  signalsPerDay: 24,
  closesPerDay: 0,
  reach: 1,
  commandsPerDay: 0,
  openPositions: 2,
  healthChecksPerDay: 0,
  alarmChangesPerMonth: 0,
  logRetentionDays: 30,
  initMs: 0,
  warmMinutes: 100,
  recycleHours: 2,
  platformLogBytes: 0,
  sqsPollers: 0,
  dashboardViewsPerMonth: 0,
};
const schedules: Schedules = { timeframes: [{ tf: '1h', minutes: 60 }], monitorMinutes: 1, signalTtlDays: 90, deliveryTtlDays: 21 };
const template: TemplateFacts = {
  functions: [
    { name: 'scan', memoryMb: 512, arch: 'arm64', readsSecret: false },
    { name: 'monitor', memoryMb: 1769, arch: 'x86_64', readsSecret: false },
  ],
  alarms: [
    { id: 'A', metrics: 12, highResolution: false, hasActions: true },
    { id: 'B', metrics: 1, highResolution: true, hasActions: true },
  ],
  dashboards: [{ id: 'D', metrics: 40, logWidgets: [] }],
  logRetentionDays: 30,
  monitorMinutes: 1,
  pitrTables: 0,
  tables: 1,
  secrets: 1,
};
const measurement: Measurement = {
  version: 1,
  measuredAt: '2026-12-06T15:00:00.000Z',
  commit: 'test',
  node: 'v20',
  cpu: 'test',
  subscribers: 10,
  latencyMs: 0,
  functions: {
    // scan: 100 ms wall, 10 ms CPU, 1 WRU per run; 10 WRU and 1,000 log bytes per signal.
    scan: { driver: 'signal', base: { '1h': q({ wallMs: 100, cpuMs: 10, wru: 1 }) }, perUnit: q({ wru: 10, logBytes: 1000 }), coldExtra: ZERO, warmSamples: 5, coldSamples: 0, meanX: 1 },
    // monitor at a full vCPU: 50 ms wall, 20 ms CPU (no stretch at 1769 MB), 2 RRU per open position.
    monitor: { driver: 'open position', base: { all: q({ wallMs: 50, cpuMs: 20 }) }, perUnit: q({ rru: 2 }), coldExtra: ZERO, warmSamples: 5, coldSamples: 0, meanX: 2 },
  },
  storage: { bytesPerSignal: 0, bytesPerMessage: 0, bytesPerSubscriber: 0 },
  notes: [],
};
const input: ModelInput = { prices, measurement, assumptions, schedules, template, metricDesign: [] };

describe('cost model', () => {
  it('billed duration: wall time plus the CPU time stretched to the function’s share of a vCPU', () => {
    // 512 MB: 1769/512 − 1 = 2.455078125 → 100 + 10 × 2.455078125
    close(billedMs(q({ wallMs: 100, cpuMs: 10 }), 512), 124.55078125, '512 MB');
    close(billedMs(q({ wallMs: 100, cpuMs: 10 }), 1769), 100, 'a full vCPU');
    close(billedMs(q({ wallMs: 100, cpuMs: 10 }), 3538), 100, 'more than a vCPU: no speed-up assumed');
  });

  const bill = computeBill(input);
  const fn = (name: string) => bill.functions.find((f) => f.name === name)!;
  const line = (item: string) => bill.lines.find((l) => l.item.startsWith(item))!;

  it('scan: 730 hourly runs, 730 signals; GB-s and write units by hand', () => {
    const scan = fn('scan');
    close(scan.invocations, 730, 'runs');
    // cold starts: the hourly gap (60 min) is under warm-minutes (100): one per recycle (730 h / 2) = 365, each 0 extra here.
    close(scan.coldStarts, 365, 'cold');
    // ms = 730 × 124.55078125 + 0.5 × 730 (rounding up) = 91,287.0703125; GB-s = 91.2870703125 × 0.5
    close(scan.gbSeconds, 45.64353515625, 'GB-s');
    close(scan.wru, 730 + 730 * 10, 'WRU');
    close(scan.logBytes, 730 * 1000, 'log bytes');
  });

  it('monitor: 43,800 runs × 2 open positions × 2 RRU', () => {
    const monitor = fn('monitor');
    close(monitor.invocations, 43_800, 'runs');
    close(monitor.rru, 175_200, 'RRU');
    // ms = 43,800 × 50.5 = 2,211,900 → GB-s = 2,211.9 × 1769/1024
    close(monitor.gbSeconds, 2211.9 * (1769 / 1024), 'GB-s');
  });

  it('service lines at list price and what the always-free tier covers', () => {
    close(line('read request units').list, (175_200 / 1e6) * 0.125, 'RRU $');
    close(line('write request units').list, (8030 / 1e6) * 0.625, 'WRU $');
    // 13 alarm metrics: 12 standard ($1.20, 10 free = $1.00) + 1 high resolution ($0.30, no free tier)
    close(line('alarms (2, standard').list, 1.2, 'alarms');
    close(line('alarms (2, standard').free, 1.0, 'alarms free');
    close(line('alarms (high').list, 0.3, 'high-res alarms');
    // one dashboard of 40 metrics: $3 list, free (≤ 3 dashboards of ≤ 50 metrics)
    close(line('dashboards').list, 3, 'dashboard');
    close(line('dashboards').free, 3, 'dashboard free');
    // Lambda requests 44,530 at $0.20/M, all free
    close(line('requests').list, (44_530 / 1e6) * 0.2, 'Lambda requests');
    close(line('requests').free, line('requests').list, 'Lambda requests free');
    close(line('secrets').list, 0.4, 'secret');
    close(line('secrets').free, 0, 'no free secret');
  });

  it('totals are the sums of the lines; the target is judged on both', () => {
    const list = bill.lines.reduce((s, l) => s + l.list, 0);
    const free = bill.lines.reduce((s, l) => s + l.free, 0);
    close(bill.total.list, list, 'list total');
    close(bill.total.withFreeTier, list - free, 'with free tier');
    assert.equal(bill.target.metList, bill.total.list <= 2);
    assert.equal(bill.target.metWithFreeTier, bill.total.withFreeTier <= 2);
    close(bill.services.reduce((s, x) => s + x.list, 0), bill.total.list, 'services add up');
  });

  it('a function of the template that was not measured is named in the notes', () => {
    const withNotify = computeBill({ ...input, template: { ...template, functions: [...template.functions, { name: 'notify', memoryMb: 1024, arch: 'x86_64', readsSecret: true }] } });
    assert.ok(withNotify.notes.some((n) => n.startsWith('notify: in the template but not measured')), withNotify.notes.join('\n'));
  });
});

describe('cost model: metric-months', () => {
  const usage = monthlyUsage({ ...schedules, timeframes: [{ tf: '15m', minutes: 15 }, { tf: '4h', minutes: 240 }] }, assumptions);

  it('a per-timeframe metric is billed for the hours it is published: 15m every hour, 4h 6 of 24 hours; non-zero-only metrics ~0', () => {
    assert.equal(timeframeHours(15), 1);
    assert.equal(timeframeHours(240), 0.25);
    const m = metricMonths(
      [
        { name: 'ScanFailureRatio', dimensionValues: { timeframe: 'configured-timeframes' }, emittedBy: ['scan'], when: 'every-run' },
        { name: 'MonitorFailures', dimensionValues: {}, emittedBy: ['monitor'], when: 'every-run' },
        { name: 'CorruptRowsIgnored', dimensionValues: { row: ['a', 'b'] }, emittedBy: ['scan'], when: 'non-zero' },
      ],
      usage.functions ? [{ tf: '15m', minutes: 15 }, { tf: '4h', minutes: 240 }] : [],
      usage,
    );
    assert.deepEqual(m.combinations.map((c) => [c.name, c.dimensions, c.hours]), [
      ['ScanFailureRatio', 'timeframe=15m', 1],
      ['ScanFailureRatio', 'timeframe=4h', 0.25],
      ['MonitorFailures', '', 1],
      ['CorruptRowsIgnored', 'row=a', 0],
      ['CorruptRowsIgnored', 'row=b', 0],
    ]);
    close(m.metricMonths, 2.25, 'metric-months');
  });

  it('wave 1: 8 scan metrics × timeframe + monitor 9 + notify 6 + Dropped × 5 reasons + summary 1', () => {
    const m = metricMonths(WAVE1_DESIGN, [{ tf: '15m', minutes: 15 }, { tf: '1h', minutes: 60 }, { tf: '4h', minutes: 240 }], usage);
    assert.equal(m.combinations.length, 8 * 3 + 9 + 6 + 5 + 1);
  });
});

describe('cost model: fitting samples', () => {
  it('recovers an exact linear cost per group and per unit; cold samples give the cold extra', () => {
    const s = (group: string, x: number, cold = false) => ({ group, x, cold, q: q({ wru: (group === 'a' ? 3 : 5) + 2 * x + (cold ? 7 : 0), wallMs: 10 }) });
    const fit = fitSamples('signal', [s('a', 0), s('a', 1), s('a', 4), s('b', 0), s('b', 2), s('a', 1, true)]);
    close(fit.base['a']!.wru, 3, 'base a');
    close(fit.base['b']!.wru, 5, 'base b');
    close(fit.perUnit.wru, 2, 'per unit');
    close(fit.coldExtra.wru, 7, 'cold extra');
    close(fit.perUnit.wallMs, 0, 'no slope in a constant');
    assert.deepEqual([fit.warmSamples, fit.coldSamples], [5, 1]);
  });

  it('slopes by group when asked (monitor: a run after a close writes per position, one between closes does not)', () => {
    const s = (group: string, x: number) => ({ group, x, cold: false, q: q({ wru: group === 'close' ? 1 + 3 * x : 1 }) });
    const fit = fitSamples('open position', [s('close', 1), s('close', 3), s('between', 1), s('between', 3)], { slopeByGroup: true });
    close(fit.perUnitByGroup!['close']!.wru, 3, 'close slope');
    close(fit.perUnitByGroup!['between']!.wru, 0, 'between slope');
    close(fit.base['close']!.wru, 1, 'close base');
    close(fit.base['between']!.wru, 1, 'between base');
    const usage = monthlyUsage({ ...schedules, timeframes: [{ tf: '15m', minutes: 15 }] }, assumptions);
    // 43,800 runs at 1 min: 2,920 right after a 15m close, 40,880 between
    assert.deepEqual(usage.functions.monitor.byGroup, { close: 2920, between: 40_880 });
    assert.deepEqual(usage.functions.monitor.unitsByGroup, { close: 2920 * 2, between: 40_880 * 2 });
  });

  it('a negative slope (noise) is taken as 0: the base is the group mean', () => {
    const fit = fitSamples('x', [0, 1, 2].map((x) => ({ group: 'all', x, cold: false, q: q({ cpuMs: 10 - x }) })));
    close(fit.perUnit.cpuMs, 0, 'slope');
    close(fit.base['all']!.cpuMs, 9, 'mean');
  });
});
