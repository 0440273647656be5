/**
 * `npm run cost`'s measurement of the live-trading reconcile (issue 15), only for a config with an
 * exchange trading live (a paper config's reconcile rule is disabled: it never runs, nothing to
 * measure). The first live exchange of the config is simulated as Binance with an account (the
 * simulator process gets SIM_KEYS), its symbols as measured (test/bench/cost/types.ts); the real
 * handler runs from its environment (keys from the local variables, LiveTable of the bench stack)
 * every "minute" with no open live position: the base cost of a run (the in-flight and position
 * lists, the adoption checks of every market, the balances). What each open position adds (its
 * order and protection look-ups) is not measured: a note says so.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeReconcileHandler } from '../../../functions/reconcile.js';
import { localContext } from '../../../lib/aws/lambda-context.js';
import { parseConfig } from '../../../lib/config/load.js';
import { liveExchanges } from '../../../lib/config/trading-schema.js';
import type { BotConfig } from '../../../lib/config/schema.js';
import type { Sample } from '../../../lib/cost/measurement.js';
import { measuredSymbol, type Invoke } from './types.js';

/** The simulated account's keys (the simulator process and the handler's local key variables). */
export const SIM_KEYS = Object.freeze({ apiKey: 'cost-measurement-live-key', secret: 'cost-measurement-live-secret' });
const RUNS = 8;

/** The simulator's account when the config trades live (undefined: a paper config, no order endpoint needed). */
export function simAccount(config: BotConfig): { apiKey: string; secret: string; balances: Record<string, number> } | undefined {
  const live = liveExchanges(config)[0];
  if (!live) return undefined;
  return { ...SIM_KEYS, balances: { [live.symbols[0]!.split('/')[1]!]: 1_000_000 } };
}

export interface ReconcileScenario {
  readonly config: BotConfig;
  /** The config file as written (its first live exchange's `trading` is kept). */
  readonly raw: Readonly<Record<string, unknown>>;
  readonly dir: string;
  readonly simUrl: string;
  /** The functions' environment of the measurement (tables, queue, endpoints). */
  readonly env: Readonly<Record<string, string>>;
  readonly invoke: Invoke;
  readonly progress: (line: string) => void;
}

/** Samples of reconcile runs, or none (with the reason in `notes`) for a paper config. */
export async function measureReconcile(s: ReconcileScenario, notes: string[]): Promise<Sample[]> {
  const index = s.config.exchanges.findIndex((e) => liveExchanges(s.config).some((l) => l.id === e.id));
  if (index < 0) return [];
  s.progress('reconcile: live-trading runs (no open position)…');
  const exchanges = (s.raw['exchanges'] ?? []) as Record<string, unknown>[];
  const live = s.config.exchanges[index]!;
  const path = join(s.dir, 'reconcile.yml');
  const raw = {
    ...s.raw,
    exchanges: [{ id: 'binance', symbols: live.symbols.map((sym) => measuredSymbol(sym, index)), timeframes: live.timeframes, apiBase: s.simUrl, timeoutMs: 10_000, trading: exchanges[index]?.['trading'] }],
  };
  writeFileSync(path, stringify(raw));
  parseConfig(raw, path);
  const signals = s.env['SIGNALS_TABLE']!;
  const env = {
    ...s.env,
    // The bench stack names its tables `<prefix>-<LogicalId>` (infra/local-resources.ts).
    LIVE_TABLE: signals.replace(/-SignalsTable$/, '-LiveTable'),
    CANDLEBOT_CONFIG_PATH: path,
    CANDLEBOT_BINANCE_API_KEY: SIM_KEYS.apiKey,
    CANDLEBOT_BINANCE_SECRET: SIM_KEYS.secret,
  };
  const handler = makeReconcileHandler({ env });
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { result, q } = await s.invoke(() => handler({ 'detail-type': 'Scheduled Event', source: 'aws.events' }, localContext('candlebot-reconcile', 50_000, randomUUID())));
    if (result.failed > 0) notes.push(`reconcile: run ${i + 1} counted ${result.failed} failed item(s)`);
    samples.push({ q, x: 0, group: 'all', cold: i === 0 });
  }
  notes.push(`reconcile: measured on ${live.id} simulated as Binance with no open live position; each open position adds its order and protection look-ups per run (not measured)`);
  return samples;
}
