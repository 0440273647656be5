/**
 * The generated CloudFormation template (`npm run package`), packaged at most once per test
 * run and never by two test files at the same time: osls and serverless-esbuild share
 * `.serverless/` and `.esbuild/`, so concurrent packaging would corrupt both. A lock directory
 * in the OS temp folder (keyed by the repository path) serializes packaging; a marker written
 * after a successful package names the test run (the test runner's process) that made it, so
 * the next file of the same run reuses the artifacts instead of rewriting them under a reader.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runPackage, SERVERLESS_DIR, TEMPLATE_FILE } from '../../infra/artifacts.js';

export type CfnResource = { Type: string; Properties: Record<string, any>; DependsOn?: unknown };
export type CfnTemplate = { Resources: Record<string, CfnResource>; Outputs?: Record<string, unknown> };

// The machine's temp folder, not the run's own TMPDIR (test/run.ts): the lock must also hold between two test runs.
const LOCK_DIR = join(process.env['CANDLEBOT_SHARED_TMPDIR'] ?? tmpdir(), `candlebot-package-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
const MARKER = join(SERVERLESS_DIR, '.packaged-for-test-run');
/** A packaging holds the lock at most this long (runPackage's own timeout is 5 min). */
const STALE_LOCK_MS = 6 * 60_000;

/** This test run: the test runner process (the parent of every test file), with its start time against pid reuse. */
function testRunId(): string {
  try {
    const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    if (startTime) return `${process.ppid}:${startTime}`;
  } catch {
    // No /proc: never reuse (each file packages, one at a time).
  }
  return `${process.pid}:${Date.now()}:${Math.random()}`;
}

/** Whether the process that holds the lock still runs (true while its pid file is not written yet). */
function holderAlive(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'));
  } catch {
    return Date.now() - statSync(LOCK_DIR).mtimeMs < 5000;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Serializes everything that writes .serverless/ (osls package) across the test files and runs of this checkout. */
export async function withPackageLock<T>(work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        // Stale: held too long, or its holder is gone (a killed test run).
        if (Date.now() - statSync(LOCK_DIR).mtimeMs > STALE_LOCK_MS || !holderAlive()) rmSync(LOCK_DIR, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/** Packages the service (or reuses this run's package) and returns the template; `ms` is null when reused. */
export async function packagedTemplate(): Promise<{ template: CfnTemplate; ms: number | null }> {
  const run = testRunId();
  return withPackageLock(async () => {
    let ms: number | null = null;
    let marker = '';
    try {
      marker = readFileSync(MARKER, 'utf8');
    } catch {
      // Not packaged yet.
    }
    if (marker !== run) {
      ms = (await runPackage()).ms;
      writeFileSync(MARKER, run);
    }
    return { template: JSON.parse(readFileSync(TEMPLATE_FILE, 'utf8')) as CfnTemplate, ms };
  });
}
