/**
 * Lint-style checks over the test sources for two classes of flaky or littering tests:
 *  - temp files: a mkdtempSync without an rmSync/rm in the same file (use test/support/temp-dir.ts
 *    or after/afterEach rmSync), or a fixed path in the temp folder (collides between runs);
 *  - wall-clock upper bounds too tight for a loaded 2-core machine: `elapsed < 800`-style
 *    assertions under 5 s (assert ordering, use fake timers, or a bound that tells the
 *    alternatives apart under load, with a comment saying so).
 * npm test also gives every run its own TMPDIR and lists what is left in it (test/run.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../support/run-cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

const THIS = 'test/cli/test-hygiene.test.ts';
const files = sources(join(ROOT, 'test'))
  .map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }))
  .filter((f) => f.path !== THIS && !f.path.startsWith('test/bench/'));

/** Fixed temp paths that are deliberate: a cross-process lock shared by the test files of one run. */
const FIXED_TEMP_ALLOWED = new Set(['test/support/packaged-template.ts']);

describe('test hygiene', () => {
  it('every mkdtempSync is cleaned up in the same file', () => {
    const offenders = files.filter((f) => /\bmkdtempSync\(/.test(f.text) && !/\brmSync\(|\brm\(/.test(f.text)).map((f) => f.path);
    assert.deepEqual(offenders, [], 'mkdtempSync without rmSync: use tempDir() from test/support/temp-dir.ts or an after/afterEach rmSync');
  });

  it('no fixed paths in the temp folder', () => {
    const offenders = files
      .filter((f) => !FIXED_TEMP_ALLOWED.has(f.path))
      .flatMap((f) => f.text.split('\n').map((line, i) => ({ f, line, n: i + 1 })))
      .filter(({ line }) => /(writeFileSync|mkdirSync|createWriteStream|appendFileSync|openSync)\(\s*['"`]\/tmp\//.test(line) || (/join\(tmpdir\(\),/.test(line) && !/mkdtemp/.test(line)))
      .filter(({ line }) => !/^\s*(\*|\/\/)/.test(line))
      .map(({ f, n, line }) => `${f.path}:${n}: ${line.trim()}`);
    assert.deepEqual(offenders, [], 'use a mkdtemp folder (unique per run) instead');
  });

  it('no wall-clock upper bound under 5 s on an elapsed time', () => {
    const ELAPSED = /(now\(\)\s*-\s*\w+|\b(elapsed|waited|took|tookMs|elapsedMs)\b)\s*<=?\s*([\w.]+(\s*\+\s*[\d_]+)?)/;
    const offenders = files
      .flatMap((f) => f.text.split('\n').map((line, i) => ({ f, line, n: i + 1 })))
      .filter(({ line }) => /assert/.test(line))
      .flatMap(({ f, line, n }) => {
        const m = ELAPSED.exec(line);
        if (!m) return [];
        const bound = Number(m[3]!.replace(/_/g, '').split('+').pop()!.trim());
        return Number.isFinite(bound) && bound < 5000 ? [`${f.path}:${n}: ${line.trim()}`] : [];
      });
    assert.deepEqual(offenders, [], 'a bound this tight fails on a loaded machine: assert order, use fake timers, or a bound that holds under load (say what it tells apart)');
  });
});
