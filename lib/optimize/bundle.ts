/**
 * The worker bundle: lib/optimize/worker.ts and everything it imports (the strategy registry
 * with the user strategies of strategies/, the indicators, zod, technicalindicators) built ONCE
 * per optimiser run by esbuild into one ES module in a fresh temp folder. Every worker starts on
 * that plain .mjs: no TypeScript compiler in the worker, so a worker is ready in tens of
 * milliseconds instead of the 0.6–2.1 s tsx took to compile the sources in each worker.
 *
 * Start-up is parsing and running that module: the bundle is minified (whitespace and syntax;
 * names are kept for readable stacks), and zod's ~40 message translations (`zod/v4/locales/*`,
 * half of the bundle; only English is ever used: zod configures `en` by default and nothing here
 * calls `z.config`) are replaced by a stub that throws if one is ever called.
 *
 * The folder (mkdtemp) is removed by `dispose()`; `withWorkerBundle` disposes it whether the run
 * succeeds or fails. A build failure is a PermanentError `WORKER_BUNDLE` naming the first
 * error's file, line and column (e.g. a syntax error in a user strategy).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { PermanentError } from '../errors.js';

export interface WorkerBundle {
  /** The built worker module (file URL of a .mjs in the temp folder). */
  readonly module: URL;
  /** The temp folder holding it. */
  readonly dir: string;
  /** Time the build took. */
  readonly buildMs: number;
  /** Removes the temp folder. */
  dispose(): Promise<void>;
}

export interface BundleOptions {
  /** The entry module (default: worker.ts beside this file). Tests give a broken one. */
  readonly entry?: string;
  /** Where the temp folder is made (default os.tmpdir()). */
  readonly tempRoot?: string;
}

/** worker.ts beside this module (worker.js when this module runs compiled). */
export function defaultWorkerEntry(): string {
  const ts = fileURLToPath(new URL('./worker.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('./worker.js', import.meta.url));
}

interface EsbuildMessage {
  readonly text: string;
  readonly location: { readonly file: string; readonly line: number; readonly column: number } | null;
}

function describeBuildFailure(error: unknown): string {
  const errors = (error as { errors?: readonly EsbuildMessage[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return error instanceof Error ? error.message : String(error);
  const first = errors[0]!;
  const where = first.location === null ? '' : `${first.location.file}:${first.location.line}:${first.location.column}: `;
  return `${where}${first.text}${errors.length > 1 ? ` (and ${errors.length - 1} more error(s))` : ''}`;
}

/** esbuild plugin: every zod locale but English (and the index re-exporting them) becomes a stub. */
const zodLocalesStub: Plugin = {
  name: 'zod-locales-stub',
  setup(build) {
    build.onLoad({ filter: /zod[\\/]v4[\\/]locales[\\/][\w-]+\.js$/ }, (args) =>
      ['en.js', 'index.js'].includes(basename(args.path))
        ? undefined
        : { contents: `export default function locale() { throw new Error('zod locale ${basename(args.path)} is not in the optimiser bundle'); }`, loader: 'js' },
    );
  },
};

/** Builds the worker bundle into a new temp folder; the caller must `dispose()` it. */
export async function buildWorkerBundle(options: BundleOptions = {}): Promise<WorkerBundle> {
  const entry = options.entry ?? defaultWorkerEntry();
  const dir = await mkdtemp(join(options.tempRoot ?? tmpdir(), 'candlebot-optimize-'));
  const dispose = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const outfile = join(dir, 'worker.mjs');
  const t0 = performance.now();
  try {
    const { build } = await import('esbuild');
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      minifySyntax: true,
      minifyWhitespace: true,
      legalComments: 'none',
      plugins: [zodLocalesStub],
      logLevel: 'silent',
      write: true,
    });
  } catch (error) {
    await dispose();
    throw new PermanentError(`could not build the optimiser's worker bundle from ${entry}: ${describeBuildFailure(error)}`, { code: 'WORKER_BUNDLE', cause: error });
  }
  return { module: pathToFileURL(outfile), dir, buildMs: performance.now() - t0, dispose };
}

/** Builds the bundle, runs `fn` with it and removes it afterwards, also when `fn` throws. */
export async function withWorkerBundle<T>(fn: (bundle: WorkerBundle) => Promise<T>, options: BundleOptions = {}): Promise<T> {
  const bundle = await buildWorkerBundle(options);
  try {
    return await fn(bundle);
  } finally {
    await bundle.dispose();
  }
}
