/**
 * Captures the JSON lines the process writes to stdout (Powertools logs and EMF metrics) while
 * `fn` runs; anything else (the test runner's own protocol) passes through.
 */
export async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const original = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (typeof chunk === 'string' && chunk.startsWith('{')) {
      out += chunk;
      return true;
    }
    return original(chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    const result = await fn();
    return { result, lines: out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
  } finally {
    process.stdout.write = original;
  }
}
