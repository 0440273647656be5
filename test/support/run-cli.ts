import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a CLI entry (e.g. `lib/cli/backtest.ts`) as `npm run` does, from the repository root. */
export function runCli(entry: string, args: readonly string[], timeoutMs = 60_000): Promise<CliOutput> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: ROOT, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs `npm start -- …` (lib/cli/start.ts, the same entry) as a user would, stdout and stderr
 * interleaved in `out`; with `readyLine`, Ctrl-C (SIGINT) once it is printed (`ready`). Rejects
 * with the output so far when it has not exited in `timeoutMs`.
 */
export function runStart(
  args: readonly string[],
  timeoutMs = 120_000,
  options: { readonly env?: NodeJS.ProcessEnv; readonly readyLine?: RegExp } = {},
): Promise<{ code: number | null; out: string; ready: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli/start.ts', ...args], { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let ready = false;
    const onData = (c: Buffer) => {
      out += c.toString();
      if (options.readyLine && !ready && options.readyLine.test(out)) {
        ready = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`npm start -- ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, ready });
    });
  });
}
