/**
 * The bot config that packaging and deploy ship (serverless.yml `custom.configFile`, resolved
 * by osls: `${file(./infra/config-file.cjs)}`; also used by infra/package.ts and
 * infra/scan-schedules.cjs). In order:
 *   1. the environment variable `CANDLEBOT_CONFIG` (relative to the working directory);
 *   2. `candlebot.config.yml` in the service directory (the user's own, git-ignored);
 *   3. otherwise the shipped `candlebot.config.example.yml`, with one notice line — except for
 *      `osls deploy`, which refuses: a deployment runs around the clock and posts to real
 *      chats, so it must be the user's own choice (`CANDLEBOT_CONFIG=candlebot.config.example.yml`
 *      deploys the example deliberately). Packaging (offline, CI on a fresh clone), `osls remove`,
 *      `osls logs` and `osls info` use the example: they ship nothing, or nothing that runs.
 * The file must lie inside the service directory (osls ships files from there only). It ships
 * in each function's zip under the same relative path, which is the functions'
 * CANDLEBOT_CONFIG_PATH.
 *
 * CommonJS because osls `require`s resolver files.
 */
'use strict';
const { existsSync } = require('node:fs');
const { isAbsolute, join, relative, resolve, sep } = require('node:path');

const ROOT = join(__dirname, '..');
const USER_CONFIG_FILE = 'candlebot.config.yml';
const EXAMPLE_CONFIG_FILE = 'candlebot.config.example.yml';
const CONFIG_ENV = 'CANDLEBOT_CONFIG';
const NOTICE = `no ${USER_CONFIG_FILE}: using ${EXAMPLE_CONFIG_FILE} — copy it to make your own`;

/** An Error that osls prints as its message only (it prints `error.stack` of resolver errors). */
function cleanError(message) {
  const error = new Error(message);
  error.stack = message;
  return error;
}

/**
 * The chosen file: `{ file` (absolute), `relative` (to the service directory, `/`-separated:
 * the path in the zips and CANDLEBOT_CONFIG_PATH), `notice` (set when the example is used) `}`.
 * `command` is the osls command (`deploy` refuses to fall back to the example).
 */
function chooseDeployConfig(options = {}) {
  const env = options.env || process.env;
  const root = options.root || ROOT;
  const cwd = options.cwd || process.cwd();
  let file;
  let notice;
  const given = env[CONFIG_ENV];
  if (given) {
    file = resolve(cwd, given);
    if (!existsSync(file)) throw cleanError(`candlebot: ${CONFIG_ENV}=${given}: no such file (${file})\nnothing packaged or deployed`);
  } else if (existsSync(join(root, USER_CONFIG_FILE))) {
    file = join(root, USER_CONFIG_FILE);
  } else if (options.command === 'deploy') {
    throw cleanError(
      `candlebot: no ${USER_CONFIG_FILE}: a deployment runs your own config. Copy the example and edit it:\n` +
        `  cp ${EXAMPLE_CONFIG_FILE} ${USER_CONFIG_FILE}\n` +
        `(or deploy the example as it is: ${CONFIG_ENV}=${EXAMPLE_CONFIG_FILE})\nnothing deployed`,
    );
  } else {
    file = join(root, EXAMPLE_CONFIG_FILE);
    notice = NOTICE;
  }
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw cleanError(
      `candlebot: the config ${file} is outside the service directory ${root}; osls ships files from there only. ` +
        `Copy it into the checkout (as ${USER_CONFIG_FILE}, which git ignores)\nnothing packaged or deployed`,
    );
  }
  return { file, relative: rel.split(sep).join('/'), notice };
}

let chosen;
/** The choice of this process (osls resolves the variable once per reference: the notice prints once). */
function chosenDeployConfig() {
  if (!chosen) {
    chosen = chooseDeployConfig({ command: process.argv[2] });
    if (chosen.notice) console.error(chosen.notice);
  }
  return chosen;
}

/** The resolver osls calls: the config's path relative to the service directory. */
async function resolveConfigFile() {
  return chosenDeployConfig().relative;
}

module.exports = resolveConfigFile;
module.exports.chooseDeployConfig = chooseDeployConfig;
module.exports.chosenDeployConfig = chosenDeployConfig;
module.exports.USER_CONFIG_FILE = USER_CONFIG_FILE;
module.exports.EXAMPLE_CONFIG_FILE = EXAMPLE_CONFIG_FILE;
module.exports.CONFIG_ENV = CONFIG_ENV;
module.exports.NOTICE = NOTICE;
