/**
 * osls variable resolver: `- ${file(./infra/dashboard.cjs)}` under `resources:` in serverless.yml.
 * Returns `{ Resources: { OperationsDashboard } }`: the CloudWatch dashboard `candlebot-<stage>`
 * (issue 14, "Inspecting runs in CloudWatch"; README describes each row, docs/operations.md the
 * metric design).
 *
 * Budget: a dashboard is free up to 50 metrics (3 dashboards per account). Custom metrics are
 * only what alarms need (lib/runtime/metric-catalogue.ts); everything else comes from free AWS/*
 * metrics or from Logs Insights widgets over the JSON log lines (`scan finished`, `symbol failed`,
 * `exchange scanned`, `notify batch finished`, `notification dropped`, `monitor finished`,
 * `paper position …`), which cost only the data they scan. `metricCount` counts the metric
 * widgets' metrics; more than 50 is refused (the shipped config uses 48; live trading adds a row).
 *
 * The body is a JSON string under Fn::Sub: `${ScanLambdaFunction}`, `${ScanLogGroup}`,
 * `${NotifyQueue.QueueName}`, `${SignalsTable}`, `${AWS::Region}` are resolved by
 * CloudFormation. Rows per scan timeframe come from the bot config (exchanges[].timeframes, like
 * infra/scan-schedules.cjs), functions from serverless.yml, tables from infra/tables.yml.
 * test/infra/metrics-wiring.test.ts checks every metric and log field a widget names against
 * what the handlers emit.
 */
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');
const { configTimeframes, readConfig } = require('./scan-schedules.cjs');
const { liveExchangeIds, LIVE_ONLY_FUNCTIONS, LIVE_ONLY_TABLES } = require('./live-trading.cjs');

const ROOT = join(__dirname, '..');
const NAMESPACE = 'candlebot';
const SERVICE = ['service', 'candlebot'];
const MAX_METRICS = 50;
const WIDTH = 24;

/** `scan` → `Scan` (osls logical ids: ScanLambdaFunction, ScanLogGroup). */
const cap = (fn) => `${fn[0].toUpperCase()}${fn.slice(1)}`;
const fnRef = (fn) => `\${${cap(fn)}LambdaFunction}`;
const logGroupRef = (fn) => `\${${cap(fn)}LogGroup}`;
const sources = (...fns) => fns.map((fn) => `SOURCE '${logGroupRef(fn)}'`).join(' | ');

/** The function names of serverless.yml (`functions:`). */
function stackFunctions(file = join(ROOT, 'serverless.yml')) {
  const doc = parse(readFileSync(file, 'utf8'), { logLevel: 'error' });
  return Object.keys((doc && doc.functions) || {});
}

/** The DynamoDB tables of infra/tables.yml (logical ids). */
function stackTables(file = join(__dirname, 'tables.yml')) {
  const doc = parse(readFileSync(file, 'utf8'), { logLevel: 'error' });
  return Object.entries((doc && doc.Resources) || {})
    .filter(([, r]) => r && r.Type === 'AWS::DynamoDB::Table')
    .map(([id]) => id);
}

/** Logs Insights bin for a timeframe: one point per scan (`1h`, `15m`, `1d` are valid bins as is). */
const binOf = (tf) => tf;

function logWidget(title, query, view = 'table') {
  return { type: 'log', properties: { title, query, region: '${AWS::Region}', view } };
}

function metricWidget(title, metrics, options = {}) {
  return { type: 'metric', properties: { title, metrics, region: '${AWS::Region}', view: 'timeSeries', stacked: false, period: 300, ...options } };
}

const text = (markdown) => ({ type: 'text', properties: { markdown } });

/**
 * Live trading (only with a live exchange): reconcile's runs and alerts from its
 * `reconcile finished` lines, and LiveTradingAlerts, the metric of the LiveTradingAlert alarm.
 */
function liveRows(liveExchanges) {
  return [
    [[text(`## Live trading (${liveExchanges.join(', ')})\nReconcile runs every minute per live exchange (\`reconcile finished\` lines); LiveTradingAlerts = admin alerts raised (the LiveTradingAlert alarm).`), WIDTH, 2]],
    [
      [
        logWidget(
          'Reconcile: orders advanced, entries settled, positions closed, failures, alerts',
          `${sources('reconcile')} | filter message = "reconcile finished" | stats count() as runs, sum(advanced) as advanced, sum(settled) as settled, sum(closed) as closed, sum(failed) as failed, sum(alerts) as alerts by bin(1h)`,
          'timeSeries',
        ),
        12,
      ],
      [metricWidget('LiveTradingAlerts (alarm ≥ 1 in 5 min)', [[NAMESPACE, 'LiveTradingAlerts', ...SERVICE, { label: 'alerts' }]], { stat: 'Sum' }), 12],
    ],
  ];
}

/** The rows of the dashboard, each a list of widgets with their width and height. */
function rows({ timeframes, functions, tables, trimDurations, trimTableThrottles = false, liveExchanges = [] }) {
  const scanSeries = timeframes.map((tf) => [
    logWidget(
      `Scans ${tf}: symbols scanned, failed, skipped, signals`,
      `${sources('scan')} | filter message = "scan finished" and timeframe = "${tf}" | stats sum(scanned) as scanned, sum(failed) as failed, sum(skipped) as skipped, sum(signalled) as signals by bin(${binOf(tf)})`,
      'timeSeries',
    ),
    8,
  ]);
  const durationFns = trimDurations ? functions.filter((fn) => ['scan', 'monitor', 'notify', 'webhook', 'reconcile'].includes(fn)) : functions;
  const tableThrottles = trimTableThrottles
    ? []
    : tables.flatMap((t) => [
        ['AWS/DynamoDB', 'ReadThrottleEvents', 'TableName', `\${${t}}`, { label: `${t} read throttles` }],
        ['AWS/DynamoDB', 'WriteThrottleEvents', 'TableName', `\${${t}}`, { label: `${t} write throttles` }],
      ]);
  return [
    [[text('## Scans per timeframe\nCounts and durations from the `scan finished` lines (Logs Insights); the failure ratio is the metric the ScanStalled alarms watch.'), WIDTH, 2]],
    scanSeries,
    [
      [
        logWidget(
          'Scan duration per timeframe (ms)',
          `${sources('scan')} | filter message = "scan finished" | stats count() as scans, avg(durationMs) as avgMs, pct(durationMs, 95) as p95Ms, max(durationMs) as maxMs by timeframe`,
        ),
        8,
      ],
      [logWidget('Failed symbols by code', `${sources('scan')} | filter message = "symbol failed" | stats count() as failures by timeframe, code, exchange | sort failures desc | limit 50`), 8],
      [
        metricWidget(
          'ScanFailureRatio (alarm > 0.5; missing = no scan)',
          timeframes.map((tf) => [NAMESPACE, 'ScanFailureRatio', ...SERVICE, 'timeframe', tf, { label: tf }]),
          { stat: 'Maximum', yAxis: { left: { min: 0, max: 1 } } },
        ),
        8,
      ],
    ],
    [[text('## Rate limit\nPer exchange and scan: the wall time of the symbols vs the floor the exchange rate limiter imposes ((requests − 1) × spacing), from the `exchange scanned` lines.'), WIDTH, 2]],
    [
      [
        logWidget(
          'Rate-limit floor vs wall time (ms)',
          `${sources('scan')} | filter message = "exchange scanned" | stats max(wallMs) as wallMs, max(rateLimitFloorMs) as rateLimitFloorMs by bin(1h)`,
          'timeSeries',
        ),
        12,
      ],
      [
        logWidget(
          'Rate-limit floor per exchange and timeframe (ms)',
          `${sources('scan')} | filter message = "exchange scanned" | stats avg(wallMs) as avgWallMs, avg(rateLimitFloorMs) as floorMs, avg(requestSpacingMs) as spacingMs, max(symbols) as symbols by exchange, timeframe`,
        ),
        12,
      ],
    ],
    [[text('## Notify\nSent, retried and given back from `notify batch finished`; drops by reason from `notification dropped`; queue depth and age from AWS/SQS.'), WIDTH, 2]],
    [
      [
        logWidget(
          'Notifications: sent, retried, given back, duplicates',
          `${sources('notify')} | filter message = "notify batch finished" | stats sum(received) as received, sum(sent) as sent, sum(retried) as retried, sum(givenBack) as givenBack, sum(duplicates) as duplicates by bin(1h)`,
          'timeSeries',
        ),
        8,
      ],
      [
        logWidget(
          'Dropped by reason',
          `${sources('notify')} | filter message like /notification dropped/ | parse reason /^(?<dropReason>[a-z-]+)/ | stats count() as dropped by dropReason | sort dropped desc`,
        ),
        8,
      ],
      [
        metricWidget(
          'NotifyQueue and DLQ',
          [
            ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', '${NotifyDeadLetterQueue.QueueName}', { label: 'DLQ messages', stat: 'Maximum' }],
            ['AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', '${NotifyQueue.QueueName}', { label: 'oldest message age (s)', stat: 'Maximum', yAxis: 'right' }],
            ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', '${NotifyQueue.QueueName}', { label: 'queued', stat: 'Maximum' }],
          ],
          {},
        ),
        8,
      ],
    ],
    [[text('## Paper positions\nOpen positions from `monitor finished`; closes and PnL from the `paper position …` lines of the monitor (stops, targets) and the scan (reversals).'), WIDTH, 2]],
    [
      [logWidget('Open positions, closed per hour', `${sources('monitor')} | filter message = "monitor finished" | stats max(listed) as open, sum(closed) as closed, sum(failed) as failed by bin(1h)`, 'timeSeries'), 8],
      [
        logWidget(
          'Opened, closed and PnL per day',
          `${sources('scan', 'monitor')} | filter message like /^paper position (opened|closed|reversed)/ | stats count() as events, sum(pnl) as pnl by bin(1d), message`,
        ),
        8,
      ],
      [
        logWidget(
          'Last closes',
          `${sources('scan', 'monitor')} | filter message like /^paper position (closed|reversed)/ | fields @timestamp, symbol, side, exitReason, pnl, signalId | sort @timestamp desc | limit 20`,
        ),
        8,
      ],
    ],
    [[text('## Lambda and DynamoDB\nAWS/Lambda per function; AWS/DynamoDB per table; candlebot/DynamoDBErrors = throttled or 5xx attempts seen inside the SDK retries.'), WIDTH, 2]],
    [
      [metricWidget('Lambda errors', functions.map((fn) => ['AWS/Lambda', 'Errors', 'FunctionName', fnRef(fn), { label: fn }]), { stat: 'Sum' }), 8],
      [metricWidget('Lambda throttles', functions.map((fn) => ['AWS/Lambda', 'Throttles', 'FunctionName', fnRef(fn), { label: fn }]), { stat: 'Sum' }), 8],
      [metricWidget('Lambda duration p95 (ms)', durationFns.map((fn) => ['AWS/Lambda', 'Duration', 'FunctionName', fnRef(fn), { label: fn }]), { stat: 'p95' }), 8],
    ],
    [
      [
        metricWidget(
          'DynamoDB consumed capacity (units per 5 min)',
          tables.flatMap((t) => [
            ['AWS/DynamoDB', 'ConsumedReadCapacityUnits', 'TableName', `\${${t}}`, { label: `${t} read` }],
            ['AWS/DynamoDB', 'ConsumedWriteCapacityUnits', 'TableName', `\${${t}}`, { label: `${t} write` }],
          ]),
          { stat: 'Sum' },
        ),
        12,
      ],
      [
        metricWidget(
          trimTableThrottles ? 'DynamoDB throttles and errors (all tables, as the functions saw them)' : 'DynamoDB throttles and errors',
          [...tableThrottles, [NAMESPACE, 'DynamoDBErrors', ...SERVICE, { label: 'throttled/5xx attempts (all functions)' }]],
          { stat: 'Sum' },
        ),
        12,
      ],
    ],
    ...(liveExchanges.length > 0 ? liveRows(liveExchanges) : []),
  ];
}

/** Lays the rows out on the 24-column grid (x, y, width, height). */
function layout(rowList) {
  const widgets = [];
  let y = 0;
  for (const row of rowList) {
    let x = 0;
    let height = 0;
    for (const [widget, width, h = 6] of row) {
      if (x + width > WIDTH) {
        x = 0;
        y += height;
        height = 0;
      }
      widgets.push({ ...widget, x, y, width, height: h });
      x += width;
      height = Math.max(height, h);
    }
    y += height;
  }
  return widgets;
}

const countMetrics = (widgets) => widgets.filter((w) => w.type === 'metric').reduce((n, w) => n + w.properties.metrics.length, 0);

/**
 * The dashboard body (with `${…}` references for Fn::Sub) and its metric count. Without a live
 * exchange (`liveExchanges` empty) the live-only function (reconcile) and table (LiveTable) are
 * left out and there is no live row: a paper bot's dashboard is what it was before live trading.
 * When the full body is over 50 metrics (many timeframes, live trading), the duration widget
 * keeps scan, monitor, notify, webhook (and reconcile) only; still over: the per-table DynamoDB
 * throttle series give way to DynamoDBErrors alone (the throttles the functions saw, all tables);
 * still over: refused.
 */
function dashboardBody({ timeframes, functions, tables, liveExchanges = [] }) {
  const live = liveExchanges.length > 0;
  const parts = {
    timeframes,
    functions: live ? functions : functions.filter((fn) => !LIVE_ONLY_FUNCTIONS.includes(fn)),
    tables: live ? tables : tables.filter((t) => !LIVE_ONLY_TABLES.includes(t)),
    liveExchanges,
  };
  let widgets = layout(rows({ ...parts, trimDurations: false }));
  if (countMetrics(widgets) > MAX_METRICS) widgets = layout(rows({ ...parts, trimDurations: true }));
  if (countMetrics(widgets) > MAX_METRICS) widgets = layout(rows({ ...parts, trimDurations: true, trimTableThrottles: true }));
  const metricCount = countMetrics(widgets);
  if (metricCount > MAX_METRICS) {
    throw new Error(`the operations dashboard would hold ${metricCount} metrics (free tier: ${MAX_METRICS}) with ${timeframes.length} scan timeframes; scan fewer timeframes`);
  }
  return { body: { widgets }, metricCount };
}

/** The CloudFormation resource. */
function dashboardResource(stage, parts) {
  const { body } = dashboardBody(parts);
  return {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: { DashboardName: `candlebot-${stage}`, DashboardBody: { 'Fn::Sub': JSON.stringify(body) } },
  };
}

/** The resolver osls calls. */
async function resolveDashboard({ resolveVariable } = {}) {
  const stage = resolveVariable ? await resolveVariable('sls:stage') : 'dev';
  const config = readConfig();
  const parts = { timeframes: configTimeframes(config), functions: stackFunctions(), tables: stackTables(), liveExchanges: liveExchangeIds(config) };
  return { Resources: { OperationsDashboard: dashboardResource(stage, parts) } };
}

module.exports = resolveDashboard;
module.exports.dashboardBody = dashboardBody;
module.exports.dashboardResource = dashboardResource;
module.exports.stackFunctions = stackFunctions;
module.exports.stackTables = stackTables;
module.exports.MAX_METRICS = MAX_METRICS;
