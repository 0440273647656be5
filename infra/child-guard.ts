/**
 * Keeps track of the server child processes we spawned (DynamoDB Local's java) and kills
 * them when this process exits or is stopped by SIGINT/SIGTERM/SIGHUP, so that no orphan
 * java survives `npm test` or `npm start`. A SIGKILL of this process cannot be caught (the
 * tsx CLI sends one to its child when the child is slow to acknowledge a Ctrl-C): for that a
 * tiny `sh` watchdog kills the child within ~1 s of this process disappearing.
 *
 * The parent side: `npm start` is npm → sh -c → node → java. A signal to npm may not reach node
 * (sh in between dies of it, node is not signalled) and the death of npm signals nobody. So
 * while children are guarded, this process watches the chain of its ancestors up to the npm
 * process that started it (Linux: /proc; elsewhere its direct parent): as soon as a link
 * breaks (an ancestor died, whatever killed it) it stops as on SIGTERM — the children are
 * killed and the process's own SIGTERM handlers run (e.g. npm start's orderly stop).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

const children = new Set<ChildProcess>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  // If nobody else handles the signal, keep its default meaning: terminate.
  if (process.listenerCount(signal) <= 1) {
    uninstall();
    process.kill(process.pid, signal);
  }
}

/** The parent pid of `pid` and its command line (Linux /proc); undefined when gone or unreadable. */
function procInfo(pid: number): { ppid: number; cmd: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return Number.isInteger(ppid) ? { ppid, cmd } : undefined;
  } catch {
    return undefined;
  }
}

const NPM = /(^|\/)npm(-cli\.js)?( |$)|npm-cli\.js|(^|\/)npx( |$)/;
const MAX_ANCESTORS = 4;

/**
 * `[parent, grandparent, …]` up to and including the first npm process within MAX_ANCESTORS
 * levels (npm → sh -c → node); only the direct parent when no npm is found (node run directly,
 * or no /proc).
 */
export function ancestorChain(): number[] {
  const chain = [process.ppid];
  for (let pid = process.ppid; chain.length <= MAX_ANCESTORS; ) {
    const info = procInfo(pid);
    if (info === undefined) return [process.ppid];
    if (NPM.test(info.cmd)) return chain;
    if (info.ppid <= 1) return [process.ppid];
    chain.push(info.ppid);
    pid = info.ppid;
  }
  return [process.ppid];
}

/** True while every link of `chain` is intact: our parent is chain[0], chain[i]'s parent is chain[i+1]. */
function chainIntact(chain: readonly number[]): boolean {
  if (process.ppid !== chain[0]) return false;
  for (let i = 0; i + 1 < chain.length; i++) {
    const info = procInfo(chain[i]!);
    // Unreadable /proc entry: the process is gone (a re-parented child would show a new ppid).
    if (info === undefined || info.ppid !== chain[i + 1]) return false;
  }
  return true;
}

const PARENT_POLL_MS = 500;
let parentWatch: NodeJS.Timeout | undefined;

function watchParents(): void {
  if (process.platform === 'win32' || parentWatch !== undefined) return;
  const chain = ancestorChain();
  parentWatch = setInterval(() => {
    if (chainIntact(chain)) return;
    clearInterval(parentWatch);
    parentWatch = undefined;
    // Parent gone: stop as on SIGTERM (our handler kills the children; the process's own handlers stop in order).
    process.kill(process.pid, 'SIGTERM');
  }, PARENT_POLL_MS);
  parentWatch.unref();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const s of SIGNALS) process.on(s, onSignal);
  watchParents();
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', killAll);
  for (const s of SIGNALS) process.off(s, onSignal);
  if (parentWatch !== undefined) clearInterval(parentWatch);
  parentWatch = undefined;
}

/** Kills `pid` once this process is gone; ends by itself when `pid` exits first. */
function startWatchdog(pid: number): void {
  if (process.platform === 'win32') return;
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done; kill -9 ${pid} 2>/dev/null; exit 0`;
  const watchdog = spawn('/bin/sh', ['-c', script], { stdio: 'ignore', detached: true });
  watchdog.on('error', () => undefined);
  watchdog.unref();
}

/** Kill `child` if this process goes away first. */
export function guardChild(child: ChildProcess): void {
  children.add(child);
  install();
  if (child.pid !== undefined) startWatchdog(child.pid);
  child.once('exit', () => {
    children.delete(child);
    if (children.size === 0) uninstall();
  });
}
