/**
 * `npm run cost [-- --config <file>] [--json] [--measured <file>] [--template <file>] [--<assumption> N …]`:
 * the modelled monthly AWS bill of a configuration (issue 14). It measures every function's real
 * handler against the local stack (test/bench/cost/measure.ts, ~1–2 min, progress on stderr),
 * packages the service to count the alarms and dashboards the template holds (`npm run
 * package`), scales by the schedules the config implies and the stated assumptions, and prints
 * the bill per function and per service with and without the free tier (lib/cost/*).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ROOT, runPackage, SERVERLESS_DIR, TEMPLATE_FILE } from '../../../infra/artifacts.js';
import { withPackageLock } from '../../support/packaged-template.js';
import { chooseConfigFile } from '../../../lib/config/config-path.js';
import { loadConfigFile } from '../../../lib/config/load.js';
import type { BotConfig } from '../../../lib/config/schema.js';
import { liveExchanges } from '../../../lib/config/trading-schema.js';
import { formatBill } from '../../../lib/cost/format.js';
import { measurementSchema, type Measurement } from '../../../lib/cost/measurement.js';
import { computeBill } from '../../../lib/cost/model.js';
import { parsePrices } from '../../../lib/cost/prices.js';
import { templateFacts, type TemplateFacts } from '../../../lib/cost/template.js';
import { ASSUMPTIONS, type Assumptions, type Schedules } from '../../../lib/cost/usage.js';
import { describeError, isCandlebotError } from '../../../lib/errors.js';
import { METRIC_CATALOGUE } from '../../../lib/runtime/metric-catalogue.js';
import { measure } from './measure.js';
import { tfMinutes } from './types.js';
import { badArgs, checkNumber, parseFlags, type FlagOptions } from '../../../lib/cli/flags.js';

export const PRICES_FILE = join(ROOT, 'lib', 'cost', 'prices.json');
/** How long delivery records are kept (lib/store/deliveries/deliveries.ts default). */
const DELIVERY_TTL_DAYS = 21;

export const COST_USAGE =
  'usage: npm run cost [-- --config <file>] [--json] [--measured <file>] [--template <file>] [--latency-ms N] [--<assumption> N …] [--help]\n' +
  '  --json                        machine output (bill, assumptions, template facts and the measurement)\n' +
  '  --measured <file>             reuse a measurement saved from --json output (its `measurement`) instead of measuring (~1–2 min)\n' +
  '  --template <file>             a CloudFormation template to count alarms and dashboards from (default: npm run package of the config)\n' +
  '  --latency-ms N                network latency added to every exchange and Telegram request while measuring (default 100)\n' +
  ASSUMPTIONS.map((a) => `${`  --${a.flag} N`.padEnd(31)} ${a.meaning}${a.fallback === undefined ? '' : ` (default ${a.fallback})`}`).join('\n') +
  '\n  config: --config, else $CANDLEBOT_CONFIG, else candlebot.config.yml, else the shipped candlebot.config.example.yml';

export interface CostArgs {
  readonly help: boolean;
  readonly config: string;
  readonly notice: string | undefined;
  readonly json: boolean;
  readonly measured: string | undefined;
  readonly template: string | undefined;
  readonly latencyMs: number;
  /** The assumption flags given (others take their defaults). */
  readonly assumptions: Partial<Record<keyof Assumptions, number>>;
}

const FLAGS = {
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  measured: { type: 'string' },
  template: { type: 'string' },
  'latency-ms': { type: 'string' },
  ...Object.fromEntries(ASSUMPTIONS.map((a) => [a.flag, { type: 'string' }])),
} as const satisfies FlagOptions;

const numberFlag = (flag: string, raw: string, bounds: { min?: number; max?: number; integer?: boolean } = { min: 0 }): number => {
  const value = Number(raw.trim() === '' ? Number.NaN : raw);
  checkNumber(flag, value, bounds);
  return value;
};

export function parseCostArgs(argv: readonly string[]): CostArgs {
  const values = parseFlags(argv, FLAGS) as Record<string, string | boolean | undefined>;
  const help = values['help'] === true;
  const choice = help ? { path: '' } : chooseConfigFile(values['config'] as string | undefined);
  const assumptions: Partial<Record<keyof Assumptions, number>> = {};
  for (const a of ASSUMPTIONS) {
    const raw = values[a.flag];
    if (typeof raw !== 'string') continue;
    const bounds = a.key === 'reach' ? { min: 0, max: 1 } : a.key === 'notifyBatch' ? { min: 1, max: 10, integer: true } : a.key === 'subscribers' ? { min: 0, integer: true } : { min: 0 };
    assumptions[a.key] = numberFlag(a.flag, raw, bounds);
  }
  if (assumptions.secretCacheSeconds === 0) badArgs('--secret-cache-seconds must be > 0, got 0');
  if (assumptions.recycleHours === 0) badArgs('--recycle-hours must be > 0, got 0');
  const latency = values['latency-ms'];
  return {
    help,
    config: choice.path,
    notice: choice.notice,
    json: values['json'] === true,
    measured: values['measured'] as string | undefined,
    template: values['template'] as string | undefined,
    latencyMs: typeof latency === 'string' ? numberFlag('latency-ms', latency, { min: 0, max: 10_000 }) : 100,
    assumptions,
  };
}

/** The assumptions: flags, else the config's or template's value, else the default. */
export function resolveAssumptions(given: CostArgs['assumptions'], config: BotConfig, template: TemplateFacts): Assumptions {
  const fromConfig: Partial<Record<keyof Assumptions, number>> = { openPositions: config.risk.maxOpenPositions, logRetentionDays: template.logRetentionDays ?? 30 };
  return Object.fromEntries(ASSUMPTIONS.map((a) => [a.key, given[a.key] ?? fromConfig[a.key] ?? a.fallback ?? 0])) as unknown as Assumptions;
}

export function schedulesOf(config: BotConfig, template: TemplateFacts): Schedules {
  const tfs = [...new Set(config.exchanges.flatMap((e) => e.timeframes))].sort((a, b) => tfMinutes(a) - tfMinutes(b));
  return {
    timeframes: tfs.map((tf) => ({ tf, minutes: tfMinutes(tf) })),
    monitorMinutes: template.monitorMinutes ?? 1,
    // Only an enabled reconcile rule runs (infra/live-trading.cjs: enabled when an exchange trades live).
    ...(template.reconcileMinutes === undefined ? {} : { reconcileMinutes: template.reconcileMinutes, liveExchanges: liveExchanges(config).length }),
    signalTtlDays: config.signals.ttlDays,
    deliveryTtlDays: DELIVERY_TTL_DAYS,
  };
}

/** The packaged template of `configFile` (`npm run package`, serialized with the test runs' packaging). */
async function packagedTemplate(configFile: string, progress: (l: string) => void): Promise<unknown> {
  progress(`packaging the service for ${configFile} (npm run package) to count alarms and dashboards…`);
  return withPackageLock(async () => {
    const previous = process.env['CANDLEBOT_CONFIG'];
    process.env['CANDLEBOT_CONFIG'] = configFile;
    try {
      await runPackage();
    } finally {
      if (previous === undefined) delete process.env['CANDLEBOT_CONFIG'];
      else process.env['CANDLEBOT_CONFIG'] = previous;
      // A test run's packaging marker no longer describes .serverless/: the next test packages anew.
      rmSync(join(SERVERLESS_DIR, '.packaged-for-test-run'), { force: true });
    }
    return JSON.parse(readFileSync(TEMPLATE_FILE, 'utf8')) as unknown;
  });
}

function commitOf(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+uncommitted` : head;
  } catch (error) {
    return `unknown (${(error as Error).message.split('\n')[0]})`;
  }
}

/** A saved measurement: the file holds a measurement, or a `--json` output with one. */
export function readMeasurement(file: string): Measurement {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const parsed = measurementSchema.safeParse('measurement' in raw ? raw['measurement'] : raw);
  if (!parsed.success) badArgs(`--measured ${file}: not a measurement: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export async function runCost(args: CostArgs, progress: (line: string) => void): Promise<string> {
  const config = loadConfigFile(args.config);
  const prices = parsePrices(JSON.parse(readFileSync(PRICES_FILE, 'utf8')), PRICES_FILE);
  const template = templateFacts(args.template ? JSON.parse(readFileSync(args.template, 'utf8')) : await packagedTemplate(args.config, progress));
  const assumptions = resolveAssumptions(args.assumptions, config, template);
  const measurement = args.measured
    ? readMeasurement(args.measured)
    : await measure({ config, raw: parseYaml(readFileSync(args.config, 'utf8')) as Record<string, unknown>, subscribers: assumptions.subscribers, latencyMs: args.latencyMs, commit: commitOf(), progress });
  const schedules = schedulesOf(config, template);
  const bill = computeBill({ prices, measurement, assumptions, schedules, template, metricDesign: METRIC_CATALOGUE });
  if (args.json) {
    return JSON.stringify({ config: args.config, prices: { takenOn: prices.takenOn, region: prices.region, unconfirmed: prices.unconfirmed }, assumptions, schedules, template, bill, measurement }, null, 2);
  }
  return formatBill({ bill, prices, measurement, assumptions, template, configFile: args.config, timeframes: schedules.timeframes.map((t) => t.tf) });
}

async function main(): Promise<void> {
  const args = parseCostArgs(process.argv.slice(2));
  if (args.help) {
    console.log(COST_USAGE);
    return;
  }
  if (args.notice) console.error(args.notice);
  const started = Date.now();
  const out = await runCost(args, (line) => console.error(`cost: ${line}`));
  console.error(`cost: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(out);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(`cost: ${isCandlebotError(error) ? error.message : describeError(error)}`);
    process.exit(1);
  });
}
