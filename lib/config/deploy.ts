/**
 * Checks a deployment needs on top of the config schema: every exchange must be bundled into
 * the Lambda functions (lib/exchange/load.ts `BUNDLED_EXCHANGE_LOADERS`), or the deployed
 * scan could only report `EXCHANGE_NOT_BUNDLED`. Used by `npm run package` (infra/package.ts)
 * and by serverless.yml's config resolver (infra/scan-schedules.cjs), so `osls package` and
 * `osls deploy` run directly refuse the same configs. Not imported by the functions.
 */
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { BUNDLED_EXCHANGE_LOADERS, isBundledExchange } from '../exchange/load.js';
import { listIssues } from '../core/zod-issues.js';
import { loadConfigFile, type ConfigIssue } from './load.js';
import type { BotConfig } from './schema.js';

/** Throws ConfigError `CONFIG_NOT_DEPLOYABLE` naming every exchange that is not bundled. */
export function checkDeployable(config: BotConfig, source: string): BotConfig {
  const bundled = Object.keys(BUNDLED_EXCHANGE_LOADERS).join(', ');
  const issues: ConfigIssue[] = [];
  config.exchanges.forEach((exchange, i) => {
    if (isBundledExchange(exchange.id)) return;
    issues.push({
      path: ['exchanges', i, 'id'],
      message:
        `exchange "${exchange.id}" is not bundled into the Lambda functions (bundled: ${bundled}), so the deployed scan ` +
        `would only report EXCHANGE_NOT_BUNDLED; add one line for it to BUNDLED_EXCHANGE_LOADERS in lib/exchange/load.ts`,
    });
  });
  if (issues.length > 0) throw new ConfigError(`${source} cannot be deployed:\n${listIssues(issues)}`, { code: 'CONFIG_NOT_DEPLOYABLE' });
  return config;
}

/** `loadConfigFile` plus the deployment checks. */
export function loadDeployConfig(path: string): BotConfig {
  return checkDeployable(loadConfigFile(path), `config file ${resolve(path)}`);
}
