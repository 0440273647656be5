/**
 * /balance (admins) — per live exchange: the bot's budget (start, available, reserved, invested,
 * realised, fees, equity), its open live positions, whether new entries are halted or a panic is
 * pending/handled, and the exchange's balances as reconcile last recorded them, with their age.
 *
 * Reads: LiveTable `budget#<exchange>` (GetItem) and GSI `live-lists` (Query, open positions).
 */
import { escapeHtml, formatAmount, formatPrice, formatUtc } from '../../core/format.js';
import { clip } from '../../core/live-text.js';
import { formatAge } from '../../health/status-text.js';
import type { LiveBudget, LivePosition } from '../../ports/live.js';
import { CommandInputError, type BotCommand, type CommandInfo } from '../command.js';
import { corruptLine, exchangeHeading, liveSetup, type LiveCommandDeps, type LiveExchangeInfo } from './live-common.js';

/** Most open live positions listed per exchange (maxOpenPositions is at most 50). */
export const BALANCE_POSITIONS_LISTED = 100;
/** Most exchange balances shown (non-zero ones, the quote currency first). */
export const BALANCES_LISTED = 20;

/** /balance as /help and the command menu show it. */
export const balanceInfo: CommandInfo = {
  name: 'balance',
  usage: '/balance',
  description: 'admin: live budget, open live positions, halt/panic state and exchange balances',
  admin: true,
};

const ago = (now: number, at: number): string => `${formatAge(Math.max(0, Math.round((now - at) / 1000)))} ago`;

function stateLine(b: LiveBudget, now: number): string {
  if (b.panic && b.panic.handledAt === undefined) return `🛑 <b>panic requested</b> ${ago(now, b.panic.requestedAt)}: no new entry; reconcile is cancelling orders and selling positions`;
  const handled = b.panic?.handledAt === undefined ? '' : ` · panic handled ${formatUtc(b.panic.handledAt)}${b.panic.report ? ` (${escapeHtml(clip(b.panic.report, 120))})` : ''}`;
  if (b.halted) return `⏸ <b>halted</b> since ${formatUtc(b.halted.at)}: ${escapeHtml(clip(b.halted.reason, 160))}${handled} — /resume to trade again`;
  return `▶️ trading${handled}`;
}

function budgetLines(b: LiveBudget, quote: string, now: number): string[] {
  const q = (v: number, sign = false) => `<code>${escapeHtml(formatAmount(v, quote, { sign }))}</code>`;
  const equity = b.start + b.realised - b.fees;
  return [
    stateLine(b, now),
    `start ${q(b.start)} · equity ${q(equity)} (peak ${q(b.peakEquity)})`,
    `available ${q(b.available)} · reserved ${q(b.reserved)} · invested ${q(b.invested)}`,
    `realised ${q(b.realised, true)} · fees ${q(b.fees)} · open ${b.openCount}`,
  ];
}

function balancesLines(b: LiveBudget, quote: string, now: number): string[] {
  if (!b.balances || b.balancesAt === undefined) return ['exchange balances: not recorded yet (reconcile records them every minute)'];
  const entries = Object.entries(b.balances)
    .filter(([asset, v]) => asset === quote || v.total !== 0)
    .sort(([a], [b2]) => (a === quote ? -1 : b2 === quote ? 1 : a.localeCompare(b2)));
  const shown = entries.slice(0, BALANCES_LISTED).map(([asset, v]) => `${escapeHtml(clip(asset, 12))} <code>${formatPrice(v.total)}</code>${v.used !== 0 ? ` (free ${formatPrice(v.free)}, in orders ${formatPrice(v.used)})` : ''}`);
  const more = entries.length > shown.length ? ` · … ${entries.length - shown.length} more` : '';
  return [`exchange balances, seen ${ago(now, b.balancesAt)}: ${shown.length === 0 ? 'none' : shown.join(' · ')}${more}`];
}

const PROTECTION: Readonly<Record<LivePosition['protection']['state'], string>> = { placed: '🛡 protected', failed: '⚠️ protection failed', none: 'no protection yet' };

/** One live position: status, market, amount and entry (fill next to the rule's), stop, target, protection. */
export function livePositionLine(p: LivePosition): string {
  const levels = `stop <code>${formatPrice(p.stop)}</code> · target <code>${formatPrice(p.target)}</code>`;
  const who = `<code>${escapeHtml(p.strategy)}</code> ${escapeHtml(p.timeframe)}`;
  if (p.status === 'opening' || p.avgEntry === undefined) return `• ${escapeHtml(p.status)} LONG ${escapeHtml(p.symbol)}: entry order in flight · rule entry <code>${formatPrice(p.ruleEntry)}</code> · ${levels} · ${who}`;
  const guard = p.status === 'closing' ? 'exit order in flight' : PROTECTION[p.protection.state];
  return `• ${escapeHtml(p.status)} LONG ${escapeHtml(p.symbol)} ${formatPrice(p.qty)} @ <code>${formatPrice(p.avgEntry)}</code> (rule ${formatPrice(p.ruleEntry)}) · ${levels} · ${guard} · ${who}`;
}

async function exchangeLines(deps: LiveCommandDeps, store: NonNullable<LiveCommandDeps['store']>, e: LiveExchangeInfo, now: number): Promise<string[]> {
  const [read, positions] = await Promise.all([store.getBudget(e.id), store.listOpenPositions(e.id, BALANCE_POSITIONS_LISTED)]);
  const head = exchangeHeading(e);
  if (read === undefined) return [head, `no trade yet: budget <code>${escapeHtml(formatAmount(e.budget, e.quote))}</code> (from the config)`];
  if (!read.ok) {
    deps.log.warn('live budget row invalid', { exchange: e.id, problem: read.problem });
    return [head, `⚠️ the budget row is unreadable (logged): ${escapeHtml(clip(read.problem.reason, 160))}`];
  }
  const b = read.value;
  return [
    head,
    ...budgetLines(b, b.quote, now),
    ...balancesLines(b, b.quote, now),
    `open live positions: ${positions.items.length}${positions.truncated ? '+' : ''}`,
    ...positions.items.map(livePositionLine),
    ...corruptLine('position', positions.corrupt, deps.log, e.id),
  ];
}

/**
 * The live section of /positions: per live exchange its marker, name and open live positions
 * (the paper list above it is marked 📄 PAPER). Empty when nothing trades live.
 */
export async function livePositionsLines(deps: LiveCommandDeps): Promise<string[]> {
  if (deps.exchanges.length === 0) return [];
  const setup = liveSetup(deps);
  if ('answer' in setup) return ['', setup.answer];
  const lines: string[] = [];
  for (const e of setup.exchanges) {
    const positions = await setup.store.listOpenPositions(e.id, BALANCE_POSITIONS_LISTED);
    lines.push('', `${exchangeHeading(e)} open live positions: ${positions.items.length}${positions.truncated ? '+' : ''}`, ...positions.items.map(livePositionLine), ...corruptLine('position', positions.corrupt, deps.log, e.id));
  }
  return lines;
}

export function balanceCommand(deps: LiveCommandDeps): BotCommand {
  return {
    ...balanceInfo,
    async run(ctx) {
      if (ctx.args.length > 0) throw new CommandInputError('Usage: /balance (no arguments).');
      const setup = liveSetup(deps);
      if ('answer' in setup) {
        await ctx.reply(setup.answer);
        return;
      }
      const lines: string[] = [];
      for (const e of setup.exchanges) lines.push(...(lines.length > 0 ? [''] : []), ...(await exchangeLines(deps, setup.store, e, ctx.now)));
      await ctx.replyLines('<b>Live balance</b>', lines);
    },
  };
}
