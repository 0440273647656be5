import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emaCross } from '../../lib/core/strategies/ema-cross.js';
import { expandGrid, MAX_GRID_SETS, parseGrid, validateSets } from '../../lib/optimize/grid.js';

const values = (text: string) => parseGrid(text).map((a) => [a.key, a.values]);

describe('parseGrid', () => {
  it('expands start:end:step inclusively, single values, and decimal steps without float noise', () => {
    assert.deepEqual(values('fast=5:8:1,slow=15:30:5'), [
      ['fast', [5, 6, 7, 8]],
      ['slow', [15, 20, 25, 30]],
    ]);
    assert.deepEqual(values(' atr = 14 '), [['atr', [14]]]);
    assert.deepEqual(values('stopAtr=0.1:0.3:0.1'), [['stopAtr', [0.1, 0.2, 0.3]]]);
    assert.deepEqual(values('k=1:2:0.25'), [['k', [1, 1.25, 1.5, 1.75, 2]]]);
    // end not on the grid: stops below it
    assert.deepEqual(values('slow=15:60:7'), [['slow', [15, 22, 29, 36, 43, 50, 57]]]);
    assert.deepEqual(values('x=3:3:1'), [['x', [3]]]);
    assert.deepEqual(values('x=-2:2:2'), [['x', [-2, 0, 2]]]);
  });

  const bad: [string, RegExp][] = [
    ['', /--grid is empty/],
    ['fast', /expected key=start:end:step or key=value, got "fast"/],
    ['=5', /expected key=start:end:step/],
    ['fast=5:20', /--grid fast: expected start:end:step \(end inclusive\) or one value, got "5:20"/],
    ['fast=5:20:1:2', /expected start:end:step/],
    ['fast=a:20:1', /--grid fast: start must be a number, got "a"/],
    ['fast=5:20:x', /step must be a number/],
    ['fast=5:20:0', /--grid fast: step must be > 0, got 0/],
    ['fast=5:20:-1', /step must be > 0/],
    ['fast=20:5:1', /--grid fast: end \(5\) is below start \(20\)/],
    ['fast=5:20:1,fast=6', /--grid: fast given twice/],
    ['fast=5,,slow=9', /empty entry #2/],
    ['fast=', /--grid fast: no value/],
    ['9x=1', /"9x" is not a parameter name/],
    ['fast=1e400', /must be finite/],
    [`fast=1:${MAX_GRID_SETS + 1}:1`, /at most 100000/],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${JSON.stringify(text)} with a clear BAD_GRID error`, () => {
      assert.throws(() => parseGrid(text), (e: Error & { code?: string; kind?: string }) => {
        assert.equal(e.code, 'BAD_GRID');
        assert.equal(e.kind, 'permanent');
        assert.match(e.message, message);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      });
    });
  }
});

describe('expandGrid', () => {
  it('enumerates every combination, first axis outermost, fixed params in every set', () => {
    const sets = expandGrid(parseGrid('a=1:2:1,b=10:30:10'), { atr: 7 });
    assert.deepEqual(sets, [
      { atr: 7, a: 1, b: 10 },
      { atr: 7, a: 1, b: 20 },
      { atr: 7, a: 1, b: 30 },
      { atr: 7, a: 2, b: 10 },
      { atr: 7, a: 2, b: 20 },
      { atr: 7, a: 2, b: 30 },
    ]);
  });

  it('refuses a key both in the grid and fixed, and grids over the bound', () => {
    assert.throws(() => expandGrid(parseGrid('fast=5'), { fast: 6 }), { code: 'BAD_GRID', message: /fast is both in --grid and a --param/ });
    assert.throws(() => expandGrid(parseGrid('a=1:1000:1,b=1:1000:1')), { code: 'BAD_GRID', message: /1000000 parameter sets; at most 100000/ });
  });
});

describe('validateSets', () => {
  it('skips and counts the sets the strategy refuses, per reason, keeping grid indexes', () => {
    const sets = expandGrid(parseGrid('fast=5:20:1,slow=15:60:5'));
    assert.equal(sets.length, 160);
    const v = validateSets(emaCross.params, sets);
    // fast >= slow: slow=15 with fast 15..20 (6 sets), slow=20 with fast 20 (1 set)
    assert.equal(v.invalidCount, 7);
    assert.equal(v.valid.length, 153);
    assert.deepEqual(v.invalid.map((r) => [r.reason, r.count]), [['fast: fast period must be smaller than slow period', 7]]);
    assert.deepEqual(v.invalid[0]!.example, { index: 100, params: { fast: 15, slow: 15 } });
    for (const { index, params } of v.valid) {
      assert.equal(params.fast, sets[index]!.fast);
      assert.equal(params.slow, sets[index]!.slow);
      assert.ok(params.fast < params.slow);
      assert.equal(params.atr, 14, 'schema defaults filled in');
    }
  });

  it('groups distinct reasons (non-integer period, unknown key)', () => {
    const v = validateSets(emaCross.params, expandGrid(parseGrid('fast=4:5:0.5,slow=21,bogus=1')));
    assert.equal(v.valid.length, 0);
    assert.equal(v.invalidCount, 3);
    assert.equal(v.invalid.reduce((n, r) => n + r.count, 0), 3);
    assert.ok(v.invalid.every((r) => /bogus/.test(r.reason)), JSON.stringify(v.invalid));
    assert.ok(v.invalid.some((r) => /fast/.test(r.reason)), 'fast=4.5 reported');
  });
});
