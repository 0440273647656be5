/**
 * Runs the Binance simulator in its own process for benchmarks, so the benchmark's CPU
 * figures are the scanner's alone. Options come as JSON in argv[2]; prints `{"url": …}`.
 * Commands on stdin: `now <ms>` moves the simulated clock. Exits when stdin closes.
 */
import { createInterface } from 'node:readline';
import { startBinanceSim, type BinanceSimOptions } from '../support/exchange-sim/binance-sim.js';

const options = JSON.parse(process.argv[2] ?? '{}') as BinanceSimOptions;
const sim = await startBinanceSim(options);
process.stdout.write(`${JSON.stringify({ url: sim.url })}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'now') sim.setNow(Number(arg));
  if (cmd === 'hits') process.stdout.write(`${JSON.stringify({ hits: sim.hits, weight: sim.usedWeight() })}\n`);
});
lines.on('close', () => void sim.close().then(() => process.exit(0)));
