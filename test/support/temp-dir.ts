/**
 * A fresh folder under the OS temp dir (npm test gives each run its own TMPDIR and reports
 * leftovers), removed when this test process exits — pass or fail. Use it instead of a bare
 * mkdtempSync, or pair mkdtempSync with an after/afterEach rmSync.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
let hooked = false;

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const d of made) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}
