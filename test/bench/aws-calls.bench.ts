/**
 * `npx tsx test/bench/aws-calls.bench.ts` — CPU of this process per AWS SDK call the scan
 * makes, through the project's own stores and clients (lib/runtime/scan.ts wiring),
 * against DynamoDB Local and the SQS emulator, both in other processes. Sequential calls
 * after warm-up; the median of BENCH_ROUNDS rounds of BENCH_CALLS calls each.
 *
 * Also: the adapter's per-run `prepare()` (markets snapshot of 100 symbols from the
 * DynamoDB cache) for a warm and a cold container.
 * BENCH_PROFILE=<file> BENCH_PROFILE_OP=<part of a row name>: profile that row's timed calls.
 */
import { parseEnv, scanEnvSchema } from '../../lib/config/env.js';
import { parseConfig } from '../../lib/config/load.js';
import { createCcxtExchange } from '../../lib/exchange/ccxt-exchange.js';
import { silentLog } from '../../lib/ports/log.js';
import { createScanRuntime } from '../../lib/runtime/scan.js';
import { publishSignal } from '../../lib/signals/outbox.js';
import { createSignalBatch } from '../../lib/signals/publish-batch.js';
import { signalNotifications } from '../../lib/signals/notifications.js';
import { createDynamoMarketsCache } from '../../lib/store/state/markets-cache.js';
import { startBinanceSim } from '../support/exchange-sim/binance-sim.js';
import { sampleSignal } from '../support/signals.js';
import { startBenchStack } from './bench-stack.js';
import { startProfiler } from './cpu-profile.js';
import { formatThreadCpu, threadCpu } from './thread-cpu.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 40);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 20, 0, 0, 5);
const symbols = Array.from({ length: 100 }, (_, i) => `C${String(i).padStart(3, '0')}/USDT`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** CPU ms of this process per call of `op(i)`; `op` is called CALLS × (ROUNDS + 1) times (first round: warm-up). */
async function perCall(op: (i: number) => Promise<unknown>, name = ''): Promise<{ cpu: number; wall: number }> {
  const profile = process.env.BENCH_PROFILE && name.includes(process.env.BENCH_PROFILE_OP ?? '\u0000') ? process.env.BENCH_PROFILE : undefined;
  const cpus: number[] = [];
  const walls: number[] = [];
  let i = 0;
  let profiler: Awaited<ReturnType<typeof startProfiler>> | undefined;
  let threads0 = threadCpu();
  for (let round = -1; round < ROUNDS; round++) {
    if (round === 0) {
      if (profile) profiler = await startProfiler();
      threads0 = threadCpu();
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let k = 0; k < CALLS; k++) await op(i++);
    const c = process.cpuUsage(c0);
    if (round >= 0) {
      cpus.push((c.user + c.system) / 1000 / CALLS);
      walls.push((performance.now() - t0) / CALLS);
    }
  }
  if (profile) {
    console.log(`  ${name}: by thread, ms/call: ${formatThreadCpu(threads0, threadCpu(), CALLS * ROUNDS)}`);
    await profiler?.stop(profile);
  }
  return { cpu: median(cpus), wall: median(walls) };
}

const stack = await startBenchStack('awsbench');
const sim = await startBinanceSim({ symbols, nowMs: START, history: 300 });
try {
  const env = parseEnv(scanEnvSchema, { ...process.env, ...stack.env });
  const config = parseConfig({
    exchanges: [{ id: 'binance', symbols, timeframes: ['1h'], apiBase: sim.url }],
    strategies: [{ name: 'ema-cross' }],
    telegram: { adminChatIds: [1] },
  });
  // Fixed recipients (the admin chats): the rows below measure the stores, not the users table.
  const runtime = createScanRuntime(env, config, config.telegram.adminChatIds);
  let now = START;
  const deps = runtime.deps({ log: silentLog, remainingMs: () => 600_000, clock: { now: () => now } });
  const recipients = config.telegram.adminChatIds;
  const signalAt = (i: number) => sampleSignal(START + i * HOUR, 'BTC/USDT');

  const rows: [string, { cpu: number; wall: number }][] = [];
  const row = async (name: string, op: (i: number) => Promise<unknown>) => void rows.push([name, await perCall(op, name)]);
  let base = 0;
  const next = () => (base += 1_000_000);

  let b = next();
  await row('PutItem: signals.record (conditional put)', (i) => deps.signals.record(signalAt(b + i), recipients, now));
  b = next();
  const recorded = Array.from({ length: CALLS * (ROUNDS + 1) }, (_, i) => signalAt(b + i));
  for (const s of recorded) await deps.signals.record(s, recipients, now);
  await row('SendMessageBatch: queue.send (1 notification)', (i) => deps.queue.send(signalNotifications(recorded[i]!, recipients, now)));
  await row('SendMessageBatch: queue.send (10 notifications)', (i) =>
    deps.queue.send(Array.from({ length: 10 }, (_, k) => signalNotifications(recorded[(i * 10 + k) % recorded.length]!, recipients, now)).flat()),
  );
  await row('UpdateItem: signals.complete', (i) => deps.signals.complete({ signal: recorded[i]!, recipients, createdAt: now, leaseUntil: now }, now));
  b = next();
  await row('publishSignal (Put + SendMessageBatch + Update)', (i) => publishSignal(deps, signalAt(b + i), recipients));
  // Paper positions off for the next two rows: the publishing path alone, one signal at a time vs a scan's batch of 10.
  const noPositions = { ...deps, positions: undefined };
  b = next();
  await row('publishSignal ×10, positions off (per signal)', async (i) => {
    for (let k = 0; k < 10; k++) await publishSignal(noPositions, signalAt(b + i * 10 + k), recipients);
  });
  b = next();
  await row('batch of 10, positions off (per 10 signals)', async (i) => {
    const batch = createSignalBatch(noPositions);
    await Promise.all(Array.from({ length: 10 }, (_, k) => batch.publish(signalAt(b + i * 10 + k), recipients)));
    await batch.flush();
  });
  await row('GetItem+UpdateItem: breaker.acquire', () => deps.breaker.acquire('binance', now));
  await row('UpdateItem: breaker.recordSuccess', () => deps.breaker.recordSuccess('binance', now));
  await row('PutItem: heartbeat.put', () => deps.heartbeat.put({ timeframe: '1h', completedAt: now, candleTime: now, scanned: 100, failed: 0, signalled: 3 }));
  await row('Query: signals.listDue (none)', () => deps.signals.listDue(now, 25));

  const marketsCache = createDynamoMarketsCache({ client: runtime.ddb, table: env.STATE_TABLE, retainMs: 2 * HOUR });
  const adapter = await createCcxtExchange({ id: 'binance', apiBase: sim.url, marketsCache, marketsTtlMs: HOUR, clock: { now: () => now } });
  await adapter.prepare(symbols); // loads exchangeInfo once, writes the snapshot
  await row('GetItem: marketsCache.get (100 markets, gzip)', () => marketsCache.get('binance'));
  await row('adapter.prepare (warm container, 100 symbols)', () => adapter.prepare(symbols));
  await row('createCcxtExchange + prepare (cold container)', async () => {
    const fresh = await createCcxtExchange({ id: 'binance', apiBase: sim.url, marketsCache, marketsTtlMs: HOUR, clock: { now: () => now } });
    return fresh.prepare(symbols);
  });
  now += 1;

  console.log(`# AWS SDK calls as the scan makes them: CPU ms per call of this process (median of ${ROUNDS} × ${CALLS} sequential calls after warm-up)`);
  for (const [name, r] of rows) console.log(`${name.padEnd(50)} CPU ${r.cpu.toFixed(2).padStart(5)} ms  wall ${r.wall.toFixed(2).padStart(6)} ms`);
} finally {
  await sim.close();
  await stack.stop();
}
