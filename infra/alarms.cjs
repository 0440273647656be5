/**
 * osls variable resolver: `- ${file(./infra/alarms.cjs)}` under `resources:` in serverless.yml.
 * Returns the alerts SNS topic `AlertsTopic`, every CloudWatch alarm of the stack (each with
 * AlarmActions and OKActions = [AlertsTopic]: a fired alarm and its recovery are both told; the
 * `alerts` function sends them to the admin chats) and, with `--alert-email you@example.com`, an
 * e-mail subscription of the topic (AWS mails a confirmation link first).
 *
 * The alarms (issue 14; /work/notes/ops-contract.md "Alarms"; README "Alerts" says what a person
 * should do for each, docs/operations.md why each threshold):
 *   ScanStalled-<tf>     one per scan timeframe of the bot config (exchanges[].timeframes, like
 *                        infra/scan-schedules.cjs): candlebot/ScanFailureRatio {service, timeframe}
 *                        Maximum per tf, 2 of 3 periods > 0.5, missing data breaching — a dead man
 *                        (no completed scan) and an unhealthy scan (scanned nothing / > half failed)
 *   MonitorStalled       candlebot/MonitorFailures SampleCount per monitor rate (`--monitor-rate`,
 *                        default rate(1 minute)), 2 of 3 periods < 1, missing breaching — a dead man
 *   <fn>-errors / <fn>-throttles   AWS/Lambda Errors / Throttles of every function of serverless.yml
 *   NotifyDeadLetter, NotifyQueueOldestMessage, OutboxStuck, WebhookServerErrors, DynamoDBErrors
 *   LiveTradingAlert     only when an exchange trades live (infra/live-trading.cjs): candlebot/
 *                        LiveTradingAlerts (published by reconcile only when > 0) Sum ≥ 1 in 5 min,
 *                        missing not breaching. With a paper-only config neither this alarm nor
 *                        reconcile's errors/throttles alarms exist: reconcile's schedule is disabled
 *                        and such alarms would only add to the bill ($0.10 per alarm metric-month).
 *
 * Alarm names are `candlebot-<stage>-<name>` (unique per account and region). The custom metrics
 * and their dimensions come from the catalogue (lib/runtime/metric-catalogue.ts) and timeframe
 * lengths from lib/core/timeframe.ts, both loaded through tsx (a dev dependency, as
 * infra/scan-schedules.cjs does): one source for what is emitted and what is watched.
 *
 * CommonJS because osls `require`s resolver files. osls passes `{ options, resolveVariable }`;
 * options declared by a plugin (infra/cli-options.cjs: --monitor-rate, --alert-email) are not in
 * `options` yet when resolvers first run, so they are read through `resolveVariable('opt:…')`.
 */
'use strict';
const { join } = require('node:path');
const { configTimeframes, readConfig } = require('./scan-schedules.cjs');
const { stackFunctions } = require('./dashboard.cjs');
const { liveExchangeIds, LIVE_ONLY_FUNCTIONS } = require('./live-trading.cjs');

const TOPIC = { Ref: 'AlertsTopic' };
const FIVE_MINUTES = 300;
const DEFAULT_MONITOR_RATE = 'rate(1 minute)';

/** A TypeScript module of the repository, loaded through tsx (pure data/functions only). */
function loadTs(relative) {
  const tsx = require('tsx/cjs/api');
  return tsx.require(join(__dirname, '..', relative), __filename);
}

/** An Error that osls prints as its message only (it prints `error.stack` of resolver errors). */
function cleanError(message) {
  const error = new Error(message);
  error.stack = message;
  return error;
}

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(2 hours)`, `rate(1 day)` → seconds. */
function rateSeconds(expression) {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(String(expression).trim());
  if (!match || Number(match[1]) < 1) {
    throw cleanError(`candlebot: --monitor-rate ${JSON.stringify(expression)}: the MonitorStalled alarm needs a rate expression such as 'rate(5 minutes)'\nnothing packaged or deployed`);
  }
  const unit = match[2].startsWith('minute') ? 60 : match[2].startsWith('hour') ? 3600 : 86_400;
  return Number(match[1]) * unit;
}

/** A plausible e-mail address (SNS confirms it by mail); throws a clean error otherwise. */
function checkEmail(email) {
  if (!/^[^\s@<>"']+@[^\s@<>"']+\.[^\s@<>"']+$/.test(email) || email.length > 254) {
    throw cleanError(`candlebot: --alert-email ${JSON.stringify(email)} is not an e-mail address\nnothing packaged or deployed`);
  }
  return email;
}

/** `scan` → `Scan` (osls logical ids: ScanLambdaFunction). */
const cap = (fn) => `${fn[0].toUpperCase()}${fn.slice(1)}`;

/**
 * The resources for `stage`. `timeframes`: the config's scan timeframes; `timeframeSeconds(tf)`;
 * `functions`: serverless.yml's; `monitorRateSeconds`; `alertEmail` ('' or undefined: none);
 * `catalogue`: { namespace, service: {name, value}, dimensionsOf(metric) }; `liveExchanges`: ids
 * of the exchanges trading live (none: no LiveTradingAlert, no alarm of a live-only function).
 */
function alarmResources({ stage, timeframes, timeframeSeconds, functions, monitorRateSeconds, alertEmail, catalogue, liveExchanges = [] }) {
  const live = liveExchanges.length > 0;
  const watchedFunctions = live ? functions : functions.filter((fn) => !LIVE_ONLY_FUNCTIONS.includes(fn));
  const resources = {
    AlertsTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `candlebot-${stage}-alerts`, DisplayName: `candlebot ${stage} alerts` } },
  };
  if (alertEmail) {
    resources.AlertsEmailSubscription = { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: TOPIC, Protocol: 'email', Endpoint: checkEmail(alertEmail) } };
  }
  const custom = (metric, extra = {}) => {
    const dims = [{ Name: catalogue.service.name, Value: catalogue.service.value }, ...Object.entries(extra).map(([Name, Value]) => ({ Name, Value }))];
    const expected = ['service', ...catalogue.dimensionsOf(metric)].sort().join(',');
    if (dims.map((d) => d.Name).sort().join(',') !== expected) throw new Error(`alarm on ${metric}: dimensions ${dims.map((d) => d.Name)} ≠ emitted ${expected}`);
    return { Namespace: catalogue.namespace, MetricName: metric, Dimensions: dims };
  };
  const add = (id, name, description, metric, rule) => {
    resources[id] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `candlebot-${stage}-${name}`,
        AlarmDescription: description,
        ...metric,
        ...rule,
        AlarmActions: [TOPIC],
        OKActions: [TOPIC],
      },
    };
  };
  const anyIn5Min = (statistic = 'Sum') => ({ Statistic: statistic, Period: FIVE_MINUTES, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });

  for (const tf of timeframes) {
    const period = timeframeSeconds(tf);
    if (period < 60) throw new Error(`timeframe ${tf}: ${period} s, an alarm period is at least 60 s`);
    add(
      `ScanStalled${tf}Alarm`,
      `ScanStalled-${tf}`,
      `No completed scan of ${tf} candles in 2 of the last 3 candles, or the scans scanned nothing or failed on more than half of the symbols. ` +
        `The alert says which. Open the dashboard (scans) and the failures-by-code query: exchange down or circuit open (EXCHANGE_UNAVAILABLE, CIRCUIT_OPEN) recovers by itself; ` +
        `BAD_SYMBOL: fix symbols in the config; no scan at all: check the scan-errors alarm and the scan function's log. Signals of ${tf} are missed meanwhile.`,
      custom('ScanFailureRatio', { timeframe: tf }),
      { Statistic: 'Maximum', Period: period, EvaluationPeriods: 3, DatapointsToAlarm: 2, Threshold: 0.5, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'breaching' },
    );
  }
  add(
    'MonitorStalledAlarm',
    'MonitorStalled',
    'The paper-position monitor completed no run in 2 of its last 3 scheduled runs: stops and targets of open positions are not checked. ' +
      'Check the monitor-errors alarm and the failures-by-code query (monitor); an exchange outage resolves by itself, a failing function needs its log.',
    custom('MonitorFailures'),
    { Statistic: 'SampleCount', Period: monitorRateSeconds, EvaluationPeriods: 3, DatapointsToAlarm: 2, Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' },
  );
  for (const fn of watchedFunctions) {
    const lambda = (metric) => ({ Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${cap(fn)}LambdaFunction` } }] });
    add(
      `${cap(fn)}ErrorsAlarm`,
      `${fn}-errors`,
      `The ${fn} function failed (threw or timed out) in the last 5 minutes. Open the failures-by-code query for its error code (README: Error codes). ` +
        'A one-off transient error (exchange, Telegram or AWS hiccup) clears by itself; errors after a deploy or a config change: fix or roll back.',
      lambda('Errors'),
      anyIn5Min(),
    );
    add(
      `${cap(fn)}ThrottlesAlarm`,
      `${fn}-throttles`,
      `Lambda refused to run the ${fn} function (throttled) in the last 5 minutes: the account's concurrency is used up by something else, or its reserved concurrency is 0. ` +
        'Check other workloads in the account and the Lambda concurrency quota.',
      lambda('Throttles'),
      anyIn5Min(),
    );
  }
  add(
    'NotifyDeadLetterAlarm',
    'NotifyDeadLetter',
    'Notifications failed 5 times and are in the dead-letter queue: some chats did not get a message. Find the cause in the failures-by-code query (notify), ' +
      'fix it (e.g. the bot token), then re-drive them with dlq:redrive (README Operations).',
    { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'QueueName'] } }] },
    anyIn5Min('Maximum'),
  );
  add(
    'NotifyQueueOldestMessageAlarm',
    'NotifyQueueOldestMessage',
    'A notification has waited more than 15 minutes in the notify queue in 2 of the last 3 five-minute periods: deliveries lag. ' +
      'Check the notify-errors and notify-throttles alarms and the notify row of the dashboard (Telegram rate limits, a failing token).',
    { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['NotifyQueue', 'QueueName'] } }] },
    { Statistic: 'Maximum', Period: FIVE_MINUTES, EvaluationPeriods: 3, DatapointsToAlarm: 2, Threshold: 900, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' },
  );
  add(
    'OutboxStuckAlarm',
    'OutboxStuck',
    'Signals or position events could not be handed to the notify queue in 2 of the last 3 five-minute periods; they stay pending and every run retries them. ' +
      'Check the queue (notify alarms) and the failures-by-code query for AWS_* codes (permissions, a deleted queue).',
    custom('OutboxStuck'),
    { Statistic: 'Maximum', Period: FIVE_MINUTES, EvaluationPeriods: 3, DatapointsToAlarm: 2, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' },
  );
  add(
    'WebhookServerErrorsAlarm',
    'WebhookServerErrors',
    'The webhook answered Telegram with a 5xx in the last 5 minutes: bot commands fail (Telegram re-sends them for a while). ' +
      'Check the failures-by-code query (webhook), e.g. the Telegram secret unreadable (SECRET_* codes) or the config.',
    custom('WebhookServerErrors'),
    anyIn5Min(),
  );
  add(
    'DynamoDBErrorsAlarm',
    'DynamoDBErrors',
    'DynamoDB throttled or failed at least 10 request attempts in each of 2 of the last 3 five-minute periods (a single retried throttle does not alarm). ' +
      'On-demand tables rarely throttle: look at the DynamoDB row of the dashboard and the AWS Health Dashboard; it usually clears by itself.',
    custom('DynamoDBErrors'),
    { Statistic: 'Sum', Period: FIVE_MINUTES, EvaluationPeriods: 3, DatapointsToAlarm: 2, Threshold: 10, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' },
  );
  if (live) {
    add(
      'LiveTradingAlertAlarm',
      'LiveTradingAlert',
      `Live trading (${liveExchanges.join(', ')}) raised an admin alert in the last 5 minutes: an order lost after its look-ups, a protective order that could not be placed or vanished, ` +
        'an unknown bot order or fill adopted, or a panic that left something open. The admin chats got the details; check the exchange (open orders, balances) and the reconcile lines ' +
        '(failures-by-code query); /panic stops new entries and closes the live positions.',
      custom('LiveTradingAlerts'),
      anyIn5Min(),
    );
  }
  return resources;
}

/** The metric catalogue's facts the alarms need (lib/runtime/metric-catalogue.ts). */
function catalogueFacts() {
  const c = loadTs('lib/runtime/metric-catalogue.ts');
  return { namespace: c.METRIC_NAMESPACE, service: c.SERVICE_DIMENSION, dimensionsOf: (name) => c.metricSpec(name).dimensions };
}

/** Seconds of a timeframe (lib/core/timeframe.ts timeframeMs). */
function timeframeSecondsFn() {
  const { timeframeMs } = loadTs('lib/core/timeframe.ts');
  return (tf) => timeframeMs(tf) / 1000;
}

/** A CLI option: from osls's `options` when present, else through `opt:` (plugin options). */
async function option(name, fallback, { options, resolveVariable }) {
  const given = options && options[name];
  if (given !== undefined && given !== null) return String(given);
  if (!resolveVariable) return fallback;
  const value = await resolveVariable(`opt:${name}, '${fallback}'`);
  return value === undefined || value === null ? fallback : String(value);
}

/** A deployment whose alarms reach nobody fails silently: the notice to print when there is no admin chat and no e-mail. */
function nobodyIsTold(config, alertEmail) {
  const admins = config && config.telegram && Array.isArray(config.telegram.adminChatIds) ? config.telegram.adminChatIds : [];
  if (admins.length > 0 || alertEmail) return undefined;
  return 'candlebot: notice: telegram.adminChatIds is empty and no --alert-email is given: the alarms will fire, but nobody will be told (README "Alerts")';
}

/** The config's `alerts.email` ('' when absent; validated with the config by infra/scan-schedules.cjs): `--alert-email` wins over it. */
function configAlertEmail(config) {
  return config && config.alerts && typeof config.alerts.email === 'string' ? config.alerts.email : '';
}

/** The resolver osls calls. */
async function resolveAlarms(context = {}) {
  const stage = context.resolveVariable ? await context.resolveVariable('sls:stage') : 'dev';
  const monitorRate = await option('monitor-rate', DEFAULT_MONITOR_RATE, context);
  const config = readConfig();
  const alertEmail = (await option('alert-email', configAlertEmail(config), context)).trim();
  const notice = nobodyIsTold(config, alertEmail);
  if (notice) console.error(notice);
  const resources = alarmResources({
    stage,
    timeframes: configTimeframes(config),
    timeframeSeconds: timeframeSecondsFn(),
    functions: stackFunctions(),
    monitorRateSeconds: rateSeconds(monitorRate),
    alertEmail,
    catalogue: catalogueFacts(),
    liveExchanges: liveExchangeIds(config),
  });
  return { Resources: resources };
}

module.exports = resolveAlarms;
module.exports.alarmResources = alarmResources;
module.exports.catalogueFacts = catalogueFacts;
module.exports.timeframeSecondsFn = timeframeSecondsFn;
module.exports.rateSeconds = rateSeconds;
module.exports.nobodyIsTold = nobodyIsTold;
module.exports.configAlertEmail = configAlertEmail;
