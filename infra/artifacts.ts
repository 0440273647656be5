/** Where `npm run package` puts its output, and a way to run it from tests and scripts. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SERVERLESS_DIR = join(ROOT, '.serverless');
export const TEMPLATE_FILE = join(SERVERLESS_DIR, 'cloudformation-template-update-stack.json');

/** The zip osls builds for one function (package.individually). */
export function functionZip(functionName: string): string {
  return join(SERVERLESS_DIR, `${functionName}.zip`);
}

/** Runs infra/package.ts (= `npm run package`) in a child process; rejects with its output. */
export function runPackage(timeoutMs = 5 * 60_000): Promise<{ ms: number; output: string }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'infra', 'package.ts')],
      { cwd: ROOT, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (error) reject(new Error(`npm run package failed: ${error.message}\n${output}`));
        else resolve({ ms: Date.now() - started, output });
      },
    );
  });
}
