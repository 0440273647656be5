/**
 * The cost model: prices + measurement + assumptions + schedules + template facts → the monthly
 * bill, per service line and per function, with and without the always-free tier. Pure.
 *
 * Billed duration: a Lambda function gets memory/1769 MB of a vCPU, so CPU time measured here
 * (one local core taken as one Lambda vCPU) runs 1769/memory times slower there; the invocation
 * is billed the wall time measured here plus that stretch of its CPU time, plus INIT per cold
 * start, rounded up to the millisecond (half a millisecond on average).
 */
import { add, meanBase, scale, ZERO, type CostFunction, type Measurement, type Quantities } from './measurement.js';
import { metricMonths, WAVE1_DESIGN, type MetricDesign, type MetricsCost } from './metrics.js';
import type { Prices } from './prices.js';
import type { TemplateFacts } from './template.js';
import { monthlyUsage, MONTH_DAYS, MONTH_HOURS, MONTH_SECONDS, type Assumptions, type Schedules, type Usage } from './usage.js';

export const FULL_VCPU_MB = 1769;
export const TARGET_USD = 2;
const GB = 1e9;

export interface ModelInput {
  readonly prices: Prices;
  readonly measurement: Measurement;
  readonly assumptions: Assumptions;
  readonly schedules: Schedules;
  readonly template: TemplateFacts;
  readonly metricDesign: readonly MetricDesign[];
}

export interface Line {
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  /** List cost, USD. */
  readonly list: number;
  /** The part the always-free tier covers, USD. */
  readonly free: number;
}

export interface FunctionBill {
  readonly name: string;
  readonly memoryMb: number;
  readonly arch: 'arm64' | 'x86_64';
  readonly measured: boolean;
  readonly invocations: number;
  readonly coldStarts: number;
  readonly msPerInvocation: number;
  readonly gbSeconds: number;
  readonly rru: number;
  readonly wru: number;
  readonly sqsRequests: number;
  readonly logBytes: number;
  readonly secretCalls: number;
  /** Lambda requests + duration at list price, USD. */
  readonly lambdaList: number;
}

export interface Bill {
  readonly functions: readonly FunctionBill[];
  readonly lines: readonly Line[];
  readonly services: readonly { readonly service: string; readonly list: number; readonly withFreeTier: number }[];
  readonly total: { readonly list: number; readonly withFreeTier: number };
  readonly target: { readonly usd: number; readonly metList: boolean; readonly metWithFreeTier: boolean };
  readonly metrics: { readonly now: MetricsCost; readonly wave1: MetricsCost; readonly nowList: number; readonly wave1List: number; readonly wave1EveryHour: number };
  readonly usage: Usage;
  readonly notes: readonly string[];
}

/** Billed milliseconds of quantities on a function of `memoryMb`. */
export function billedMs(q: Quantities, memoryMb: number): number {
  return q.wallMs + q.cpuMs * Math.max(0, FULL_VCPU_MB / memoryMb - 1);
}

/** Free-tier allowance `allow` (in units) applied to `used` units at `unitPrice`: the covered USD. */
const covered = (used: number, allow: number, unitPrice: number): number => Math.min(used, allow) * unitPrice;

function functionBill(name: CostFunction, input: ModelInput, usage: Usage): FunctionBill | undefined {
  const spec = input.template.functions.find((f) => f.name === name);
  if (!spec) return undefined;
  const { prices, assumptions: a } = input;
  const u = usage.functions[name];
  const m = input.measurement.functions[name];
  let total: Quantities = ZERO;
  if (m) {
    for (const [group, n] of Object.entries(u.byGroup)) total = add(total, scale(m.base[group] ?? meanBase(m.base), n));
    if (m.perUnitByGroup && u.unitsByGroup) {
      for (const [group, n] of Object.entries(u.unitsByGroup)) total = add(total, scale(m.perUnitByGroup[group] ?? m.perUnit, n));
    } else {
      total = add(total, scale(m.perUnit, u.units));
    }
    total = add(total, scale(m.coldExtra, u.coldStarts));
  }
  const ms = m ? billedMs(total, spec.memoryMb) + u.coldStarts * a.initMs + 0.5 * u.invocations : 0;
  const gbSeconds = (ms / 1000) * (spec.memoryMb / 1024);
  const perGbS = spec.arch === 'arm64' ? prices.lambdaGbSecondArm64 : prices.lambdaGbSecondX86;
  // The Telegram secret; reconcile reads each live exchange's key secret as often (lib/runtime/live-wiring.ts: per cold start and cache age).
  const reads = Math.min(u.invocations, u.coldStarts + MONTH_SECONDS / a.secretCacheSeconds);
  const secretCalls = (spec.readsSecret ? reads : 0) + (name === 'reconcile' ? reads * (input.schedules.liveExchanges ?? 0) : 0);
  return {
    name,
    memoryMb: spec.memoryMb,
    arch: spec.arch,
    measured: m !== undefined,
    invocations: u.invocations,
    coldStarts: u.coldStarts,
    msPerInvocation: u.invocations > 0 ? ms / u.invocations : 0,
    gbSeconds,
    rru: total.rru,
    wru: total.wru,
    sqsRequests: total.sqsRequests,
    logBytes: total.logBytes + u.invocations * a.platformLogBytes,
    secretCalls,
    lambdaList: (u.invocations / 1e6) * prices.lambdaRequestPerMillion + gbSeconds * perGbS,
  };
}

/** The monthly bill. */
export function computeBill(input: ModelInput): Bill {
  const { prices: p, assumptions: a, template: t, measurement } = input;
  const usage = monthlyUsage(input.schedules, a);
  const notes: string[] = [];
  const names = t.functions.map((f) => f.name as CostFunction).filter((n) => n in usage.functions);
  const functions = names.map((n) => functionBill(n, input, usage)).filter((f): f is FunctionBill => f !== undefined);
  for (const f of functions) if (!f.measured && f.invocations > 0) notes.push(`${f.name}: in the template but not measured — only its requests are costed`);
  if (functions.some((f) => f.name === 'reconcile' && f.invocations === 0)) notes.push('reconcile: its schedule is disabled (no exchange trades live), so it never runs: 0 invocations');
  for (const f of t.functions) if (!(f.name in usage.functions)) notes.push(`${f.name}: a function the model has no schedule for — not costed`);
  const sum = (k: keyof FunctionBill) => functions.reduce((s, f) => s + (f[k] as number), 0);
  const lines: Line[] = [];
  const line = (service: string, item: string, quantity: number, unit: string, list: number, free = 0) =>
    lines.push({ service, item, quantity, unit, list, free: Math.min(list, free) });

  // Lambda: the free GB-s go to x86 first (the dearer seconds).
  const requests = sum('invocations');
  const gbs = (arch: string) => functions.filter((f) => f.arch === arch).reduce((s, f) => s + f.gbSeconds, 0);
  const [x86, arm] = [gbs('x86_64'), gbs('arm64')];
  const freeX86 = Math.min(x86, p.lambdaFreeGbSeconds);
  line('Lambda', 'requests', requests, 'requests', (requests / 1e6) * p.lambdaRequestPerMillion, covered(requests, p.lambdaFreeRequests, p.lambdaRequestPerMillion / 1e6));
  line('Lambda', 'duration x86_64', x86, 'GB-s', x86 * p.lambdaGbSecondX86, freeX86 * p.lambdaGbSecondX86);
  line('Lambda', 'duration arm64', arm, 'GB-s', arm * p.lambdaGbSecondArm64, Math.min(arm, p.lambdaFreeGbSeconds - freeX86) * p.lambdaGbSecondArm64);

  // DynamoDB on demand (its always-free 25 RCU/WCU are for provisioned tables only).
  const signalTtl = input.schedules.signalTtlDays;
  const st = measurement.storage;
  const messagesPerDay = usage.messages / MONTH_DAYS;
  const storageGb = (st.bytesPerSignal * a.signalsPerDay * signalTtl + st.bytesPerMessage * messagesPerDay * input.schedules.deliveryTtlDays + st.bytesPerSubscriber * a.subscribers) / GB;
  line('DynamoDB', 'read request units', sum('rru'), 'RRU', (sum('rru') / 1e6) * p.dynamodbReadRequestPerMillion);
  line('DynamoDB', 'write request units', sum('wru'), 'WRU', (sum('wru') / 1e6) * p.dynamodbWriteRequestPerMillion);
  line('DynamoDB', 'storage', storageGb, 'GB-month', storageGb * p.dynamodbStorageGbMonth, covered(storageGb, p.dynamodbFreeStorageGb, p.dynamodbStorageGbMonth));
  if (t.pitrTables > 0) line('DynamoDB', `point-in-time recovery (${t.pitrTables} of ${t.tables} tables)`, storageGb, 'GB-month', storageGb * p.dynamodbPitrGbMonth);

  // SQS: the functions' own requests, plus Lambda's pollers of NotifyQueue and its delete per batch.
  const notifyBatches = usage.functions.notify.invocations;
  const polling = (a.sqsPollers * MONTH_SECONDS) / 20;
  const sqs = sum('sqsRequests') + polling + notifyBatches;
  line('SQS', `requests (functions ${fmt(sum('sqsRequests'))}, Lambda pollers ${fmt(polling)}, batch deletes ${fmt(notifyBatches)})`, sqs, 'requests', (sqs / 1e6) * p.sqsRequestPerMillion, covered(sqs, p.sqsFreeRequests, p.sqsRequestPerMillion / 1e6));

  // CloudWatch metrics, alarms, dashboards.
  const now = metricMonths(input.metricDesign, input.schedules.timeframes, usage);
  const wave1 = metricMonths(WAVE1_DESIGN, input.schedules.timeframes, usage);
  line('CloudWatch', `custom metrics (${now.combinations.length} name × dimension combinations)`, now.metricMonths, 'metric-months', now.metricMonths * p.cloudwatchMetricMonth, covered(now.metricMonths, p.cloudwatchFreeMetrics, p.cloudwatchMetricMonth));
  const standard = t.alarms.filter((x) => !x.highResolution).reduce((s, x) => s + x.metrics, 0);
  const high = t.alarms.filter((x) => x.highResolution).reduce((s, x) => s + x.metrics, 0);
  line('CloudWatch', `alarms (${t.alarms.length}, standard resolution)`, standard, 'alarm metrics', standard * p.cloudwatchAlarmMetricMonth, covered(standard, p.cloudwatchFreeAlarmMetrics, p.cloudwatchAlarmMetricMonth));
  if (high > 0) line('CloudWatch', 'alarms (high resolution)', high, 'alarm metrics', high * p.cloudwatchHighResAlarmMetricMonth);
  const freeDashboards = Math.min(p.cloudwatchFreeDashboards, t.dashboards.filter((d) => d.metrics <= p.cloudwatchFreeDashboardMetrics).length);
  line('CloudWatch', `dashboards (metrics: ${t.dashboards.map((d) => d.metrics).join(', ') || 'none'})`, t.dashboards.length, 'dashboards', t.dashboards.length * p.cloudwatchDashboardMonth, freeDashboards * p.cloudwatchDashboardMonth);

  // Logs: ingestion, storage at the retention's steady state, Logs Insights scans of the dashboard; one free 5 GB.
  const ingestGb = sum('logBytes') / GB;
  const retention = a.logRetentionDays;
  const storedGb = (ingestGb / MONTH_DAYS) * retention; // steady state: the last `retention` days, uncompressed
  const hourly = (fn: string) => (functions.find((f) => f.name === fn)?.logBytes ?? 0) / MONTH_HOURS;
  const perView = t.dashboards.flatMap((d) => d.logWidgets).reduce((s, fns) => s + fns.reduce((x, fn) => x + hourly(fn) * a.dashboardHours, 0), 0);
  const scannedGb = (perView * a.dashboardViewsPerMonth) / GB;
  let freeLeft = p.logsFreeGb;
  const take = (gb: number) => {
    const used = Math.min(gb, freeLeft);
    freeLeft -= used;
    return used;
  };
  line('CloudWatch Logs', 'ingestion', ingestGb, 'GB', ingestGb * p.logsIngestionGb, take(ingestGb) * p.logsIngestionGb);
  line('CloudWatch Logs', `storage (${retention} days retention)`, storedGb, 'GB-month', storedGb * p.logsStorageGbMonth, take(storedGb) * p.logsStorageGbMonth);
  line('CloudWatch Logs', `Logs Insights (dashboard widgets, ${a.dashboardViewsPerMonth} views × ${a.dashboardHours} h)`, scannedGb, 'GB scanned', scannedGb * p.logsInsightsGbScanned, take(scannedGb) * p.logsInsightsGbScanned);

  // Secrets Manager, API Gateway, SNS, EventBridge.
  const calls = sum('secretCalls');
  // The Telegram secret, plus one API-key secret per live exchange while reconcile runs (the scan's key reads on live signals are not costed).
  const keySecrets = usage.functions.reconcile.invocations > 0 ? (input.schedules.liveExchanges ?? 0) : 0;
  line('Secrets Manager', keySecrets > 0 ? `secrets (Telegram + ${keySecrets} exchange key${keySecrets === 1 ? '' : 's'})` : 'secrets', t.secrets + keySecrets, 'secret-months', (t.secrets + keySecrets) * p.secretMonth);
  line('Secrets Manager', 'API calls', calls, 'calls', (calls / 1e4) * p.secretsPer10kCalls);
  const api = usage.commands + usage.healthChecks;
  line('API Gateway', 'HTTP API requests (webhook + /health)', api, 'requests', (api / 1e6) * p.httpApiPerMillion);
  notes.push(`API Gateway: its free tier (${fmt(p.httpApiFreeRequests12Months)} requests a month) lasts the first 12 months of an account only, so it is not applied`);
  line('SNS', 'alarm notifications published', a.alarmChangesPerMonth, 'publishes', (a.alarmChangesPerMonth / 1e6) * p.snsPublishPerMillion, covered(a.alarmChangesPerMonth, p.snsFreeRequests, p.snsPublishPerMillion / 1e6));
  const scheduled = usage.functions.scan.invocations + usage.functions.monitor.invocations + usage.functions.summary.invocations + usage.functions.reconcile.invocations;
  line('EventBridge', 'scheduled rule events', scheduled, 'events', scheduled * p.eventbridgeScheduledRuleEvent);

  const services = [...new Set(lines.map((l) => l.service))].map((service) => {
    const of = lines.filter((l) => l.service === service);
    const list = of.reduce((s, l) => s + l.list, 0);
    return { service, list, withFreeTier: list - of.reduce((s, l) => s + l.free, 0) };
  });
  const total = { list: services.reduce((s, x) => s + x.list, 0), withFreeTier: services.reduce((s, x) => s + x.withFreeTier, 0) };
  notes.push(...measurement.notes);
  if (measurement.subscribers !== a.subscribers) {
    notes.push(`measured with ${measurement.subscribers} subscribers, modelled with ${a.subscribers}: the scan's fan-out per signal and the summary were measured at ${measurement.subscribers}`);
  }
  return {
    functions,
    lines,
    services,
    total,
    target: { usd: TARGET_USD, metList: total.list <= TARGET_USD, metWithFreeTier: total.withFreeTier <= TARGET_USD },
    metrics: {
      now,
      wave1,
      nowList: now.metricMonths * p.cloudwatchMetricMonth,
      wave1List: wave1.metricMonths * p.cloudwatchMetricMonth,
      wave1EveryHour: wave1.combinations.length * p.cloudwatchMetricMonth,
    },
    usage,
    notes,
  };
}

/** A count for a line label: 657000 → 657k. */
export function fmt(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  if (Number.isInteger(n)) return String(n);
  return n >= 100 ? String(Math.round(n)) : n.toFixed(n >= 10 ? 1 : 2);
}
