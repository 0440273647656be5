/**
 * The strategy registry: every strategy by its config name — the four built-ins, then the user
 * strategies of strategies/*.ts (issue 16), found at build time: strategies/index.ts is generated
 * by infra/user-strategies.cjs (before every npm script, by `npm run strategy:new`, when
 * packaging) and imported here, so esbuild bundles them wherever the registry is used, and the
 * config's strategy names, the backtester, the optimiser, replay and the scan see them with no
 * edit of lib/.
 *
 * Checked once, when this module loads: each user entry must be a strategy object made by the kit
 * (`defineStrategy` of lib/core/strategies/kit.ts: name, description, zod params whose defaults
 * parse `{}`, warmup, evaluate, evaluateAll, higherTimeframes, origin 'user'), and no two
 * strategies may share a name. Otherwise PermanentError `BAD_STRATEGY` naming the file and the
 * strategy: every CLI and function refuses to start rather than run a different strategy list.
 */
import { PermanentError } from '../../errors.js';
import { userStrategies, userStrategyFiles } from '../../../strategies/index.js';
import { bollingerBreakout } from './bollinger-breakout.js';
import { STRATEGY_NAME } from './definition.js';
import { emaCross } from './ema-cross.js';
import { macdTrend } from './macd-trend.js';
import { rsiReversion } from './rsi-reversion.js';
import type { Strategy } from './types.js';

const BUILT_INS: readonly Strategy<any>[] = [emaCross, rsiReversion, bollingerBreakout, macdTrend];

function bad(message: string): never {
  throw new PermanentError(message, { code: 'BAD_STRATEGY' });
}

/** What is wrong with `value` as a registry entry of `origin`, or undefined when nothing is. */
function problemOf(value: unknown, origin: 'built-in' | 'user'): string | undefined {
  if (typeof value !== 'object' || value === null) return `its default export is ${value === null ? 'null' : typeof value}, not a strategy: export default defineStrategy({ … })`;
  const s = value as Record<string, unknown>;
  if (typeof s['name'] !== 'string' || !STRATEGY_NAME.test(s['name'])) return `name ${JSON.stringify(s['name'])} must match ${String(STRATEGY_NAME)} (lower case letters, digits, dashes; 2–40 characters)`;
  if (typeof s['description'] !== 'string' || s['description'].trim() === '') return 'description must be a non-empty text';
  for (const method of ['warmup', 'evaluate', 'evaluateAll', ...(origin === 'user' ? (['higherTimeframes'] as const) : [])] as const) {
    if (typeof s[method] !== 'function') return `${method} is not a function: make the strategy with defineStrategy({ … }) of lib/core/strategies/kit.ts`;
  }
  const params = s['params'] as { safeParse?: unknown } | undefined;
  if (typeof params?.safeParse !== 'function') return 'params is not a zod schema';
  const defaults = (params.safeParse as (v: unknown) => { success: boolean; error?: { message: string } })({});
  if (!defaults.success) return `params: {} does not parse (every parameter needs a default): ${defaults.error?.message ?? ''}`;
  // Built-ins made before the kit carry no origin; a user strategy must come from the kit's defineStrategy.
  if (s['origin'] !== origin && !(origin === 'built-in' && s['origin'] === undefined)) return `origin is ${JSON.stringify(s['origin'])}, expected '${origin}' (use defineStrategy of lib/core/strategies/kit.ts)`;
  return undefined;
}

/** The registry of `builtIns` then `users` (`files[i]` is where `users[i]` comes from); throws BAD_STRATEGY. */
export function buildRegistry(
  builtIns: readonly unknown[],
  users: readonly unknown[],
  files: readonly string[],
): Readonly<Record<string, Strategy<any>>> {
  const registry: Record<string, Strategy<any>> = {};
  const from: Record<string, string> = {};
  const entries = [
    ...builtIns.map((s) => ({ s, origin: 'built-in' as const, where: 'built-in strategy' })),
    ...users.map((s, i) => ({ s, origin: 'user' as const, where: files[i] ?? `user strategy #${i + 1}` })),
  ];
  for (const { s, origin, where } of entries) {
    const problem = problemOf(s, origin);
    const name = (s as { name?: unknown } | null)?.name;
    const label = typeof name === 'string' ? `${where} (strategy "${name}")` : where;
    if (problem !== undefined) bad(`${label}: ${problem}`);
    const strategy = s as Strategy<any>;
    if (Object.hasOwn(registry, strategy.name)) {
      bad(`${label}: the name "${strategy.name}" is taken by ${from[strategy.name]}; give each strategy its own name`);
    }
    registry[strategy.name] = strategy;
    from[strategy.name] = origin === 'built-in' ? 'a built-in strategy' : where;
  }
  return Object.freeze(registry);
}

export const strategyRegistry: Readonly<Record<string, Strategy<any>>> = buildRegistry(BUILT_INS, userStrategies, userStrategyFiles);

export const STRATEGY_NAMES: readonly string[] = Object.freeze(Object.keys(strategyRegistry));

/** The strategy registered as `name`; throws PermanentError `UNKNOWN_STRATEGY` otherwise. */
export function getStrategy(name: string): Strategy<any> {
  const strategy = Object.hasOwn(strategyRegistry, name) ? strategyRegistry[name] : undefined;
  if (strategy === undefined) {
    throw new PermanentError(`Unknown strategy "${name}"; allowed: ${STRATEGY_NAMES.join(', ')}`, {
      code: 'UNKNOWN_STRATEGY',
    });
  }
  return strategy;
}

export { emaCross, rsiReversion, bollingerBreakout, macdTrend };
