/**
 * /panic (admins) — stop live trading now: cancel every open bot order, sell every live position
 * at market, halt new entries. Typed, it only asks: the reply carries a signed "Confirm panic"
 * button (lib/bot/action-buttons.ts) valid PANIC_CONFIRM_TTL_MS. Pressed, it writes
 * `requestPanic` on every live exchange's budget row (creating the row from the config when no
 * trade happened yet, so the halt holds from the first entry on): recordIntent refuses new
 * entries at once, and reconcile (every minute) cancels, sells and reports. A second press, or a
 * panic still pending, answers "already requested" and writes nothing new.
 *
 * Writes: LiveTable `budget#<exchange>` (UpdateItem; PutItem only when the row does not exist yet).
 */
import { escapeHtml } from '../../core/format.js';
import { renderPanicAcceptedText, tradingMarker, type PanicExchangeText } from '../../core/live-text.js';
import { CommandInputError, type BotCommand, type CommandInfo } from '../command.js';
import { liveSetup, type LiveCommandDeps } from './live-common.js';

/** A confirmation button older than this only says so (a panic is never requested from a stale button). */
export const PANIC_CONFIRM_TTL_MS = 10 * 60_000;
export const PANIC_CONFIRM_ACTION = 'confirm';

/** /panic as /help and the command menu show it. */
export const panicInfo: CommandInfo = {
  name: 'panic',
  usage: '/panic',
  description: 'admin: LIVE trading emergency stop — cancel bot orders, sell live positions at market, halt (asks to confirm)',
  admin: true,
};

export function panicCommand(deps: LiveCommandDeps): BotCommand {
  return {
    ...panicInfo,
    async run(ctx) {
      if (ctx.args.length > 0) throw new CommandInputError('Usage: /panic (no arguments; it asks to confirm).');
      const setup = liveSetup(deps);
      const press = ctx.action;
      if ('answer' in setup) {
        await (press ? press.edit(setup.answer) : ctx.reply(setup.answer));
        return;
      }
      if (!press) {
        const button = ctx.actionButton?.('Confirm panic', PANIC_CONFIRM_ACTION);
        if (!button) throw new Error('/panic: no confirmation button could be made');
        const minutes = PANIC_CONFIRM_TTL_MS / 60_000;
        await ctx.reply(
          [
            '<b>⚠️ PANIC: stop live trading?</b>',
            ...setup.exchanges.map((e) => `${tradingMarker(e.venue)} ${escapeHtml(e.id)}`),
            'Confirming cancels every open bot order and sells every open live position at market (within about a minute), and halts new live entries until /resume.',
            `Press the button within ${minutes} minutes to confirm; ignore it to do nothing.`,
          ].join('\n'),
          { buttons: [[button]] },
        );
        return;
      }
      if (press.name !== PANIC_CONFIRM_ACTION) throw new Error(`/panic: unknown action ${press.name}`);
      if (ctx.now - press.issuedAt > PANIC_CONFIRM_TTL_MS) {
        await press.edit('This panic confirmation has expired: nothing was done. Send /panic again to stop live trading.');
        return;
      }
      const results: PanicExchangeText[] = [];
      for (const e of setup.exchanges) {
        let outcome = await setup.store.requestPanic(e.id, String(ctx.chatId), ctx.now);
        if (outcome === 'no-budget-row') {
          // No trade yet on this exchange: the row is created from the config, so the halt holds from the first entry on.
          await setup.store.ensureBudget(e.id, e.quote, e.budget, ctx.now);
          outcome = await setup.store.requestPanic(e.id, String(ctx.chatId), ctx.now);
          if (outcome === 'no-budget-row') throw new Error(`/panic: the budget row of ${e.id} is missing right after ensureBudget`);
        }
        results.push({ venue: e.venue, exchange: e.id, already: outcome === 'already' });
      }
      deps.log.warn('live panic requested', { chatId: ctx.chatId, exchanges: results.map((r) => ({ exchange: r.exchange, already: r.already === true })) });
      await press.edit(renderPanicAcceptedText({ exchanges: results, requestedAt: ctx.now }));
    },
  };
}
