/** The bill as text (`npm run cost`): tables per function and per service, totals, target, trade-off, assumptions. Pure. */
import type { Measurement } from './measurement.js';
import { fmt, FULL_VCPU_MB, type Bill } from './model.js';
import type { Prices } from './prices.js';
import type { TemplateFacts } from './template.js';
import { ASSUMPTIONS, MONTH_HOURS, type Assumptions } from './usage.js';

const usd = (n: number) => `$${n.toFixed(n > 0 && n < 0.01 ? 4 : 2)}`;
const num = (n: number) => (Number.isInteger(n) || n >= 10 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

function table(head: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number>): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (v: string, i: number) => (right.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!));
  return [head.map(cell).join('  ').trimEnd(), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => r.map(cell).join('  ').trimEnd())];
}

export interface FormatInput {
  readonly bill: Bill;
  readonly prices: Prices;
  readonly measurement: Measurement;
  readonly assumptions: Assumptions;
  readonly template: TemplateFacts;
  readonly configFile: string;
  readonly timeframes: readonly string[];
}

export function formatBill(x: FormatInput): string {
  const { bill, measurement: m, prices: p, template: t } = x;
  const out: string[] = [];
  out.push(`candlebot — modelled monthly AWS bill (${p.region} list prices of ${p.takenOn}, a month of ${MONTH_HOURS} h)`);
  out.push(`config ${x.configFile}: scans of ${x.timeframes.join(', ')}; measured on commit ${m.commit} at ${m.measuredAt} (node ${m.node}, ${m.cpu})`);
  out.push(`template: ${t.functions.length} functions, ${t.alarms.length} alarms (${t.alarms.reduce((s, a) => s + a.metrics, 0)} alarm metrics), ${t.dashboards.length} dashboard(s)`, '');
  out.push('Per function');
  out.push(
    ...table(
      ['function', 'memory', 'arch', 'invocations', 'cold', 'billed ms/inv', 'GB-s', 'RRU', 'WRU', 'SQS req', 'log MB', 'Lambda list'],
      bill.functions.map((f) => [
        f.measured ? f.name : `${f.name} (not measured)`,
        `${f.memoryMb} MB`,
        f.arch,
        num(f.invocations),
        num(f.coldStarts),
        f.msPerInvocation.toFixed(0),
        num(f.gbSeconds),
        num(f.rru),
        num(f.wru),
        num(f.sqsRequests),
        (f.logBytes / 1e6).toFixed(1),
        usd(f.lambdaList),
      ]),
      new Set([1, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    ),
    '',
  );
  out.push('Per service');
  const rows = bill.lines.map((l) => [l.service, l.item, `${fmt(l.quantity)} ${l.unit}`, usd(l.list), usd(l.list - l.free)]);
  for (const s of bill.services) rows.push([s.service, '(subtotal)', '', usd(s.list), usd(s.withFreeTier)]);
  out.push(...table(['service', 'item', 'quantity', 'list', 'with free tier'], rows, new Set([2, 3, 4])));
  out.push('', `TOTAL per month: ${usd(bill.total.list)} without any free tier, ${usd(bill.total.withFreeTier)} with the always-free tier`);
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  out.push(`target ≤ ${usd(bill.target.usd)}/month (${x.assumptions.subscribers} subscribers, alarms and dashboard included): ${met(bill.target.metList)} without the free tier, ${met(bill.target.metWithFreeTier)} with it`, '');

  const mt = bill.metrics;
  out.push('Metric design trade-off (custom metrics are $0.30 per metric-month, metered by the hour they are published)');
  out.push(`  now:    ${mt.now.combinations.length} name × dimension combinations, ${mt.now.metricMonths.toFixed(2)} metric-months → ${usd(mt.nowList)} list (${usd(Math.max(0, mt.nowList - p.cloudwatchFreeMetrics * p.cloudwatchMetricMonth))} after the ${p.cloudwatchFreeMetrics} free)`);
  const zero = mt.now.combinations.filter((c) => c.hours === 0).map((c) => `${c.name}${c.dimensions ? `{${c.dimensions}}` : ''}`);
  if (zero.length) out.push(`          ${zero.length} of them are sent only when non-zero (failures): ~$0 in this nominal month, $0.30 each for a month with a failure every hour`);
  out.push(`  wave 1: ${mt.wave1.combinations.length} combinations (every report count on every run), ${mt.wave1.metricMonths.toFixed(2)} metric-months → ${usd(mt.wave1List)} list (${usd(mt.wave1EveryHour)} if each were published every hour)`);
  out.push(`  the dashboard reads the rest from free AWS/* metrics and Logs Insights over the JSON log lines (the Logs Insights line above)`, '');

  out.push('Assumptions (change with the flags)');
  for (const a of ASSUMPTIONS) out.push(`  --${a.flag} ${String(x.assumptions[a.key])}`.padEnd(34) + a.meaning);
  out.push(
    `  measured: ${m.subscribers} subscribers registered, ${m.latencyMs} ms added to every exchange and Telegram request; every exchange simulated as Binance`,
    `  billed duration = wall time measured here + CPU time × (${FULL_VCPU_MB} MB / memory − 1): a function gets memory/${FULL_VCPU_MB} of a vCPU (one local core taken as one vCPU), + INIT per cold start`,
    '  log storage: the last retention days, uncompressed (an upper bound); DynamoDB storage: item sizes measured × rows kept by the TTLs',
  );
  if (p.unconfirmed.length) out.push(`  prices not confirmed on ${p.takenOn} (see lib/cost/prices.json): ${p.unconfirmed.join(', ')}`);
  if (bill.notes.length) out.push('', 'Notes', ...bill.notes.map((n) => `  - ${n}`));
  return out.join('\n');
}
