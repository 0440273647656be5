/**
 * Position and position-event rows of PositionsTable: zod schemas (every read is validated;
 * a row that fails is reported as a RowProblem and quarantined by the caller, never fixed)
 * and the conversions to and from the pure position types.
 */
import { z } from 'zod';
import { MAX_FEE_RATE, MAX_SLIPPAGE_BPS, type OpenPosition, type RejectedPosition } from '../../core/positions/index.js';
import { timeframeSchema } from '../../core/timeframe.js';
import { chartSpecSchema } from '../../core/notification.js';
import { describeIssues } from '../../core/zod-issues.js';
import type { EventDraft, PositionCosts, PositionEvent, PositionMeta, RowProblem, RowRead, StoredOpenPosition, StoredPosition } from '../../ports/positions.js';
import {
  eventKey,
  expiresAt,
  LIST_OPEN,
  LIST_REJECTED,
  openListSort,
  positionKey,
  rowIdOf,
  timeListSort,
} from './keys.js';
import { OUTBOX_FAILED, OUTBOX_PENDING } from '../dynamo/outbox.js';

const price = z.number().finite().positive();
const time = z.int();

/** Why a position closed (lib/core/positions/types.ts ExitReason), on position and trade rows. */
export const exitReasonSchema = z.enum(['stop', 'target', 'signal', 'end', 'time', 'rule']);
/** The exit rule's reason (reason `rule` only): what the strategy said, 1–40 characters. */
export const exitNoteSchema = z.string().min(1).max(40);

const common = {
  pk: z.string().min(1),
  sk: z.literal('position'),
  id: z.string().min(1),
  strategy: z.string().min(1),
  exchange: z.string().min(1),
  symbol: z.string().min(1),
  timeframe: timeframeSchema,
  side: z.enum(['long', 'short']),
  signalTime: time,
  stake: price,
  stop: price,
  target: price,
  trail: z.number().finite().min(0),
  feeRate: z.number().min(0).max(MAX_FEE_RATE),
  slippageBps: z.number().min(0).max(MAX_SLIPPAGE_BPS),
  /** Time exit fixed at open (absent: none; rows written before it existed have none). */
  maxBars: z.int().min(1).optional(),
  version: z.int().min(1),
  createdAt: time,
};
const filled = { entryTime: time, entryPrice: price, qty: price, best: price, bars: z.int().min(0), lastChecked: time };

const openRow = z.object({
  ...common,
  ...filled,
  status: z.literal('open'),
  listKey: z.literal(LIST_OPEN),
  listSort: z.string().min(1),
  markPrice: price.optional(),
  markedAt: time.optional(),
  unrealisedPnl: z.number().finite().optional(),
});
const closedRow = z.object({
  ...common,
  ...filled,
  status: z.literal('closed'),
  exitTime: time,
  exitPrice: price,
  exitReason: exitReasonSchema,
  exitNote: exitNoteSchema.optional(),
  gross: z.number().finite(),
  fees: z.number().finite().min(0),
  pnl: z.number().finite(),
  closedAt: time,
  expiresAt: time,
});
// A refusal for lack of equity may have had nothing to stake: stake 0.
const rejectedRow = z.object({ ...common, stake: z.number().finite().min(0), status: z.literal('rejected'), reason: z.string().min(1), listKey: z.literal(LIST_REJECTED), listSort: z.string(), expiresAt: time });

export const positionRowSchema = z.discriminatedUnion('status', [openRow, closedRow, rejectedRow]).superRefine((row, ctx) => {
  if (row.pk !== positionKey(row.id).pk) ctx.addIssue({ code: 'custom', path: ['pk'], message: `does not match id ${row.id}` });
  if (row.status !== 'closed' && (row.side === 'long' ? !(row.stop < row.target) : !(row.stop > row.target))) {
    ctx.addIssue({ code: 'custom', path: ['stop'], message: `a ${row.side} needs its stop on the losing side of its target` });
  }
  if (row.status !== 'rejected' && !(row.entryTime > row.signalTime && row.lastChecked >= row.signalTime)) {
    ctx.addIssue({ code: 'custom', path: ['entryTime'], message: 'entry and last check must not precede the signal candle' });
  }
});
export type PositionRow = z.output<typeof positionRowSchema>;
type OpenRow = z.output<typeof openRow>;

/** Validates one item; a failure names the row and every issue. */
export function readRow<S extends z.ZodType>(schema: S, item: Record<string, unknown>): RowRead<z.output<S>> {
  const parsed = schema.safeParse(item);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: rowProblem(item, describeIssues(parsed.error.issues, { root: '(row)' })) };
}

export function rowProblem(item: Record<string, unknown>, reason: string): RowProblem {
  return { rowId: rowIdOf({ pk: String(item['pk']), sk: String(item['sk']) }), reason: reason.slice(0, 1000) };
}

const metaOf = (row: PositionRow): PositionMeta => ({ strategy: row.strategy, exchange: row.exchange, timeframe: row.timeframe });
const costsOf = (row: PositionRow): PositionCosts => ({ feeRate: row.feeRate, slippageBps: row.slippageBps, maxBars: row.maxBars ?? null });
/** The cost attributes of a row (maxBars only when set: no NULL attributes). */
const costFields = ({ feeRate, slippageBps, maxBars }: PositionCosts) => ({ feeRate, slippageBps, ...(maxBars === null ? {} : { maxBars }) });

function openOf(row: OpenRow): OpenPosition {
  const { id, symbol, side, signalTime, stake, stop, target, trail, entryTime, entryPrice, qty, best, bars } = row;
  return { status: 'open', id, symbol, side, signalTime, stake, stop, target, trail, entryTime, entryPrice, qty, best, bars };
}

export function toStoredOpen(row: OpenRow): StoredOpenPosition {
  const stored = { position: openOf(row), meta: metaOf(row), costs: costsOf(row), version: row.version, lastChecked: row.lastChecked, openedAt: row.createdAt };
  const { markPrice: price, markedAt: at, unrealisedPnl } = row;
  return price === undefined || at === undefined || unrealisedPnl === undefined ? stored : { ...stored, mark: { price, at, unrealisedPnl } };
}

export function toStoredPosition(row: PositionRow): StoredPosition {
  const meta = metaOf(row);
  const { id, symbol, side, signalTime, stake, stop, target, trail } = row;
  if (row.status === 'open') return { status: 'open', open: toStoredOpen(row) };
  if (row.status === 'rejected') {
    return { status: 'rejected', meta, position: { status: 'rejected', id, symbol, side, signalTime, stake, stop, target, trail, reason: row.reason } };
  }
  const { entryTime, entryPrice, qty, best, bars, exitTime, exitPrice, exitReason, pnl, fees, exitNote } = row;
  return {
    status: 'closed',
    meta,
    position: { status: 'closed', id, symbol, side, signalTime, stake, stop, target, trail, entryTime, entryPrice, qty, best, bars, exitTime, exitPrice, exitReason, pnl, fees },
    ...(exitNote === undefined ? {} : { exitNote }),
  };
}

/** The new open row (version 1; the first candle to check is the entry candle). */
export function openItem(p: OpenPosition, meta: PositionMeta, costs: PositionCosts, now: number): OpenRow {
  return {
    ...positionKey(p.id),
    sk: 'position',
    id: p.id,
    ...meta,
    ...costFields(costs),
    symbol: p.symbol,
    side: p.side,
    signalTime: p.signalTime,
    stake: p.stake,
    stop: p.stop,
    target: p.target,
    trail: p.trail,
    entryTime: p.entryTime,
    entryPrice: p.entryPrice,
    qty: p.qty,
    best: p.best,
    bars: p.bars,
    lastChecked: p.signalTime,
    status: 'open',
    version: 1,
    createdAt: now,
    listKey: LIST_OPEN,
    listSort: openListSort(meta.exchange, p.symbol, meta.timeframe, p.id),
  };
}

export function rejectedItem(p: RejectedPosition, meta: PositionMeta, costs: PositionCosts, now: number, ttlDays: number): Record<string, unknown> {
  const { status, id, symbol, side, signalTime, stake, stop, target, trail, reason } = p;
  return {
    ...positionKey(id),
    ...meta,
    ...costFields(costs),
    id,
    symbol,
    side,
    signalTime,
    stake,
    stop,
    target,
    trail,
    status,
    reason: reason.slice(0, 500),
    version: 1,
    createdAt: now,
    listKey: LIST_REJECTED,
    listSort: timeListSort(now, id),
    expiresAt: expiresAt(now, ttlDays),
  };
}

export const eventRowSchema = z.object({
  pk: z.string().min(1),
  sk: z.enum(['event#opened', 'event#closed']),
  positionId: z.string().min(1),
  kind: z.enum(['opened', 'closed']),
  recipients: z.array(z.int()).max(10_000),
  text: z.string().min(1).max(16_384),
  createdAt: time,
  outbox: z.enum([OUTBOX_PENDING, OUTBOX_FAILED]).optional(),
  leaseUntil: time.optional(),
  /**
   * The chart sent with the text; validated apart (chartSpecSchema, in toEvent) so that a
   * corrupt chart costs the chart only, never the notification.
   */
  chart: z.unknown().optional(),
});

export function eventItem(positionId: string, draft: EventDraft, now: number): Record<string, unknown> {
  return {
    ...eventKey(positionId, draft.kind),
    positionId,
    kind: draft.kind,
    recipients: [...draft.recipients],
    text: draft.text,
    ...(draft.chart === undefined ? {} : { chart: draft.chart }),
    createdAt: now,
    outbox: OUTBOX_PENDING,
    // Nobody holds it yet: the next outbox pass (the monitor) may claim it at once.
    leaseUntil: now,
  };
}

export function toEvent(row: z.output<typeof eventRowSchema>): PositionEvent {
  const event = { positionId: row.positionId, kind: row.kind, recipients: row.recipients, text: row.text, createdAt: row.createdAt, leaseUntil: row.leaseUntil ?? 0 };
  if (row.chart === undefined) return event;
  const chart = chartSpecSchema.safeParse(row.chart);
  if (chart.success) return { ...event, chart: chart.data };
  const reason = describeIssues(chart.error.issues, { prefix: 'chart.', root: '' });
  return { ...event, chartProblem: reason.slice(0, 1000) };
}
