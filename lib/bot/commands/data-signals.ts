/** /signals [n] — the newest recorded signals (default 10, at most 50), newest first, paginated. */
import { echo } from '../echo.js';
import type { Log } from '../../ports/log.js';
import { MAX_RECENT, type RecentSignalsReader } from '../../ports/recent-signals.js';
import { CommandInputError, type BotCommand, type CommandInfo } from '../command.js';
import { signalLine } from './data-render.js';

export const DEFAULT_SIGNALS = 10;

export interface SignalsCommandDeps {
  readonly recentSignals: RecentSignalsReader;
  /** Show each signal's exchange (when more than one is configured). */
  readonly showExchange: boolean;
  readonly log: Log;
}

/** The count argument: absent → default; else an integer in 1..MAX_RECENT. */
export function parseSignalCount(args: readonly string[]): number {
  if (args.length > 1) throw new CommandInputError(`Usage: /signals [n] — n from 1 to ${MAX_RECENT} (default ${DEFAULT_SIGNALS}).`);
  const raw = args[0];
  if (raw === undefined) return DEFAULT_SIGNALS;
  const n = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_RECENT) {
    throw new CommandInputError(`The number of signals must be a whole number from 1 to ${MAX_RECENT} (got "${echo(raw, 20)}").`);
  }
  return n;
}

/** /signals as /help and the command menu show it. */
export const signalsInfo: CommandInfo = {
  name: 'signals',
  usage: `[n] — the newest signals (default ${DEFAULT_SIGNALS}, max ${MAX_RECENT})`,
  description: 'Recent trading signals, newest first',
};

export function signalsCommand(deps: SignalsCommandDeps): BotCommand {
  return {
    ...signalsInfo,
    async run(ctx) {
      const n = parseSignalCount(ctx.args);
      const { signals, invalid } = await deps.recentSignals.listRecent(n);
      if (invalid.length > 0) deps.log.warn('signals: invalid rows in the recent index skipped', { invalid });
      if (signals.length === 0) {
        await ctx.reply('No signals recorded yet.');
        return;
      }
      const title = `<b>Last ${signals.length} signal${signals.length === 1 ? '' : 's'}</b> (newest first, times UTC)`;
      await ctx.replyLines(title, signals.map((s) => signalLine(s, deps.showExchange)));
    },
  };
}
