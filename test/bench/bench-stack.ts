/**
 * The local AWS stack for benchmarks: like `startLocalStack` (infra/local-stack.ts) but with
 * the SQS emulator in a child process (DynamoDB Local already is one: java), so the CPU the
 * benchmark measures is the scanner's own — the AWS SDK's client work, not the emulators'.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { startDynamoDbLocal } from '../../infra/dynamodb-local.js';
import { createResources, localEnv, type LocalEnv } from '../../infra/local-stack.js';

export interface BenchStack {
  readonly env: LocalEnv;
  stop(): Promise<void>;
}

async function spawnSqs(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./sqs-process.ts', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
  if (first.done) throw new Error('SQS emulator process exited before it listened');
  const { endpoint } = JSON.parse(first.value as string) as { endpoint: string };
  return {
    endpoint,
    async stop() {
      child.stdin!.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

export async function startBenchStack(prefix: string): Promise<BenchStack> {
  const [ddb, sqs] = await Promise.all([startDynamoDbLocal(), spawnSqs()]);
  try {
    const resources = await createResources({ ddbEndpoint: ddb.endpoint, sqsEndpoint: sqs.endpoint, prefix });
    return { env: localEnv(resources, ddb.endpoint, sqs.endpoint), stop: () => Promise.all([ddb.stop(), sqs.stop()]).then(() => undefined) };
  } catch (error) {
    await Promise.allSettled([ddb.stop(), sqs.stop()]);
    throw error;
  }
}
