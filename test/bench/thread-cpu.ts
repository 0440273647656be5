/**
 * CPU time per thread of this process (Linux /proc), grouped by thread name: shows how much
 * of `process.cpuUsage()` is the JS main thread and how much V8's background threads (JIT
 * compilation, concurrent GC) or libuv's pool take. Empty off Linux.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ = 100 on Linux

export type ThreadCpu = Map<string, { userMs: number; sysMs: number }>;

export function threadCpu(): ThreadCpu {
  const out: ThreadCpu = new Map();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const key = tid === String(process.pid) ? 'main (JS)' : name.replace(/\d+$/, '').trim();
    const prev = out.get(key) ?? { userMs: 0, sysMs: 0 };
    out.set(key, { userMs: prev.userMs + Number(fields[11]) * TICK_MS, sysMs: prev.sysMs + Number(fields[12]) * TICK_MS });
  }
  return out;
}

/** `after − before` per thread group, ms, formatted per `per` units (e.g. per symbol). */
export function formatThreadCpu(before: ThreadCpu, after: ThreadCpu, per: number): string {
  const parts: string[] = [];
  for (const [name, a] of after) {
    const b = before.get(name) ?? { userMs: 0, sysMs: 0 };
    const ms = a.userMs - b.userMs + a.sysMs - b.sysMs;
    if (ms > 0) parts.push(`${name} ${(ms / per).toFixed(2)} (sys ${((a.sysMs - b.sysMs) / per).toFixed(2)})`);
  }
  return parts.join(', ');
}
