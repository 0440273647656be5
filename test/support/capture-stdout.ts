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

/**
 * Like captureStdout, on stdout and stderr both (Powertools writes warnings and errors to stderr):
 * the JSON lines written while `fn` runs; anything else passes through.
 */
export async function captureJsonOutput<T>(fn: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((s) => s.write.bind(s));
  let out = '';
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.startsWith('{')) {
        out += text.endsWith('\n') ? text : `${text}\n`;
        return true;
      }
      return originals[i]!(chunk, ...rest);
    }) as typeof stream.write;
  });
  try {
    const result = await fn();
    return { result, lines: out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
  } finally {
    streams.forEach((stream, i) => (stream.write = originals[i]! as typeof stream.write));
  }
}
