/**
 * A local osls plugin (serverless.yml `plugins: - ./infra/cli-options.cjs`) that only declares
 * candlebot's deploy options, because osls refuses any CLI option no command declares
 * ("Detected unrecognized CLI options"):
 *   --monitor-rate 'rate(5 minutes)'   the monitor's schedule (serverless.yml) and the period of
 *                                      the MonitorStalled alarm (infra/alarms.cjs)
 *   --alert-email you@example.com      an e-mail subscription of the alerts topic (infra/alarms.cjs)
 *   --reconcile-rate 'rate(2 minutes)' the live-trading reconcile's schedule (infra/live-trading.cjs;
 *                                      enabled only when an exchange trades live)
 * They are read as `${opt:…}` / `resolveVariable('opt:…')`. No hooks: nothing else changes.
 */
'use strict';

const OPTIONS = Object.freeze({
  'monitor-rate': { usage: "Schedule of the paper-position monitor and period of its MonitorStalled alarm (default 'rate(1 minute)')", type: 'string' },
  'alert-email': { usage: 'Also send every alarm state change to this e-mail address (SNS asks to confirm it first)', type: 'string' },
  'reconcile-rate': { usage: "Schedule of the live-trading reconcile (default 'rate(1 minute)'; enabled only when an exchange trades live)", type: 'string' },
});

/** The commands that resolve the whole service configuration. */
const COMMANDS = ['package', 'deploy', 'print'];

class CandlebotCliOptions {
  constructor() {
    this.commands = Object.fromEntries(COMMANDS.map((command) => [command, { options: OPTIONS }]));
  }
}

module.exports = CandlebotCliOptions;
module.exports.OPTIONS = OPTIONS;
