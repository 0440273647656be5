/** Budget rows of LiveTable (`budget#<exchange> / budget`): schema (conservation checked on read) and items. */
import { z } from 'zod';
import { conservationDrift, newBook } from '../../core/live/live-ledger.js';
import type { LiveBudget } from '../../ports/live.js';
import { budgetKey } from './keys.js';

const amount = z.number().finite();
const balance = z.object({ free: amount, used: amount, total: amount });

/** Tolerance of the conservation check on read (amounts live on the 1e-10 grid; DynamoDB sums exactly). */
const CONSERVATION_TOLERANCE = 1e-9;

export const budgetRowSchema = z
  .object({
    pk: z.string().min(1),
    sk: z.literal('budget'),
    exchange: z.string().min(1),
    quote: z.string().min(1),
    start: amount.min(0),
    available: amount,
    reserved: amount.min(0),
    invested: amount.min(0),
    realised: amount,
    fees: amount.min(0),
    openCount: z.int().min(0),
    peakEquity: amount,
    halted: z.object({ reason: z.string(), at: z.int() }).optional(),
    panic: z.object({ requestedAt: z.int(), by: z.string(), handledAt: z.int().optional(), report: z.string().optional() }).optional(),
    balances: z.record(z.string(), balance).optional(),
    balancesAt: z.int().optional(),
    createdAt: z.int(),
  })
  .superRefine((row, ctx) => {
    if (row.pk !== budgetKey(row.exchange).pk) ctx.addIssue({ code: 'custom', path: ['pk'], message: `does not match exchange ${row.exchange}` });
    const drift = conservationDrift(row);
    if (Math.abs(drift) > CONSERVATION_TOLERANCE) {
      ctx.addIssue({ code: 'custom', path: ['available'], message: `budget not conserved: available + reserved + invested − (start + realised − fees) = ${drift}` });
    }
  });
export type BudgetRow = z.output<typeof budgetRowSchema>;

export function toBudget(row: BudgetRow): LiveBudget {
  const { pk: _pk, sk: _sk, ...budget } = row;
  return budget;
}

export function newBudgetItem(exchange: string, quote: string, start: number, now: number): BudgetRow {
  return { ...budgetKey(exchange), sk: 'budget', exchange, quote, ...newBook(start), createdAt: now };
}
