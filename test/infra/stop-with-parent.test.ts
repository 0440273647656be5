/**
 * The local stack goes down with its parent however it is stopped: `npm run stack` / `npm start`
 * is npm → sh -c → node → java (DynamoDB Local); npm is killed with SIGTERM, SIGINT, SIGHUP or
 * SIGKILL and every process of the tree captured before the kill must be gone (bounded polling).
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { ROOT } from '../support/run-cli.js';

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly start: string;
  readonly state: string;
  readonly cmd: string;
}

function stat(pid: number): Proc | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    return { pid, state: rest[0]!, ppid: Number(rest[1]), start: rest[19]!, cmd };
  } catch {
    return undefined;
  }
}

/** Every live descendant of `root` (not root itself). */
function descendants(root: number): Proc[] {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => stat(Number(d))).filter((p): p is Proc => p !== undefined);
  const out: Proc[] = [];
  const frontier = [root];
  while (frontier.length) {
    const parent = frontier.pop()!;
    for (const p of all) if (p.ppid === parent) (out.push(p), frontier.push(p.pid));
  }
  return out;
}

/** Still running: same pid and start time, not a zombie. */
function alive(p: Proc): boolean {
  const now = stat(p.pid);
  return now !== undefined && now.start === p.start && now.state !== 'Z';
}

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const started: Proc[] = [];
after(() => {
  for (const p of started) if (alive(p)) process.kill(p.pid, 'SIGKILL');
});

/** Starts `npm <args>`, waits for `ready` on stdout, captures the tree, kills npm with `signal`, asserts the tree is gone. */
async function killNpm(args: string[], ready: RegExp, signal: NodeJS.Signals): Promise<void> {
  const npm: ChildProcess = spawn('npm', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  npm.stdout!.on('data', (c) => (out += c));
  npm.stderr!.on('data', (c) => (out += c));
  try {
    await until(`"${ready}" from npm ${args.join(' ')}`, 120_000, () => ready.test(out) || (npm.exitCode !== null ? assert.fail(`npm exited early:\n${out}`) : false));
    const tree = descendants(npm.pid!);
    started.push(...tree);
    assert.ok(tree.some((p) => /java/.test(p.cmd)), `java in the tree: ${tree.map((p) => p.cmd).join(' | ')}`);
    assert.ok(tree.some((p) => /node .*(stack-cli|start)\.ts/.test(p.cmd)), `node in the tree: ${tree.map((p) => p.cmd).join(' | ')}`);
    npm.kill(signal);
    // Bounded: the parent watch polls every 0.5 s and DynamoDB Local gets a 3 s grace; 30 s holds on a loaded machine.
    await until(`the tree of npm ${args.join(' ')} to go after ${signal}`, 30_000, () => tree.every((p) => !alive(p)) || undefined).catch((error: Error) => {
      throw new Error(`${error.message}; left: ${tree.filter(alive).map((p) => `${p.pid} ${p.cmd}`).join(' | ')}\n${out}`);
    });
  } finally {
    if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
  }
}

describe('the local stack stops with its parent', { skip: process.platform !== 'linux' ? 'reads /proc' : false }, () => {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGKILL'] as const) {
    it(`npm run stack, npm killed with ${signal}: no java/node of its tree remains`, async () => {
      await killNpm(['run', 'stack'], /# Ctrl-C to stop\./, signal);
    });
  }
  it('npm start -- --replay, npm killed with SIGTERM: no java/node of its tree remains', async () => {
    await killNpm(['start', '--', '--replay', 'test/fixtures/replay'], /local AWS stack up/, 'SIGTERM');
  });
});
