import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { listIssues, type IssueLike } from '../core/zod-issues.js';
import { ConfigError } from '../errors.js';
import { configSchema, type BotConfig } from './schema.js';

/** One problem of a config: where (a zod-style path) and what. */
export type ConfigIssue = IssueLike;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

/**
 * Keys that name JavaScript object internals. yaml@2 turns `__proto__:` into an own key (as
 * JSON.parse does); zod then drops it without a word (copying it onto a plain object sets the
 * prototype), while any other unknown key is refused. Refused everywhere, with their path.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Every forbidden key in `value`, at any depth (aliases visited once). */
export function forbiddenKeys(value: unknown, path: PropertyKey[] = [], seen = new Set<object>()): ConfigIssue[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  if (Array.isArray(value)) return value.flatMap((item, i) => forbiddenKeys(item, [...path, i], seen));
  const issues: ConfigIssue[] = [];
  for (const key of Object.getOwnPropertyNames(value)) {
    if (FORBIDDEN_KEYS.has(key)) {
      issues.push({ path: [...path, key], message: `the key "${key}" is not allowed (it names a JavaScript object internal, not a setting)` });
    } else {
      issues.push(...forbiddenKeys((value as Record<string, unknown>)[key], [...path, key], seen));
    }
  }
  return issues;
}

/** Validates an already-parsed config object; throws ConfigError listing every bad field. */
export function parseConfig(raw: unknown, source = 'config'): BotConfig {
  const forbidden = forbiddenKeys(raw);
  if (forbidden.length > 0) {
    throw new ConfigError(`invalid ${source}:\n${listIssues(forbidden)}`, { code: 'INVALID_CONFIG' });
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(`invalid ${source}:\n${listIssues(result.error.issues)}`, { code: 'INVALID_CONFIG' });
  }
  return deepFreeze(result.data) as BotConfig;
}

/** Reads and validates the YAML bot config file. The result is deeply frozen. */
export function loadConfigFile(path: string): BotConfig {
  const full = resolve(path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read config file ${full}: ${(cause as Error).message}`, { code: 'CONFIG_UNREADABLE', cause });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (cause) {
    throw new ConfigError(`config file ${full} is not valid YAML: ${(cause as Error).message}`, { code: 'CONFIG_NOT_YAML', cause });
  }
  return parseConfig(raw, `config file ${full}`);
}
