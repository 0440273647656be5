/**
 * Runs the fauxqs SQS emulator in its own process for benchmarks, so the benchmark's CPU
 * figures do not include the emulator's server work (in production SQS is remote).
 * Prints `{"endpoint": …}`; exits when stdin closes.
 */
import { startSqsEmulator } from '../../infra/local-stack.js';

const sqs = await startSqsEmulator(0);
process.stdout.write(`${JSON.stringify({ endpoint: sqs.endpoint })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void sqs.stop().then(() => process.exit(0)));
