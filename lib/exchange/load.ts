/**
 * Loads one ccxt exchange class without pulling the whole ccxt package into a Lambda bundle.
 *
 * `import ccxt from 'ccxt'` bundles ~100 exchanges (~6 MB). Each entry of
 * `BUNDLED_EXCHANGE_LOADERS` imports a single exchange file by relative path instead (the
 * package `exports` block the bare subpath `ccxt/js/src/<id>.js`); esbuild and tsx both
 * resolve it, and esbuild bundles each literal `import()` lazily.
 *
 * Any other ccxt id falls back to the full `ccxt` package, imported with a NON-literal
 * specifier so bundlers leave it out. That works where node_modules is present (tests,
 * local runs) but not in a deployed bundle: to deploy a bot for another exchange, add one
 * line to `BUNDLED_EXCHANGE_LOADERS`.
 */
import type { ConstructorArgs, Exchange } from 'ccxt';
import { PermanentError } from '../errors.js';

export type ExchangeClass = new (config?: ConstructorArgs) => Exchange;
export type ExchangeLoader = () => Promise<ExchangeClass>;

export const BUNDLED_EXCHANGE_LOADERS: Readonly<Record<string, ExchangeLoader>> = Object.freeze({
  binance: async () => (await import('../../node_modules/ccxt/js/src/binance.js')).default,
  bybit: async () => (await import('../../node_modules/ccxt/js/src/bybit.js')).default,
  phemex: async () => (await import('../../node_modules/ccxt/js/src/phemex.js')).default,
});

/** The full ccxt module, as far as this file needs it. */
interface FullCcxtModule {
  readonly exchanges: readonly string[];
  readonly [id: string]: unknown;
}

export interface LoadExchangeOptions {
  /**
   * Imports the full ccxt package for ids outside `BUNDLED_EXCHANGE_LOADERS`.
   * Default: a dynamic import with a non-literal specifier (invisible to bundlers).
   */
  readonly importFullCcxt?: () => Promise<unknown>;
}

const CCXT_ID = /^[a-z][a-z0-9]*$/;

/** Imports `specifier` at run time; bundlers cannot follow a non-literal specifier. */
function importUnbundled(specifier: string): Promise<unknown> {
  return import(specifier);
}

export function isBundledExchange(id: string): boolean {
  return Object.hasOwn(BUNDLED_EXCHANGE_LOADERS, id);
}

/**
 * The ccxt class for `id`. Throws PermanentError `UNKNOWN_EXCHANGE` when ccxt has no such
 * exchange, `EXCHANGE_NOT_BUNDLED` when the id is not bundled and full ccxt cannot be imported.
 */
export async function loadExchangeClass(id: string, options: LoadExchangeOptions = {}): Promise<ExchangeClass> {
  if (!CCXT_ID.test(id)) {
    throw new PermanentError(`unknown exchange id ${JSON.stringify(id)}`, { code: 'UNKNOWN_EXCHANGE' });
  }
  if (isBundledExchange(id)) return BUNDLED_EXCHANGE_LOADERS[id]!();

  let module: unknown;
  try {
    module = await (options.importFullCcxt ?? (() => importUnbundled('ccxt')))();
  } catch (cause) {
    throw new PermanentError(
      `exchange ${id} is not bundled and the full ccxt package cannot be imported here; ` +
        `add "${id}" to BUNDLED_EXCHANGE_LOADERS in lib/exchange/load.ts (one line) and redeploy`,
      { code: 'EXCHANGE_NOT_BUNDLED', cause },
    );
  }
  const ccxt = fullCcxt(module);
  if (ccxt === undefined) {
    throw new PermanentError(`the imported ccxt module has no exchange list (loading ${id})`, {
      code: 'EXCHANGE_NOT_BUNDLED',
    });
  }
  const exchangeClass = ccxt.exchanges.includes(id) ? ccxt[id] : undefined;
  if (typeof exchangeClass !== 'function') {
    throw new PermanentError(`ccxt has no exchange ${JSON.stringify(id)}`, { code: 'UNKNOWN_EXCHANGE' });
  }
  return exchangeClass as ExchangeClass;
}

function fullCcxt(module: unknown): FullCcxtModule | undefined {
  if (typeof module !== 'object' || module === null) return undefined;
  const candidates = [module, (module as { default?: unknown }).default];
  for (const candidate of candidates) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    const exchanges = (candidate as { exchanges?: unknown }).exchanges;
    if (Array.isArray(exchanges)) return candidate as FullCcxtModule;
  }
  return undefined;
}
