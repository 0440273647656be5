/**
 * The layer rules of lib/ (.dependency-cruiser.cjs, README "Layout") hold, and no two folders
 * of lib/ import each other in a cycle. Runs dependency-cruiser itself, as `npx depcruise` would.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = join(fileURLToPath(import.meta.url), '../../..');
const BIN = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Cruise {
  readonly summary: { readonly violations: readonly { readonly rule: { readonly name: string }; readonly from: string; readonly to: string }[]; readonly totalCruised: number };
  readonly modules: readonly { readonly source: string; readonly dependencies: readonly { readonly resolved: string }[] }[];
}

async function cruise(): Promise<Cruise> {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'lib', 'functions', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
    cwd: ROOT,
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Cruise;
}

/** Folder of lib/ a module belongs to (`core`, `store`, …; `(lib)` for lib/errors.ts and its neighbours), or undefined outside lib/. */
const folderOf = (path: string): string | undefined => (/^lib\/[^/]+$/.test(path) ? '(lib)' : /^lib\/([^/]+)\//.exec(path)?.[1]);

/** Strongly connected groups of more than one folder (Tarjan). */
function folderCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) {
        onStack.delete(w);
        group.push(w);
        if (w === v) break;
      }
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return groups;
}

describe('layer rules (dependency-cruiser)', () => {
  it('lib/ and functions/ break none of the rules in .dependency-cruiser.cjs', async () => {
    const result = await cruise();
    assert.ok(result.summary.totalCruised > 100, `cruised ${result.summary.totalCruised} modules`);
    assert.deepEqual(result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`), []);
  });

  it('no import cycle between folders of lib/', async () => {
    const result = await cruise();
    const edges = new Map<string, Set<string>>();
    for (const module of result.modules) {
      const from = folderOf(module.source);
      if (from === undefined) continue;
      for (const dep of module.dependencies) {
        const to = folderOf(dep.resolved);
        if (to === undefined || to === from) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
      }
    }
    assert.ok(edges.size > 10, `${edges.size} folders import others`);
    assert.deepEqual(folderCycles(edges), []);
  });

  it('lib/core reads no clock, no randomness and no process state (it is deterministic)', () => {
    const dir = join(ROOT, 'lib/core');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 20, `${files.length} files in lib/core`);
    const found: string[] = [];
    for (const file of files) {
      const code = readFileSync(join(dir, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      for (const m of code.matchAll(/Date\.now\(|new Date\(\)|Math\.random\(|performance\.now\(|\bprocess\.|setTimeout\(|setInterval\(/g)) found.push(`${file}: ${m[0]}`);
    }
    assert.deepEqual(found, []);
  });

  it('the cycle finder finds a cycle through three folders and none in a chain', () => {
    const cycle = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]);
    assert.deepEqual(folderCycles(cycle), [['a', 'b', 'c']]);
    assert.deepEqual(folderCycles(new Map([['a', new Set(['b'])], ['b', new Set(['c'])]])), []);
  });
});
