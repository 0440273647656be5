import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { BinanceSimOptions } from '../support/exchange-sim/binance-sim.js';

export interface SimProcess {
  readonly url: string;
  setNow(ms: number): void;
  stats(): Promise<{ hits: { exchangeInfo: number; klines: number }; weight: number }>;
  close(): Promise<void>;
}

/** Starts test/bench/sim-process.ts as a child process (its CPU is not the scanner's). */
export async function spawnSim(options: Omit<BinanceSimOptions, 'wallClock'>): Promise<SimProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', new URL('./sim-process.ts', import.meta.url).pathname, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) throw new Error('simulator process exited before it listened');
  const { url } = JSON.parse(first.value as string) as { url: string };
  return {
    url,
    setNow: (ms) => void child.stdin!.write(`now ${ms}\n`),
    async stats() {
      child.stdin!.write('hits\n');
      const next = await iterator.next();
      return JSON.parse(next.value as string);
    },
    async close() {
      child.stdin!.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}
