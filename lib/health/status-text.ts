/** /status: the health report as Telegram HTML. Pure; every string from the report is escaped. */
import { escapeHtml } from '../core/format.js';
import type { HealthReport, HealthStatus, OutboxHealth, QueueHealth } from './evaluate.js';

const ICON: Readonly<Record<HealthStatus, string>> = { ok: '🟢', degraded: '🟡', down: '🔴' };

/** 75 s → "1m 15s", 7200 s → "2h 0m". */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}

const detail = (d: string | undefined) => (d ? ` — ${escapeHtml(d)}` : '');

function queueLine(name: string, q: QueueHealth): string {
  const depth = q.visible === null ? 'unknown' : `${q.visible} waiting, ${q.inFlight} in flight`;
  return `${ICON[q.status]} ${name}: ${depth}${detail(q.detail)}`;
}

const OUTBOX_LABEL: Readonly<Record<OutboxHealth['name'], string>> = { signals: 'signal outbox', 'position events': 'position-event outbox' };

function outboxLine(o: OutboxHealth): string {
  const state = o.overdue === null ? 'unknown' : o.overdue === 0 ? 'nothing overdue' : `${o.overdue} overdue${o.oldestAgeSeconds === null ? '' : `, oldest ${formatAge(o.oldestAgeSeconds)} past its lease`}`;
  return `${ICON[o.status]} ${OUTBOX_LABEL[o.name]}: ${state}${detail(o.detail)}`;
}

export function renderStatusText(report: HealthReport): string {
  const lines = [`${ICON[report.status]} <b>candlebot ${report.status}</b> · v${escapeHtml(report.version)}`, '', '<b>Scans</b>'];
  for (const s of report.scans) {
    const age = s.ageSeconds === null ? '' : ` last ${formatAge(s.ageSeconds)} ago`;
    lines.push(`${ICON[s.status]} ${escapeHtml(s.timeframe)}:${age}${detail(s.detail)}`);
  }
  lines.push('', '<b>Exchanges</b>');
  for (const e of report.exchanges) lines.push(`${ICON[e.status]} ${escapeHtml(e.id)}: circuit ${e.breaker ?? 'unknown'}${e.openUntil ? ` until ${escapeHtml(e.openUntil)}` : ''}${e.breaker === 'open' ? '' : detail(e.detail)}`);
  lines.push('', '<b>Delivery</b>', queueLine('queue', report.queue), queueLine('dead-letter queue', report.deadLetterQueue), ...report.outboxes.map(outboxLine));
  lines.push('', '<b>Paper trading</b>', `${ICON[report.positions.status]} open positions: ${report.positions.open ?? 'unknown'}${detail(report.positions.detail)}`);
  const c = report.control;
  const paused = c.scanningPaused === null ? 'unknown' : [c.scanningPaused ? 'scanning paused' : 'scanning on', c.tradingPaused ? 'trading paused' : 'trading on'].join(' · ');
  lines.push(`${ICON[c.status]} ${paused}${detail(c.detail)}`);
  return lines.join('\n');
}
