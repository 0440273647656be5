/**
 * `npm run stack`: starts DynamoDB Local + the SQS emulator with the project's tables and
 * queues, prints the environment lines to use them, and runs until Ctrl-C.
 */
import { JavaMissingError, startLocalStack } from './local-stack.js';

async function main(): Promise<void> {
  const stack = await startLocalStack();
  console.log('# candlebot local stack is up. Environment for the functions:');
  for (const [key, value] of Object.entries(stack.env)) console.log(`${key}=${value}`);
  console.log('# Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stack.stop();
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
