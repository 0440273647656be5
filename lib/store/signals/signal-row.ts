import { z } from 'zod';
import type { Signal } from '../../core/signal.js';
import type { PendingSignal } from '../../ports/signals.js';
import { describeIssues } from '../../core/zod-issues.js';
import { PermanentError } from '../../errors.js';
import { OUTBOX_FAILED, OUTBOX_PENDING } from '../dynamo/outbox.js';

/** Partition of the `recent` GSI of SignalsTable: every signal row (see infra/tables.yml). */
export const RECENT_KEY = 'signal';

/** The fields of a signal row, without the cross-field check (readers of a projection pick from it). */
export const signalRowObject = z.object({
  id: z.string().min(1),
  strategy: z.string().min(1),
  exchange: z.string().min(1),
  symbol: z.string().min(1),
  timeframe: z.string().min(1),
  candleTime: z.number().int(),
  side: z.enum(['long', 'short']),
  entry: z.number().finite(),
  stop: z.number().finite(),
  target: z.number().finite(),
  indicators: z.record(z.string(), z.number().finite()),
  /** The signal candle (absent on rows recorded before it was stored). */
  bar: z
    .object({ time: z.number().int(), open: z.number().finite().positive(), high: z.number().finite().positive(), low: z.number().finite().positive(), close: z.number().finite().positive() })
    .optional(),
  recipients: z.array(z.number().int()),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  outbox: z.enum([OUTBOX_PENDING, OUTBOX_FAILED]).optional(),
  outboxError: z.string().optional(),
  leaseUntil: z.number().int().optional(),
  notifiedAt: z.number().int().optional(),
  /** Keys of the sparse GSI `recent` (/signals): RECENT_KEY and the recorded time (absent on older rows). */
  recentKey: z.literal('signal').optional(),
  recentAt: z.number().int().optional(),
});

/** A signal row as stored in SignalsTable. Validated on every read. */
export const signalRowSchema = signalRowObject.refine((row) => row.bar === undefined || row.bar.time === row.candleTime, { message: 'the signal bar must open at candleTime', path: ['bar', 'time'] });

export type SignalRow = z.output<typeof signalRowSchema>;

export function toRow(signal: Signal, recipients: readonly number[], now: number, leaseUntil: number, ttlDays: number): SignalRow {
  return {
    ...signal,
    indicators: { ...signal.indicators },
    ...(signal.bar ? { bar: { ...signal.bar } } : {}),
    recipients: [...recipients],
    createdAt: now,
    expiresAt: Math.floor(now / 1000) + ttlDays * 86_400,
    outbox: OUTBOX_PENDING,
    leaseUntil,
    recentKey: RECENT_KEY,
    recentAt: now,
  };
}

export function parseRow(item: unknown): SignalRow {
  const result = signalRowSchema.safeParse(item);
  if (!result.success) {
    const id = (item as { id?: unknown } | undefined)?.id;
    throw new PermanentError(`signal row ${String(id)} is corrupt: ${describeIssues(result.error.issues, { root: '' })}`, {
      code: 'CORRUPT_ROW',
      cause: result.error,
    });
  }
  return result.data;
}

export function rowToSignal(row: SignalRow): Signal {
  const { id, strategy, exchange, symbol, timeframe, candleTime, side, entry, stop, target, indicators, bar } = row;
  return Object.freeze({ id, strategy, exchange, symbol, timeframe, candleTime, side, entry, stop, target, indicators, ...(bar ? { bar: Object.freeze(bar) } : {}) });
}

export function rowToPending(row: SignalRow): PendingSignal {
  return { signal: rowToSignal(row), recipients: row.recipients, createdAt: row.createdAt, leaseUntil: row.leaseUntil ?? 0 };
}
