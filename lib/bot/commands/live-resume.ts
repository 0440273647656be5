/**
 * The live part of /resume (lib/bot/commands/ops-pause.ts): per live exchange, clears a halt
 * (drawdown limit) and a panic reconcile has executed, so new live entries may open again. A
 * panic still pending is NOT cleared (reconcile has yet to cancel and sell): the reply says so.
 *
 * Writes: LiveTable `budget#<exchange>` (UpdateItem).
 */
import { escapeHtml } from '../../core/format.js';
import { tradingMarker } from '../../core/live-text.js';
import { liveSetup, type LiveCommandDeps, type LiveExchangeInfo } from './live-common.js';

const OUTCOME_TEXT = {
  resumed: 'halt cleared: live entries open again',
  nothing: 'was not halted: live trading running',
  'panic-pending': 'panic still being executed by reconcile: NOT resumed; send /resume again after its report',
  'no-budget-row': 'no trade yet: live trading running',
} as const;

/** One line per live exchange (none when nothing trades live). */
export async function resumeLiveLines(deps: LiveCommandDeps, now: number): Promise<string[]> {
  if (deps.exchanges.length === 0) return [];
  const setup = liveSetup(deps);
  if ('answer' in setup) return [setup.answer];
  const lines: string[] = [];
  for (const e of setup.exchanges) {
    const outcome = await setup.store.resume(e.id, now);
    if (outcome !== 'nothing' && outcome !== 'no-budget-row') deps.log.info('live resume', { exchange: e.id, outcome });
    lines.push(`${tradingMarker(e.venue)} ${escapeHtml(e.id)}: ${OUTCOME_TEXT[outcome]}`);
  }
  return lines;
}

/** /pause trading|all with a live exchange: no new live entry either; its protections keep working (reconcile does not pause). */
export const livePauseLine = (e: LiveExchangeInfo): string =>
  `${tradingMarker(e.venue)} ${escapeHtml(e.id)}: no new live entry while paused; open live positions keep their stop and target on the exchange (reconcile keeps running). /panic closes them.`;
