/**
 * Keeps track of the server child processes we spawned (DynamoDB Local's java) and kills
 * them when this process exits or is stopped by SIGINT/SIGTERM/SIGHUP, so that no orphan
 * java survives `npm test` or `npm start`. A SIGKILL of this process cannot be caught (the
 * tsx CLI sends one to its child when the child is slow to acknowledge a Ctrl-C): for that a
 * tiny `sh` watchdog kills the child within ~1 s of this process disappearing.
 */
import { spawn, type ChildProcess } from 'node:child_process';

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

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', killAll);
  for (const s of SIGNALS) process.off(s, onSignal);
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
