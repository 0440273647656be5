/**
 * A strategy from a file or from the registry, for `npm run strategy:check` (and any CLI that
 * takes `--strategy <name|path.ts>`).
 *
 * `loadStrategyFile(path)`: dynamic import of a .ts/.js file (the CLIs run under tsx, so
 * TypeScript loads as is) whose DEFAULT export must have the Strategy shape
 * (lib/core/strategies/types.ts): name, description, zod params whose defaults parse `{}`,
 * warmup, evaluate, evaluateAll, and both or neither of exitAt / exitsAll. Anything else is a
 * PermanentError `BAD_STRATEGY` naming the file and what is wrong.
 */
import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { getStrategy } from '../core/strategies/index.js';
import type { Strategy } from '../core/strategies/types.js';
import { describeIssues } from '../core/zod-issues.js';
import { isCandlebotError, PermanentError } from '../errors.js';

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

const fn = z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function', { message: 'must be a function' });

const strategyShape = z
  .object({
    name: z.string().min(1, 'must be a non-empty text'),
    description: z.string(),
    params: z.custom<{ safeParse: (v: unknown) => { success: boolean; error?: { message: string } } }>(
      (v) => typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function',
      { message: 'must be a zod schema (z.strictObject({ … }))' },
    ),
    warmup: fn,
    evaluate: fn,
    evaluateAll: fn,
    exitAt: fn.optional(),
    exitsAll: fn.optional(),
  })
  .refine((s) => (s.exitAt === undefined) === (s.exitsAll === undefined), { message: 'exitAt and exitsAll come together (an exit rule needs both)', path: ['exitAt'] })
  .refine((s) => s.params.safeParse({}).success, { message: 'every parameter needs a default ({} must parse)', path: ['params'] });

function bad(message: string, cause?: unknown): never {
  throw new PermanentError(message, { code: 'BAD_STRATEGY', ...(cause === undefined ? {} : { cause }) });
}

/** True when `spec` names a file rather than a registered strategy (a path separator or a script extension). */
export function isStrategyPath(spec: string): boolean {
  return spec.includes('/') || spec.includes('\\') || EXTENSIONS.includes(extname(spec));
}

/** Imports `path` and returns its default export, validated as a Strategy; BAD_STRATEGY otherwise. */
export async function loadStrategyFile(path: string): Promise<Strategy<any>> {
  const file = resolve(path);
  if (!existsSync(file) || !statSync(file).isFile()) bad(`${path}: no such strategy file`);
  if (!EXTENSIONS.includes(extname(file))) bad(`${path}: a strategy file must end with ${EXTENSIONS.join(', ')}`);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    // A permanent candlebot error (e.g. defineStrategy's BAD_STRATEGY) keeps its message. Duck-typed: a file
    // outside an ESM package loads as CommonJS under tsx, with its own copy of lib/errors.ts.
    if (isCandlebotError(error) || (error as { kind?: unknown } | null)?.kind === 'permanent') bad(`${path}: ${(error as Error).message.split('\n')[0]}`, error);
    bad(`${path}: cannot be loaded: ${(error as Error).message?.split('\n')[0] ?? String(error)}`, error);
  }
  const value = mod.default;
  if (value === undefined) bad(`${path}: no default export; write export default defineStrategy({ … })`);
  if (typeof value !== 'object' || value === null) bad(`${path}: the default export is ${value === null ? 'null' : typeof value}, not a strategy`);
  const parsed = strategyShape.safeParse(value);
  if (!parsed.success) bad(`${path}: the default export is not a strategy: ${describeIssues(parsed.error.issues, { max: 4 })}`);
  return value as Strategy<any>;
}

/** `--strategy <name|path>`: a file when it looks like a path, else the registry (UNKNOWN_STRATEGY). */
export async function resolveStrategy(spec: string): Promise<Strategy<any>> {
  return isStrategyPath(spec) ? loadStrategyFile(spec) : getStrategy(spec);
}
