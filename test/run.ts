/**
 * `npm test` entry point: starts the local AWS stack once, then runs node's test runner (via
 * tsx) over every test/**\/*.test.ts, or over the files/folders given
 * (`npm test -- test/infra/*.test.ts`; arguments starting with `-` go to node, e.g.
 * `--test-name-pattern=…`). Exits with the test runner's code.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { JavaMissingError, startLocalStack, type LocalStack } from '../infra/local-stack.js';
import { wantsHelp } from '../lib/cli/flags.js';
import { TEST_DDB_ENDPOINT_VAR, TEST_SQS_ENDPOINT_VAR } from './support/local-aws.js';

class UsageError extends Error {}

const SIGNAL_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** Every `*.test.ts` under `dir`, sorted, skipping node_modules and dot folders. */
function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found.sort();
}

function selectFiles(args: readonly string[]): { files: string[]; nodeArgs: string[] } {
  const nodeArgs = args.filter((a) => a.startsWith('-'));
  const paths = args.filter((a) => !a.startsWith('-'));
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length) throw new UsageError(`no such test file or folder: ${missing.join(', ')}`);
  const files = (paths.length ? paths : ['test']).flatMap((p) => (statSync(p).isDirectory() ? findTestFiles(p) : [p]));
  return { files: files.map((f) => relative(process.cwd(), f) || f), nodeArgs };
}

function runTests(files: string[], nodeArgs: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...nodeArgs, ...files], {
    stdio: 'inherit',
    env,
  });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.once('error', (error) => {
      console.error(`cannot start the test runner: ${error.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? SIGNAL_CODES[signal ?? ''] ?? 1);
    });
  });
}

async function main(): Promise<number> {
  // Node 20 is this project's floor; the SDK's "will require node >=22" notice is known noise here.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  if (wantsHelp(process.argv.slice(2))) {
    console.log('usage: npm test [-- <test files or folders>…] [--test-name-pattern=<regex>] (other -- flags go to node --test)');
    return 0;
  }
  const { files, nodeArgs } = selectFiles(process.argv.slice(2));
  if (files.length === 0) {
    console.error('no test files found');
    return 1;
  }
  let stack: LocalStack;
  try {
    stack = await startLocalStack({ prefix: 'test-shared' });
  } catch (error) {
    if (error instanceof JavaMissingError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  // A fresh TMPDIR per run: whatever a test leaves in it (a mkdtemp folder without its rm, a
  // fixed path) is reported after the run, and the folder is removed either way.
  const runTmp = mkdtempSync(join(tmpdir(), 'candlebot-test-run-'));
  try {
    return await runTests(files, nodeArgs, {
      ...process.env,
      TMPDIR: runTmp,
      // For locks that must hold across test runs on one checkout (test/support/packaged-template.ts).
      CANDLEBOT_SHARED_TMPDIR: tmpdir(),
      [TEST_DDB_ENDPOINT_VAR]: stack.ddbEndpoint,
      [TEST_SQS_ENDPOINT_VAR]: stack.sqsEndpoint,
    });
  } finally {
    await stack.stop();
    reportLeftovers(runTmp);
  }
}

/** Lists what the tests left in the run's TMPDIR (grouped by name prefix), then removes it. */
function reportLeftovers(runTmp: string): void {
  let left: string[] = [];
  try {
    // tsx-<uid>: tsx's compile cache (shared by the run's processes), not a test's leftover.
    left = readdirSync(runTmp).filter((name) => !/^tsx-\d+$/.test(name));
  } catch {
    return;
  }
  if (left.length > 0) {
    const byPrefix = new Map<string, number>();
    for (const name of left) {
      const prefix = name.replace(/[A-Za-z0-9]{6}$/, '*');
      byPrefix.set(prefix, (byPrefix.get(prefix) ?? 0) + 1);
    }
    const list = [...byPrefix.entries()].map(([p, n]) => `${p}${n > 1 ? ` ×${n}` : ''}`).join(', ');
    console.error(`\ntests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in TMPDIR (clean up in after/afterEach): ${list}`);
  }
  rmSync(runTmp, { recursive: true, force: true });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : error);
    process.exit(1);
  },
);
