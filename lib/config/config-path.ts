/**
 * Which bot config file the local commands read (npm start, webhook:set, …).
 *
 * The repository ships `candlebot.config.example.yml` (tracked); a user's own config is
 * `candlebot.config.yml` (git-ignored, so `git pull` never collides with it). In order:
 *   1. `--config <file>` when the command was given one;
 *   2. the environment variable `CANDLEBOT_CONFIG`;
 *   3. `candlebot.config.yml` in the working directory (npm runs scripts from the checkout);
 *   4. otherwise the shipped example, with one notice line (see CONFIG_EXAMPLE_NOTICE).
 * Packaging and deploy choose theirs in infra/config-file.cjs (same names, same variable).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The user's own config (git-ignored). */
export const USER_CONFIG_FILE = 'candlebot.config.yml';
/** The shipped example (tracked). */
export const EXAMPLE_CONFIG_FILE = 'candlebot.config.example.yml';
/** The environment variable naming the config file. */
export const CONFIG_ENV = 'CANDLEBOT_CONFIG';
/** Printed once when the example is used because there is no user config. */
export const CONFIG_EXAMPLE_NOTICE = `no ${USER_CONFIG_FILE}: using ${EXAMPLE_CONFIG_FILE} — copy it to make your own`;

/** The example shipped next to this code (the checkout's root). */
export const EXAMPLE_CONFIG_PATH = resolve(import.meta.dirname, '..', '..', EXAMPLE_CONFIG_FILE);

export interface ConfigChoice {
  /** The file to load. */
  readonly path: string;
  /** Set when the example is used for want of a user config: print it once. */
  readonly notice?: string;
}

/** The config file of a local command (see the module comment for the order). */
export function chooseConfigFile(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ConfigChoice {
  if (flag !== undefined && flag !== '') return { path: flag };
  const fromEnv = env[CONFIG_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { path: fromEnv };
  const own = join(cwd, USER_CONFIG_FILE);
  if (existsSync(own)) return { path: own };
  return { path: EXAMPLE_CONFIG_PATH, notice: CONFIG_EXAMPLE_NOTICE };
}
