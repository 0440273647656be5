/**
 * `npm run strategy:new <name>`: scaffolds a user strategy (issue 16) —
 *   strategies/<name>.ts            a small working strategy on the kit, commented field by field
 *   test/strategies/<name>.test.ts  its test (defaults parse, signals on real candles, no peeking)
 * then regenerates strategies/index.ts (infra/user-strategies.cjs) and prints the commands to
 * backtest, test and check it, each runnable as printed.
 *
 * The name follows the kit's rule (lower case letters, digits and dashes, 2–40 characters,
 * starting with a letter) and must be free: not a built-in or user strategy, no such file.
 * Nothing is overwritten. Files go to the checkout this file belongs to (the directory of
 * package.json), wherever it is run from.
 * Bad input → one line on stderr, exit code 2. A bug → its stack on stderr, exit code 1.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { STRATEGY_NAME } from '../core/strategies/definition.js';
import { cliErrorExit } from './backtest-options.js';
import { badArgs, wantsHelp } from './flags.js';
import { SAMPLE_DATA, strategySource, testSource } from './strategy-new-template.js';

export const STRATEGY_NEW_USAGE =
  'usage: npm run strategy:new <name>\n' +
  '  writes strategies/<name>.ts (a working strategy to edit) and test/strategies/<name>.test.ts,\n' +
  '  updates strategies/index.ts and prints the commands to backtest, test and check it.\n' +
  '  <name>: lower case letters, digits and dashes, 2–40 characters, starting with a letter (e.g. my-rsi)';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const { syncUserStrategies } = createRequire(import.meta.url)('../../infra/user-strategies.cjs') as {
  syncUserStrategies: (root: string) => { changed: boolean; files: string[] };
};

/** The commands printed after scaffolding `name` (each runs as printed from the checkout). */
export function nextCommands(name: string): string[] {
  return [
    `npm run backtest -- --strategy ${name} --data ${SAMPLE_DATA}`,
    `npm test -- test/strategies/${name}.test.ts`,
    `npm run strategy:check -- --strategy ${name} --data ${SAMPLE_DATA}`,
  ];
}

function parseName(argv: readonly string[]): string {
  let positionals: string[];
  try {
    positionals = parseArgs({ args: [...argv], options: {}, strict: true, allowPositionals: true }).positionals;
  } catch (cause) {
    return badArgs(`${(cause as Error).message.split('\n')[0]!} (--help for usage)`, cause);
  }
  if (positionals.length !== 1) badArgs(`expected one strategy name, got ${positionals.length} (--help for usage)`);
  const name = positionals[0]!;
  if (!STRATEGY_NAME.test(name)) {
    badArgs(`"${name}" is not a strategy name: lower case letters, digits and dashes, 2–40 characters, starting with a letter (e.g. my-rsi)`);
  }
  return name;
}

/** Writes `text` to `path` unless it exists (exclusive create: never overwrites). */
function create(path: string, text: string, shown: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  try {
    writeFileSync(path, text, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') badArgs(`${shown} already exists: nothing written (pick another name, or edit that file)`);
    throw error;
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const root = ROOT;
  if (wantsHelp(argv)) {
    process.stdout.write(`${STRATEGY_NEW_USAGE}\n`);
    return 0;
  }
  const name = parseName(argv);
  const strategyFile = `strategies/${name}.ts`;
  const testFile = `test/strategies/${name}.test.ts`;
  // The registry loads every current user strategy: a broken one is reported here (BAD_STRATEGY).
  const { STRATEGY_NAMES } = await import('../core/strategies/index.js');
  if (STRATEGY_NAMES.includes(name)) badArgs(`a strategy named "${name}" exists already (strategies: ${STRATEGY_NAMES.join(', ')}): pick another name`);
  for (const file of [strategyFile, testFile]) {
    if (existsSync(join(root, file))) badArgs(`${file} already exists: nothing written (pick another name, or edit that file)`);
  }
  create(join(root, strategyFile), strategySource(name), strategyFile);
  create(join(root, testFile), testSource(name), testFile);
  syncUserStrategies(root);
  const [backtest, test, check] = nextCommands(name);
  process.stdout.write(
    [
      `created ${strategyFile}       your strategy: edit it (every field is explained in docs/strategies.md)`,
      `created ${testFile}  its test`,
      `updated strategies/index.ts    the list of your strategies (generated; commit it with them)`,
      '',
      'next, from this directory:',
      `  ${backtest}`,
      `  ${test}`,
      `  ${check}`,
      `then use it in candlebot.config.yml:  strategies: [{ name: ${name} }]`,
      '',
    ].join('\n'),
  );
  return 0;
}

/** Runs the CLI and returns its exit code (0, 1 for a bug, 2 for bad input); prints errors itself. */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (error) {
    return cliErrorExit('strategy:new', error);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run(process.argv.slice(2));
}
