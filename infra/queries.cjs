/**
 * osls variable resolver: `- ${file(./infra/queries.cjs)}` under `resources:` in serverless.yml.
 * Returns the CloudWatch Logs Insights query definitions (AWS::Logs::QueryDefinition, free) for
 * the questions an operator asks (issue 14), named `candlebot-<stage>/<name>` and saved over the
 * functions' log groups (osls's `<Function>LogGroup` resources):
 *
 *   QuerySignalTrail        "what happened to signal X": every line carrying its signalId, from the
 *                           scan through the outbox, the position and each chat's delivery
 *   QueryNotificationTrail  "why was notification Y not delivered": every line of one notification id
 *   QueryFailuresByCode     failures by error code (run it over the last 24 h)
 *   QuerySlowestSymbols     the symbols whose scan takes longest (`symbol scanned` lines)
 *
 * The ids to look for are placeholders (`SIGNAL_ID`, `NOTIFICATION_ID`) to replace in the console.
 * A query definition holds no time range: the console's range applies (choose 24 h for the
 * failures). test/infra/metrics-wiring.test.ts checks that every field these queries use is
 * present in the log lines the handlers write; README "Inspecting runs in CloudWatch" shows an
 * example answer of each.
 */
'use strict';
const { stackFunctions } = require('./dashboard.cjs');

const cap = (fn) => `${fn[0].toUpperCase()}${fn.slice(1)}`;
const logGroup = (fn) => ({ Ref: `${cap(fn)}LogGroup` });

/** Logical id → { name, functions whose log groups it reads (undefined: all), query }. */
const QUERIES = Object.freeze({
  QuerySignalTrail: {
    name: 'signal-trail',
    query:
      'fields @timestamp, function_name, level, message, signalId, exchange, symbol, timeframe, positionId, notificationId, chatId, code, reason, pnl, error\n' +
      '| filter signalId = "SIGNAL_ID"\n' +
      '| sort @timestamp asc\n' +
      '| limit 200',
  },
  QueryNotificationTrail: {
    name: 'notification-trail',
    functions: ['notify'],
    query:
      'fields @timestamp, level, message, notificationId, chatId, kind, signalId, receiveCount, reason, code, delayMs, parts, error\n' +
      '| filter notificationId = "NOTIFICATION_ID"\n' +
      '| sort @timestamp asc\n' +
      '| limit 100',
  },
  QueryFailuresByCode: {
    name: 'failures-by-code',
    query: 'filter ispresent(code)\n| stats count() as failures, earliest(message) as example by code, function_name\n| sort failures desc',
  },
  QuerySlowestSymbols: {
    name: 'slowest-symbols',
    functions: ['scan'],
    query:
      'filter message = "symbol scanned"\n' +
      '| stats count() as scans, avg(durationMs) as avgMs, pct(durationMs, 95) as p95Ms, max(durationMs) as maxMs by exchange, symbol, timeframe\n' +
      '| sort avgMs desc\n' +
      '| limit 20',
  },
});

/** The QueryDefinition resources for `stage` over the log groups of `functions`. */
function queryResources(stage, functions) {
  const resources = {};
  for (const [id, q] of Object.entries(QUERIES)) {
    const fns = (q.functions || functions).filter((fn) => functions.includes(fn));
    resources[id] = {
      Type: 'AWS::Logs::QueryDefinition',
      Properties: { Name: `candlebot-${stage}/${q.name}`, QueryString: q.query, LogGroupNames: fns.map(logGroup) },
    };
  }
  return resources;
}

/** The resolver osls calls. */
async function resolveQueries({ resolveVariable } = {}) {
  const stage = resolveVariable ? await resolveVariable('sls:stage') : 'dev';
  return { Resources: queryResources(stage, stackFunctions()) };
}

module.exports = resolveQueries;
module.exports.QUERIES = QUERIES;
module.exports.queryResources = queryResources;
