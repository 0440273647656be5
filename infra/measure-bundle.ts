/**
 * `npm run measure:bundle` (after `npm run package`): the scan zip's size and the cold-start
 * "ready" time of its bundle (a fresh node process importing the handler module) against a
 * bare `node -e ""`, medians of interleaved runs on this machine.
 * Targets: zip ≤ 1.5 MB, ready ≤ 4× bare node.
 * The AWS SDK is not in the zip (the Lambda runtime provides it): like the runtime, the
 * unpacked bundle gets it through a node_modules/@aws-sdk link to the project's copy.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { functionZip, ROOT } from './artifacts.js';
import { extractZip } from './zip.js';

const RUNS = Number(process.env['MEASURE_RUNS'] ?? 10);
const MAX_ZIP_BYTES = 1.5 * 1024 * 1024;
const MAX_RATIO = 4;

function timeNode(args: string[], cwd: string): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 60_000 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fmt = (xs: number[]): string =>
  `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

function main(): number {
  const zip = functionZip('scan');
  if (!existsSync(zip)) {
    console.error(`${zip} is missing: run npm run package first`);
    return 1;
  }
  const dir = mkdtempSync(join(tmpdir(), 'candlebot-bundle-'));
  try {
    const files = extractZip(zip, dir);
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(join(ROOT, 'node_modules', '@aws-sdk'), join(dir, 'node_modules', '@aws-sdk'), 'dir');
    const handlerFile = join(dir, 'functions', 'scan.mjs');
    const url = pathToFileURL(handlerFile).href;
    const load = `import(${JSON.stringify(url)}).then((m) => process.exit(typeof m.handler === 'function' ? 0 : 2))`;
    const bare = ['-e', ''];
    const ready = ['-e', load];

    timeNode(bare, dir); // warm the file cache once
    timeNode(ready, dir);
    const bareMs: number[] = [];
    const readyMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bareMs.push(timeNode(bare, dir));
      readyMs.push(timeNode(ready, dir));
    }

    const size = statSync(zip).size;
    const ratio = median(readyMs) / median(bareMs);
    console.log(`scan.zip: ${(size / 1024).toFixed(0)} KiB (${size} bytes), files: ${files.join(', ')}`);
    console.log(`bundle functions/scan.mjs: ${(statSync(handlerFile).size / 1024).toFixed(0)} KiB unzipped`);
    console.log(`node ${process.version}, ${RUNS} interleaved runs each`);
    console.log(`bare node -e "":       ${fmt(bareMs)}`);
    console.log(`import scan handler:  ${fmt(readyMs)}`);
    console.log(`ratio ready/bare:     ${ratio.toFixed(2)}× (target ≤ ${MAX_RATIO}×)`);
    const okSize = size <= MAX_ZIP_BYTES;
    const okRatio = ratio <= MAX_RATIO;
    console.log(`targets: zip ${okSize ? 'OK' : 'OVER'}, cold start ${okRatio ? 'OK' : 'OVER'}`);
    return okSize && okRatio ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exit(main());
