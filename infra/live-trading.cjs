/**
 * Live trading in the stack (issue 15): which exchanges of the bot config trade live, and the
 * reconcile function's schedule — an osls variable resolver for serverless.yml
 * `reconcile.events: ${file(./infra/live-trading.cjs)}`.
 *
 * The reconcile function is always in the template (one template shape: its role, the IAM
 * coverage and template tests hold for every config), but its EventBridge rule is ENABLED only
 * when the config has an exchange with `trading.mode: live`; for a paper-only config the rule is
 * DISABLED, so it never runs and costs nothing (`npm run cost` counts no invocation), and a
 * manual invocation returns at once without an AWS call (lib/runtime/reconcile.ts). Its alarms
 * (reconcile-errors/-throttles, LiveTradingAlert) and dashboard row exist only with a live
 * exchange too (infra/alarms.cjs, infra/dashboard.cjs).
 *
 * `--reconcile-rate 'rate(2 minutes)'` (declared in infra/cli-options.cjs) changes the schedule;
 * default every minute. The config is the one packaging/deploy uses (infra/config-file.cjs),
 * read as YAML: infra/scan-schedules.cjs validates it in the same packaging.
 */
'use strict';
const { readConfig } = require('./scan-schedules.cjs');

const DEFAULT_RECONCILE_RATE = 'rate(1 minute)';
/** Functions that exist for live trading only: their alarms and dashboard entries need a live exchange. */
const LIVE_ONLY_FUNCTIONS = Object.freeze(['reconcile']);
/** Tables only live trading uses (infra/tables.yml): shown on the dashboard only with a live exchange. */
const LIVE_ONLY_TABLES = Object.freeze(['LiveTable']);

/** An Error that osls prints as its message only. */
function cleanError(message) {
  const error = new Error(message);
  error.stack = message;
  return error;
}

/** Ids of the exchanges with `trading.mode: live` (the raw config: mode defaults to paper). */
function liveExchangeIds(config) {
  const exchanges = config && Array.isArray(config.exchanges) ? config.exchanges : [];
  return exchanges.filter((e) => e && e.trading && e.trading.mode === 'live').map((e) => String(e.id));
}

/** `rate(N minute[s]|hour[s])` only: reconcile must run at least every few hours to be of use. */
function checkRate(expression) {
  const text = String(expression).trim();
  const match = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(text);
  if (!match || Number(match[1]) < 1) {
    throw cleanError(`candlebot: --reconcile-rate ${JSON.stringify(expression)}: expected a rate expression such as 'rate(2 minutes)'\nnothing packaged or deployed`);
  }
  return text;
}

/** serverless.yml `events` of the reconcile function: one schedule, enabled only with a live exchange. */
function reconcileEvents(rate, live) {
  return [
    {
      schedule: {
        rate: [checkRate(rate)],
        enabled: live.length > 0,
        description: live.length > 0 ? `candlebot live-trading reconcile (${live.join(', ')})` : 'candlebot live-trading reconcile (disabled: no exchange trades live)',
      },
    },
  ];
}

/** A CLI option through osls's `options` or `opt:` (plugin-declared options are not in `options` yet). */
async function option(name, fallback, { options, resolveVariable } = {}) {
  const given = options && options[name];
  if (given !== undefined && given !== null) return String(given);
  if (!resolveVariable) return fallback;
  const value = await resolveVariable(`opt:${name}, '${fallback}'`);
  return value === undefined || value === null ? fallback : String(value);
}

/** The resolver osls calls. */
async function resolveReconcileEvents(context = {}) {
  const rate = await option('reconcile-rate', DEFAULT_RECONCILE_RATE, context);
  return reconcileEvents(rate, liveExchangeIds(readConfig()));
}

module.exports = resolveReconcileEvents;
module.exports.liveExchangeIds = liveExchangeIds;
module.exports.reconcileEvents = reconcileEvents;
module.exports.checkRate = checkRate;
module.exports.option = option;
module.exports.DEFAULT_RECONCILE_RATE = DEFAULT_RECONCILE_RATE;
module.exports.LIVE_ONLY_FUNCTIONS = LIVE_ONLY_FUNCTIONS;
module.exports.LIVE_ONLY_TABLES = LIVE_ONLY_TABLES;
