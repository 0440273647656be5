/**
 * `npm run strategy:new <name>` (lib/cli/strategy-new.ts), run as README prints it — in a copy of
 * the project (lib, infra, strategies, package files, one OHLCV fixture; node_modules linked), so
 * nothing is written to the checkout. Then what it printed is run there as printed: the backtest
 * and the strategy:check commands; the scaffolded test runs with node's test runner (the printed
 * `npm test -- …` would start the whole local AWS stack for a test that needs none of it), and
 * the scaffolded files type-check with the project's compiler settings. Refusals write nothing.
 * (test/cli/readme-commands.test.ts lists the strategy:new line as EXEMPT and points here.)
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readmeCommands } from '../support/readme-commands.js';
import { ROOT } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const generator = createRequire(import.meta.url)('../../infra/user-strategies.cjs') as {
  generatedIndex(files: readonly string[]): string;
  userStrategyFiles(root: string): string[];
};

interface Run {
  readonly code: number;
  readonly out: string;
  readonly stdout: string;
}

/** The environment of a command run as a user would: without this test runner's NODE_TEST_CONTEXT (node --test would skip its files). */
function userEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  return env;
}

function sh(command: string, cwd: string, timeoutMs = 300_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', command], { cwd, env: userEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: `${stdout}${stderr}`, stdout });
    });
  });
}

/** A copy of the project with what strategy:new, backtest, strategy:check and tsc need. */
function projectCopy(): string {
  const root = tempDir('strategy-new-');
  for (const entry of ['lib', 'infra', 'strategies', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, entry), join(root, entry), { recursive: true });
  mkdirSync(join(root, 'test/fixtures/ohlcv'), { recursive: true });
  cpSync(join(ROOT, 'test/fixtures/ohlcv/ETH_BTC-5m.json'), join(root, 'test/fixtures/ohlcv/ETH_BTC-5m.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

const README_NEW = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8')).filter((c) => /^npm run strategy:new\b/.test(c.text));

describe('npm run strategy:new, as README prints it, in a copy of the project', () => {
  let copy: string;
  let made: Run;
  let name: string;
  before(async () => {
    assert.equal(README_NEW.length, 1, 'README prints one npm run strategy:new command');
    const command = README_NEW[0]!.text;
    name = /^npm run strategy:new (?:-- )?([a-z][a-z0-9-]+)$/.exec(command)?.[1] ?? '';
    assert.ok(name, `README:${README_NEW[0]!.line} ${command}: one name, no placeholder`);
    copy = projectCopy();
    made = await sh(command, copy);
  });

  it('writes the strategy and its test, regenerates strategies/index.ts, prints what to run next', () => {
    assert.equal(made.code, 0, made.out);
    for (const file of [`strategies/${name}.ts`, `test/strategies/${name}.test.ts`]) {
      assert.ok(existsSync(join(copy, file)), file);
      assert.match(made.stdout, new RegExp(`created ${file.replace(/[.]/g, '[.]')}`));
    }
    const index = readFileSync(join(copy, 'strategies/index.ts'), 'utf8');
    assert.equal(index, generator.generatedIndex(generator.userStrategyFiles(copy)));
    assert.match(index, new RegExp(`from './${name}\\.js';`));
    assert.match(readFileSync(join(copy, `strategies/${name}.ts`), 'utf8'), new RegExp(`name: '${name}'`));
  });

  it('the printed backtest command runs as printed and trades', async () => {
    const printed = made.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('npm run backtest'));
    assert.deepEqual(printed, [`npm run backtest -- --strategy ${name} --data test/fixtures/ohlcv/ETH_BTC-5m.json`]);
    const r = await sh(printed[0]!, copy);
    assert.equal(r.code, 0, r.out);
    const trades = /^TOTAL\s+\S+ \S+\s+\S+ \S+\s+\d+\s+(\d+)/m.exec(r.stdout);
    assert.ok(trades && Number(trades[1]) > 0, r.stdout);
    assert.match(r.stdout, new RegExp(`^${name} \\{"period":50`, 'm'));
  });

  it('the printed strategy:check command runs as printed: no lookahead, warm-up clean', async () => {
    const printed = made.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('npm run strategy:check'));
    assert.equal(printed.length, 1, made.stdout);
    const r = await sh(printed[0]!, copy);
    assert.equal(r.code, 0, r.out);
    assert.match(r.stdout, /RESULT: clean/);
  });

  it('the scaffolded test passes (node --test, what the printed npm test -- … runs)', async () => {
    assert.match(made.stdout, new RegExp(`npm test -- test/strategies/${name}\\.test\\.ts`));
    const r = await sh(`node --import tsx --test test/strategies/${name}.test.ts`, copy);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /# pass 3\n# fail 0/);
  });

  it('the scaffolded files type-check (the project compiler settings)', async () => {
    const config = JSON.parse(readFileSync(join(copy, 'tsconfig.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(copy, 'tsconfig.scaffold.json'), JSON.stringify({ ...config, include: [`strategies/${name}.ts`, `test/strategies/${name}.test.ts`, 'strategies/index.ts'] }));
    const r = await sh('node_modules/.bin/tsc --noEmit -p tsconfig.scaffold.json', copy);
    assert.equal(r.code, 0, r.out);
  });

  it('refuses a taken name, an existing file, a bad name — writing nothing', async () => {
    const before = readdirSync(join(copy, 'strategies')).sort();
    const cli = (args: string) => sh(`node --import tsx --import ./lib/cli/node-support.ts lib/cli/strategy-new.ts ${args}`, copy);
    const cases: [string, RegExp][] = [
      [name, new RegExp(`a strategy named "${name}" exists already`)],
      ['ema-cross', /a strategy named "ema-cross" exists already/],
      ['rsi-trend', /a strategy named "rsi-trend" exists already/],
      ['My_Idea', /"My_Idea" is not a strategy name: lower case letters, digits and dashes/],
      ['x', /"x" is not a strategy name/],
      ['', /expected one strategy name, got 0/],
      ['one two', /expected one strategy name, got 2/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args}: ${r.out}`);
      assert.match(r.out, message, args);
      assert.match(r.out, /^candlebot strategy:new: /m);
    }
    // a test file of that name already there: refused before anything is written
    writeFileSync(join(copy, 'test/strategies/lonely.test.ts'), '// mine\n');
    const lonely = await cli('lonely');
    assert.equal(lonely.code, 2, lonely.out);
    assert.match(lonely.out, /test\/strategies\/lonely\.test\.ts already exists: nothing written/);
    assert.equal(readFileSync(join(copy, 'test/strategies/lonely.test.ts'), 'utf8'), '// mine\n');
    assert.deepEqual(readdirSync(join(copy, 'strategies')).sort(), before);
    const help = await cli('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: npm run strategy:new <name>/);
  });
});
