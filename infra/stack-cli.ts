/**
 * `npm run stack`: starts DynamoDB Local + the SQS emulator with the project's tables and
 * queues, prints the environment lines to use them, and runs until Ctrl-C.
 */
import { parseFlags } from '../lib/cli/flags.js';
import { isCandlebotError } from '../lib/errors.js';
import { JavaMissingError, startLocalStack } from './local-stack.js';

export const STACK_USAGE = 'usage: npm run stack [-- --help]   (starts DynamoDB Local + the SQS emulator, prints their environment, runs until Ctrl-C)';

async function main(): Promise<void> {
  if (parseFlags(process.argv.slice(2), {}).help) {
    console.log(STACK_USAGE);
    return;
  }
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
  else if (isCandlebotError(error)) console.error(`candlebot stack: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
