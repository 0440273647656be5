import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema, type BotConfig } from './schema.js';

/** Formats zod issues as `path: message` lines, naming the field and the allowed values. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.length === 0 ? '(root)' : issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      return `  - ${path}: ${issue.message}`;
    })
    .join('\n');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

/** Validates an already-parsed config object; throws ConfigError listing every bad field. */
export function parseConfig(raw: unknown, source = 'config'): BotConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(`invalid ${source}:\n${formatIssues(result.error.issues)}`, { code: 'INVALID_CONFIG' });
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
