/**
 * In-process V8 CPU profiling for the benchmarks (node:inspector), so a profile can cover
 * exactly the timed runs (not start-up, module loading or the warm-up run), and a summary
 * of where the self time went, grouped into the scan's cost centres.
 *
 *   BENCH_PROFILE=/tmp/scan.cpuprofile npm run bench:scan
 *   npx tsx test/bench/cpu-profile.ts /tmp/scan.cpuprofile [symbols]
 */
import { writeFile, readFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

export interface Profiler {
  stop(file: string): Promise<void>;
}

export async function startProfiler(samplingIntervalUs = Number(process.env.BENCH_PROFILE_INTERVAL_US ?? 250)): Promise<Profiler> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * Cost centre of a stack (leaf first): the innermost frame that belongs to a known area.
 * Order matters: our code calling into ccxt is ccxt's, ccxt calling undici is undici's.
 */
const LIBRARY_AREAS: readonly [string, RegExp][] = [
  // Only the AWS SDK's node-http-handler uses node:http's client in the scanning process.
  ['SQS emulator (fauxqs, in-process in this bench)', /node_modules\/(fauxqs|fastify|@fastify|avvio|find-my-way|light-my-request|pino)|^node:_http_server/],
  ['AWS SDK (+ its node:http client)', /node_modules\/(@aws-sdk|@smithy|@aws-crypto|fast-xml-parser|bowser|tslib)\/|^node:_http_(client|outgoing|agent|common|incoming)/],
  ['undici', /node_modules\/undici\//],
  ['ccxt', /node_modules\/ccxt\//],
  ['candlebot lib/exchange', /\/lib\/exchange\//],
  ['candlebot lib/core + technicalindicators', /\/lib\/core\/|node_modules\/technicalindicators/],
  ['candlebot lib/store, signals, queue, aws', /\/lib\/(store|signals|queue|aws)\//],
  ['candlebot lib/scan and the rest', /\/lib\/|\/test\/bench\//],
];
const NODE_AREAS: readonly [string, RegExp][] = [
  ['node (unattributed): timers', /^node:(timers|internal\/timers)/],
  ['node (unattributed): net/streams', /^node:(net|internal\/(streams|stream_base_commons|net))/],
  ['node (unattributed): other', /^node:/],
];

/**
 * Each sample goes to the innermost library frame on its stack (ccxt calling undici is
 * undici's; a socket read that ends in undici's parser is undici's), else to its leaf's
 * node-internal area. Returns ms per area, and self ms per function.
 */
export function summarize(profile: CpuProfile): { total: number; byArea: Map<string, number>; byFunction: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const areaOf = new Map<number, string>();
  const area = (id: number): string => {
    const cached = areaOf.get(id);
    if (cached !== undefined) return cached;
    const leaf = byId.get(id)!.callFrame;
    let result: string | undefined;
    if (leaf.functionName === '(idle)' || leaf.functionName === '(program)') result = 'idle';
    else if (leaf.functionName === '(garbage collector)') result = 'gc';
    // A server in this process (the SQS emulator) shares node:http's parser with the SDK's client.
    for (let cur: number | undefined = id; result === undefined && cur !== undefined; cur = parent.get(cur)) {
      if (LIBRARY_AREAS[0]![1].test(byId.get(cur)!.callFrame.url)) result = LIBRARY_AREAS[0]![0];
    }
    for (let cur: number | undefined = id; result === undefined && cur !== undefined; cur = parent.get(cur)) {
      const { url } = byId.get(cur)!.callFrame;
      result = LIBRARY_AREAS.find(([, re]) => re.test(url))?.[0];
    }
    for (let cur: number | undefined = id; result === undefined && cur !== undefined; cur = parent.get(cur)) {
      const { url } = byId.get(cur)!.callFrame;
      result = NODE_AREAS.find(([, re]) => re.test(url))?.[0];
    }
    result ??= 'other (native, no script frame)';
    areaOf.set(id, result);
    return result;
  };
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000; // the delta after a sample is its duration
    const id = profile.samples[i]!;
    const a = area(id);
    byArea.set(a, (byArea.get(a) ?? 0) + dt);
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(lib|test)\//, '$1/')}:${f.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + dt);
    if (a !== 'idle') total += dt;
  }
  return { total, byArea, byFunction };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  const symbols = Number(process.argv[3] ?? 0);
  if (!file) throw new Error('usage: cpu-profile.ts <file.cpuprofile> [symbols scanned in the profiled span]');
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const { total, byArea, byFunction } = summarize(profile);
  const per = (ms: number) => (symbols > 0 ? `  ${(ms / symbols).toFixed(3)} ms/symbol` : '');
  console.log(`busy ${total.toFixed(0)} ms of ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms${per(total)}`);
  for (const [a, ms] of [...byArea].sort((x, y) => y[1] - x[1])) if (a !== 'idle') console.log(`${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%${per(ms)}  ${a}`);
  console.log('--- top self-time functions');
  for (const [f, ms] of [...byFunction].sort((x, y) => y[1] - x[1]).slice(0, Number(process.env.TOP ?? 40))) console.log(`${ms.toFixed(1).padStart(8)} ms  ${f}`);
}
