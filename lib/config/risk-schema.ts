/**
 * `risk.*` of the config: paper trading's balance, stake and exits, bounded by what the ledger
 * (lib/core/money.ts) and the store can hold exactly.
 */
import { z } from 'zod';
import { MAX_ATR_MULTIPLE } from '../core/strategies/brackets.js';

export { MAX_ATR_MULTIPLE };

/**
 * Largest `risk.startingBalance`. Ledger amounts are kept to 10 decimal places
 * (lib/core/money.ts) in JavaScript numbers (IEEE doubles), which hold any decimal of up
 * to 15 significant digits exactly: 10 decimals leave 5 integer digits, so amounts below 1e5
 * keep every 1e-10 digit and their sums are exact. Above 2^53 × 1e-10 ≈ 900 720 adjacent
 * doubles are further apart than 1e-10 (the grid is lost), and above 2^53 − 1 ≈ 9.0e15 the
 * DynamoDB document client refuses the number outright (every open failed with 1e16).
 * DynamoDB itself (38 significant digits, i.e. 28 integer digits at 10 decimals) is not the
 * limit. The bound leaves equity room to grow ~9× before the 1e-10 grid is lost.
 */
export const MAX_STARTING_BALANCE = 100_000;
/** Smallest stake (and balance): the ledger's 1e-10 rounding is then at most 0.01 % of it. */
export const MIN_STAKE = 0.000_001;

const STARTING_BALANCE_BOUND =
  `must be at most ${MAX_STARTING_BALANCE}: ledger amounts are kept to 10 decimal places (lib/core/money.ts) in ` +
  `JavaScript numbers, which hold 15 significant digits exactly, leaving 5 integer digits (room for equity to grow ~9× ` +
  `before the 1e-10 grid is lost at 2^53 × 1e-10 ≈ 900720; above 2^53 ≈ 9.0e15 the DynamoDB client refuses the number)`;
const MIN_STAKE_REASON = `(ledger amounts are rounded to 1e-10; a smaller stake would lose more than 0.01 % to that rounding)`;

export const riskSchema = z
  .object({
    startingBalance: z
      .number()
      .min(MIN_STAKE, `must be at least ${MIN_STAKE} ${MIN_STAKE_REASON}`)
      .max(MAX_STARTING_BALANCE, STARTING_BALANCE_BOUND)
      .default(1000),
    /** Stake per trade as a fraction of equity (0 < f ≤ 1) … */
    stakeFraction: z.number().gt(0).max(1).optional(),
    /** … or a fixed stake in quote currency (at most startingBalance). Exactly one of the two. */
    stakeFixed: z.number().min(MIN_STAKE, `must be at least ${MIN_STAKE} ${MIN_STAKE_REASON}`).optional(),
    maxOpenPositions: z.int().min(1).max(1000).default(5),
    feeRate: z.number().min(0).max(0.05).default(0.001),
    slippageBps: z.number().min(0).max(500).default(0),
    /** Trailing stop: the stop follows the best price since entry at trailAtr × the signal's ATR (absent: off). */
    trailAtr: z.number().gt(0).max(MAX_ATR_MULTIPLE).optional(),
    /** Time exit: close at the close of the n-th candle held, reason `time` (absent: off). */
    maxBars: z.int().min(1).max(1_000_000).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if ((r.stakeFraction === undefined) === (r.stakeFixed === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one of risk.stakeFraction or risk.stakeFixed' });
      return;
    }
    if (r.stakeFixed !== undefined && r.stakeFixed > r.startingBalance) {
      ctx.addIssue({
        code: 'custom',
        path: ['stakeFixed'],
        message: `${r.stakeFixed} is more than risk.startingBalance (${r.startingBalance}): not even the first position could be opened`,
      });
    }
    // (Only for values that passed their own checks: zod runs this refinement regardless.)
    const first = (r.stakeFraction ?? 0) * r.startingBalance;
    if (r.stakeFraction !== undefined && r.stakeFraction > 0 && r.startingBalance >= MIN_STAKE && first < MIN_STAKE) {
      ctx.addIssue({
        code: 'custom',
        path: ['stakeFraction'],
        message: `the first stake (stakeFraction × startingBalance = ${first}) is below ${MIN_STAKE} ${MIN_STAKE_REASON}`,
      });
    }
  })
  .default({ startingBalance: 1000, stakeFraction: 0.1, maxOpenPositions: 5, feeRate: 0.001, slippageBps: 0 });
