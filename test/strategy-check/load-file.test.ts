/** lib/strategy-check/load-file.ts: `--strategy <name|path.ts>` — registry names, strategy files, and the BAD_STRATEGY errors. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emaCross } from '../../lib/core/strategies/index.js';
import { isStrategyPath, loadStrategyFile, resolveStrategy } from '../../lib/strategy-check/load-file.js';
import { ROOT } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/** The kit by absolute path (the temp dir has no node_modules; the kit re-exports zod's z). */
const KIT = join(ROOT, 'lib/core/strategies/kit.ts');

const badStrategy = (pattern: RegExp) => (error: unknown) => {
  assert.equal((error as { code?: string }).code, 'BAD_STRATEGY');
  assert.match((error as Error).message, pattern);
  return true;
};

describe('strategy file loading', () => {
  it('a registry name resolves to the registered strategy; a path to its default export', async () => {
    assert.equal(await resolveStrategy('ema-cross'), emaCross);
    const peeking = await resolveStrategy('test/fixtures/strategies/peeking.ts');
    assert.equal(peeking.name, 'peeking');
    const handwritten = await loadStrategyFile('test/fixtures/strategies/peeking-handwritten.ts');
    assert.equal(handwritten.name, 'peeking-handwritten');
    await assert.rejects(resolveStrategy('no-such-strategy'), (e: unknown) => (e as { code?: string }).code === 'UNKNOWN_STRATEGY');
  });

  it('tells paths from names: a separator or a script extension', () => {
    assert.equal(isStrategyPath('ema-cross'), false);
    assert.equal(isStrategyPath('mine.ts'), true);
    assert.equal(isStrategyPath('./strategies/mine'), true);
  });

  it('refuses what is not a strategy file, naming the file and the problem', async () => {
    const dir = tempDir('candlebot-strategy-file-');
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    await assert.rejects(loadStrategyFile(join(dir, 'missing.ts')), badStrategy(/missing\.ts: no such strategy file/));
    await assert.rejects(loadStrategyFile(file('notes.txt', 'x')), badStrategy(/must end with \.ts/));
    await assert.rejects(loadStrategyFile(file('named.ts', 'export const s = 1;\n')), badStrategy(/named\.ts: no default export/));
    await assert.rejects(loadStrategyFile(file('number.ts', 'export default 42;\n')), badStrategy(/default export is number, not a strategy/));
    await assert.rejects(loadStrategyFile(file('syntax.ts', 'export default {\n')), badStrategy(/syntax\.ts: cannot be loaded/));
    const shape = `import { z } from '${KIT}';
export default { name: 'half', description: 'x', params: z.strictObject({}), warmup: () => 1, evaluate: () => null };\n`;
    await assert.rejects(loadStrategyFile(file('half.ts', shape)), badStrategy(/half\.ts: the default export is not a strategy: evaluateAll: must be a function/));
    const exitHalf = shape.replace('evaluate: () => null', 'evaluate: () => null, evaluateAll: () => [], exitAt: () => null');
    await assert.rejects(loadStrategyFile(file('exit-half.ts', exitHalf)), badStrategy(/exitAt and exitsAll come together/));
    const noDefault = shape.replace('z.strictObject({})', 'z.strictObject({ n: z.number() })').replace('evaluate: () => null', 'evaluate: () => null, evaluateAll: () => []');
    await assert.rejects(loadStrategyFile(file('no-default.ts', noDefault)), badStrategy(/every parameter needs a default/));
    const kitError = `import { defineStrategy } from '${KIT}';
export default defineStrategy({ name: 'Bad Name' } as never);\n`;
    await assert.rejects(loadStrategyFile(file('kit-error.ts', kitError)), badStrategy(/kit-error\.ts: strategy "Bad Name": name must match/));
  });
});
