/**
 * osls variable resolver: `events: ${file(./infra/scan-schedules.cjs)}` in serverless.yml.
 * Returns one EventBridge schedule per timeframe listed by the bot config
 * (the file infra/config-file.cjs chooses: CANDLEBOT_CONFIG, else candlebot.config.yml, else the
 * shipped example; `exchanges[].timeframes`), firing at every candle close with the
 * input `{ "timeframe": "<tf>" }`.
 *
 * It is also the gate of `osls package` / `osls deploy` run directly: osls resolves this
 * variable before doing anything, and the resolver first validates the config exactly as the
 * functions load it plus the deployment checks (lib/config/deploy.ts, loaded through tsx, a
 * dev dependency), so a config the functions would refuse is never packaged or deployed. The
 * refusal is thrown without a stack trace: osls prints the loader's message as is.
 *
 * CommonJS because osls `require`s resolver files. The cron mapping mirrors
 * `scheduleExpression` of lib/core/timeframe.ts; test/infra/scan-schedules.test.ts checks
 * that both agree for every timeframe.
 */
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');

const { chosenDeployConfig } = require('./config-file.cjs');

/** The config file packaging/deploy uses (chosen on first use: the choice may refuse). */
const configFile = () => chosenDeployConfig().file;

const MINUTE = 1;
const HOUR = 60;
/** Timeframe → length in minutes (the timeframes lib/core/timeframe.ts supports). */
const TIMEFRAME_MINUTES = {
  '1m': 1, '3m': 3, '5m': 5, '15m': 15, '30m': 30,
  '1h': 60, '2h': 120, '4h': 240, '6h': 360, '8h': 480, '12h': 720, '1d': 1440,
};

/** EventBridge cron (UTC) firing at every close of `tf`. */
function scheduleExpression(tf) {
  const m = Object.hasOwn(TIMEFRAME_MINUTES, tf) ? TIMEFRAME_MINUTES[tf] : undefined;
  if (m === undefined) {
    throw new Error(`unsupported timeframe "${tf}"; allowed: ${Object.keys(TIMEFRAME_MINUTES).join(', ')}`);
  }
  if (m === MINUTE) return 'cron(* * * * ? *)';
  if (m < HOUR) return `cron(0/${m} * * * ? *)`;
  if (m === HOUR) return 'cron(0 * * * ? *)';
  if (m < 24 * HOUR) return `cron(0 0/${m / HOUR} * * ? *)`;
  return 'cron(0 0 * * ? *)';
}

/** Distinct timeframes of `exchanges[].timeframes`, shortest first. */
function configTimeframes(config) {
  const exchanges = config && Array.isArray(config.exchanges) ? config.exchanges : [];
  const all = new Set();
  for (const exchange of exchanges) {
    for (const tf of (exchange && exchange.timeframes) || []) all.add(String(tf));
  }
  return [...all].sort((a, b) => (TIMEFRAME_MINUTES[a] ?? Infinity) - (TIMEFRAME_MINUTES[b] ?? Infinity));
}

/** serverless.yml `events` entries for the given timeframes. */
function scheduleEvents(timeframes) {
  return timeframes.map((tf) => ({
    schedule: {
      rate: [scheduleExpression(tf)],
      description: `candlebot scan of ${tf} candles at each close`,
      input: { timeframe: tf },
    },
  }));
}

function readConfig(file = configFile()) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file} to generate the scan schedules: ${error.message}`);
  }
  return parse(text);
}

/** An Error that osls prints as its message only (it prints `error.stack` of resolver errors). */
function cleanError(message) {
  const error = new Error(message);
  error.stack = message;
  return error;
}

/** The validated config (lib/config/deploy.ts `loadDeployConfig`); throws a clean Error when it is refused. */
function validatedConfig(file = configFile()) {
  let deploy;
  try {
    const tsx = require('tsx/cjs/api');
    deploy = tsx.require(join(__dirname, '..', 'lib', 'config', 'deploy.ts'), __filename);
  } catch (error) {
    throw cleanError(
      `cannot load the config validator lib/config/deploy.ts through tsx (a dev dependency; run npm ci): ${error && error.message}`,
    );
  }
  try {
    return deploy.loadDeployConfig(file);
  } catch (error) {
    if (error && error.name === 'ConfigError') throw cleanError(`candlebot: ${error.message}\nnothing packaged or deployed`);
    throw error;
  }
}

/** The resolver osls calls. */
async function resolveScanSchedules() {
  const file = configFile();
  const timeframes = configTimeframes(validatedConfig(file));
  if (timeframes.length === 0) throw new Error(`${file}: no exchanges[].timeframes, so no scan schedule`);
  return scheduleEvents(timeframes);
}

module.exports = resolveScanSchedules;
module.exports.scheduleExpression = scheduleExpression;
module.exports.configTimeframes = configTimeframes;
module.exports.scheduleEvents = scheduleEvents;
module.exports.readConfig = readConfig;
module.exports.validatedConfig = validatedConfig;
module.exports.TIMEFRAMES = Object.keys(TIMEFRAME_MINUTES);
