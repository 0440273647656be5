/** DynamoDB Local runs on Java 17+: check for it before spawning, with one clear message. */
import { spawnSync } from 'node:child_process';

export const JAVA_MISSING_MESSAGE =
  'DynamoDB Local needs Java 17: install it (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17) and try again.';

export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
  constructor(readonly detail: string) {
    super(JAVA_MISSING_MESSAGE);
  }
}

/** Major version from `java -version` output: `"17.0.15"` → 17, `"1.8.0_402"` → 8. */
export function parseJavaMajor(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/** Throws JavaMissingError unless `java` (on PATH) is version 17 or newer. */
export function assertJava17(timeoutMs = 10_000): number {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw new JavaMissingError(`java -version failed: ${result.error.message}`);
  const major = parseJavaMajor(`${result.stderr}\n${result.stdout}`);
  if (result.status !== 0 || major === undefined) throw new JavaMissingError(`java -version exited ${result.status}: ${result.stderr}`);
  if (major < 17) throw new JavaMissingError(`found Java ${major}`);
  return major;
}
