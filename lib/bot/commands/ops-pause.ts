import { CommandInputError, type BotCommand, type CommandInfo } from '../command.js';
import type { ControlState, ControlStore } from '../../ports/control.js';

export type PauseTarget = 'scanning' | 'trading' | 'all';

const TARGETS: readonly PauseTarget[] = ['scanning', 'trading', 'all'];

/** The optional argument of /pause and /resume (default `all`). */
export function parsePauseTarget(args: readonly string[], command: string): PauseTarget {
  if (args.length === 0) return 'all';
  const arg = args[0]!.toLowerCase();
  if (args.length > 1 || !(TARGETS as readonly string[]).includes(arg)) {
    throw new CommandInputError(`Usage: /${command} [scanning|trading|all] (default all)`);
  }
  return arg as PauseTarget;
}

export function describeControl(state: ControlState): string {
  const line = (what: string, paused: boolean) => `${paused ? '⏸' : '▶️'} ${what} ${paused ? 'paused' : 'running'}`;
  return [line('scanning', state.scanningPaused), line('paper trading', state.tradingPaused)].join('\n');
}

/** /pause and /resume as /help and the command menu show them. */
export const pauseInfo: CommandInfo = { name: 'pause', usage: '/pause [scanning|trading|all]', description: 'admin: pause scanning and/or opening positions (paper and live)', admin: true };
export const resumeInfo: CommandInfo = { name: 'resume', usage: '/resume [scanning|trading|all]', description: 'admin: resume scanning and/or trading (paper; live: clears a halt or an executed panic)', admin: true };

/** The live part of /resume (lib/bot/commands/live-resume.ts): clears live halts, one line per live exchange. */
export type LiveResume = (now: number) => Promise<readonly string[]>;

function switchCommand(name: 'pause' | 'resume', control: Pick<ControlStore, 'set'>, live?: LiveResume, livePause: readonly string[] = []): BotCommand {
  const paused = name === 'pause';
  return {
    ...(paused ? pauseInfo : resumeInfo),
    async run(ctx) {
      const target = parsePauseTarget(ctx.args, name);
      const change = {
        ...(target !== 'trading' ? { scanningPaused: paused } : {}),
        ...(target !== 'scanning' ? { tradingPaused: paused } : {}),
      };
      const state = await control.set(change, ctx.chatId, ctx.now);
      const note = paused && target !== 'scanning' ? '\nOpen positions are still monitored: stops and targets keep working.' : '';
      const liveLines = target === 'scanning' ? [] : paused ? livePause : live ? await live(ctx.now) : [];
      await ctx.reply([`${describeControl(state)}${note}`, ...liveLines].join('\n'));
    },
  };
}

/**
 * /pause [scanning|trading|all] — admin only; stored in StateTable `control`, read by every scan
 * and monitor run. Paused trading opens no position at all (the scan runs no opener): with live
 * exchanges, `livePause` (one line each) says so and that their protections keep working.
 */
export const pauseCommand = (deps: { readonly control: Pick<ControlStore, 'set'>; readonly livePause?: readonly string[] }): BotCommand => switchCommand('pause', deps.control, undefined, deps.livePause);
/** /resume [scanning|trading|all] — admin only; `trading`/`all` also clear live halts (`live`). */
export const resumeCommand = (deps: { readonly control: Pick<ControlStore, 'set'>; readonly live?: LiveResume }): BotCommand => switchCommand('resume', deps.control, deps.live);
