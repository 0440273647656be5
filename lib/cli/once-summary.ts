/**
 * `npm start -- --once`: the one summary line after every timeframe was scanned once, and the
 * exit code (non-zero when nothing could be scanned). Input: the scan handler's result
 * (functions/scan.ts ScanResult) plus the failure codes of the same run, read from the report the
 * handler logs as `scan finished` (the result itself carries counts only).
 */
import type { Logger } from '@aws-lambda-powertools/logger';

export interface OnceScan {
  readonly timeframe: string;
  /** The handler's result; undefined when the invocation threw. */
  readonly result?: { readonly scanned: number; readonly failed: number; readonly skipped: number; readonly signalled: number; readonly paused: boolean };
  /** Failure codes of this run (may list fewer than `failed`: the log keeps the first 50). */
  readonly codes: readonly string[];
  /** The invocation threw: its error code or name. */
  readonly error?: string;
}

export function onceSummary(scans: readonly OnceScan[]): { line: string; exitCode: number } {
  let scanned = 0, failed = 0, skipped = 0, signalled = 0, paused = 0;
  const byCode = new Map<string, number>();
  const errored: string[] = [];
  for (const s of scans) {
    if (s.result === undefined) {
      errored.push(`${s.timeframe} ${s.error ?? 'error'}`);
      continue;
    }
    scanned += s.result.scanned;
    failed += s.result.failed;
    skipped += s.result.skipped;
    signalled += s.result.signalled;
    if (s.result.paused) paused++;
    for (const code of s.codes) byCode.set(code, (byCode.get(code) ?? 0) + 1);
    const unlisted = s.result.failed - s.codes.length;
    if (unlisted > 0) byCode.set('other', (byCode.get('other') ?? 0) + unlisted);
  }
  const codes = [...byCode.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c, n]) => `${c} ${n}`);
  const allPaused = scans.length > 0 && paused === scans.length;
  const nothing = scanned === 0 && !allPaused;
  const parts = [
    `${scans.length} timeframe(s)`,
    `${scanned} scanned`,
    `${failed} failed${codes.length ? ` (${codes.join(', ')})` : ''}`,
    `${skipped} skipped`,
    `${signalled} signal(s)`,
  ];
  if (errored.length) parts.push(`scan errors: ${errored.join('; ')}`);
  if (paused) parts.push(`${paused} paused by an admin`);
  const line = `scan summary: ${parts.join(', ')}${nothing ? ' — nothing could be scanned' : ''}`;
  return { line, exitCode: nothing ? 1 : 0 };
}

/**
 * A child of `logger` for the scan handler that also hands each `scan finished` report's
 * failure codes to `onReport` (functions/scan.ts logs the full report under that message).
 */
export function captureScanReports(logger: Logger, onReport: (codes: string[]) => void): Logger {
  const child = logger.createChild();
  const info = child.info.bind(child) as (...args: unknown[]) => void;
  (child as unknown as { info: (...args: unknown[]) => void }).info = (...args: unknown[]) => {
    if (args[0] === 'scan finished') {
      const failures = (args[1] as { failures?: readonly { code?: unknown }[] } | undefined)?.failures ?? [];
      onReport(failures.map((f) => (typeof f.code === 'string' ? f.code : 'UNKNOWN')));
    }
    info(...args);
  };
  return child;
}
