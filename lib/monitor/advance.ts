/**
 * Pure: moves a stored open position over the closed candles it has not been checked against
 * yet (open time > lastChecked), one `stepOpenPosition` per candle, stopping at the first exit.
 * The first candle ever checked is the entry candle (lastChecked starts at the signal candle).
 *
 * With the strategy's exit rule (lib/portfolio/exit-rule.ts), in the backtester's order: after
 * a candle's own checks leave the position open, the rule is evaluated on that candle's close;
 * when it fires, the position exits at the NEXT candle's open (the next closed candle, else the
 * forming one) with reason `rule` and the rule's reason as the note. When that next candle is
 * not known yet, the position is left as it was before that candle (the candle stays unchecked
 * and is evaluated again, identically, by the next run).
 */
import type { OhlcvRow } from '../core/candle.js';
import { closeAt, stepOpenPosition, type ClosingPosition, type OpenPosition, type PositionRules } from '../core/positions/index.js';
import type { StoredOpenPosition } from '../ports/positions.js';
import { ruleAt, type ExitRule } from '../portfolio/exit-rule.js';

export type Advance =
  | { readonly kind: 'none'; readonly rule?: RuleNotes }
  | { readonly kind: 'progress'; readonly next: OpenPosition; readonly lastChecked: number; readonly lastClose: number; readonly gap: boolean; readonly candles: number; readonly rule?: RuleNotes }
  | {
      readonly kind: 'exit';
      readonly closing: ClosingPosition;
      /** Exit by rule (reason `rule`): the rule's reason. */
      readonly note?: string;
      readonly lastChecked: number;
      readonly gap: boolean;
      readonly candles: number;
      readonly rule?: RuleNotes;
    };

/** What the exit rule could not do in this step (for the log). */
export interface RuleNotes {
  /** The rule fired on this candle (open time) but its next candle is not known yet: retried next run. */
  readonly waiting?: number;
  /** Candles (open times) with fewer closed candles up to them than the warm-up: not evaluated. */
  readonly noHistory?: readonly number[];
}

export interface AdvanceInput {
  /** Validated, time-ordered closed candles of the position's timeframe (with the rule: its history before the unchecked ones). */
  readonly closed: readonly OhlcvRow[];
  /** The forming candle (its open prices a rule exit on the last closed candle). */
  readonly forming?: OhlcvRow | undefined;
  readonly tfMs: number;
  readonly rules: PositionRules;
  /** The strategy's exit rule; absent: none. */
  readonly exitRule?: ExitRule | undefined;
}

export function advance(stored: StoredOpenPosition, input: AdvanceInput): Advance {
  const { closed, forming, tfMs, rules, exitRule } = input;
  let first = closed.length;
  while (first > 0 && closed[first - 1]![0] > stored.lastChecked) first--;
  if (first === closed.length) return { kind: 'none' };
  // Candles between the last check and the first one we have were not seen (an exchange gap, or more than the fetch window).
  const gap = closed[first]![0] !== stored.lastChecked + tfMs;
  const noHistory: number[] = [];
  const notes = (extra: RuleNotes = {}): { rule?: RuleNotes } => (noHistory.length > 0 || extra.waiting !== undefined ? { rule: { ...extra, ...(noHistory.length > 0 ? { noHistory } : {}) } } : {});
  let p: OpenPosition = stored.position;
  for (let i = first; i < closed.length; i++) {
    const [time, open, high, low, close] = closed[i]!;
    const next = stepOpenPosition(p, { time, open, high, low, close }, rules);
    if (next.status === 'closing') return { kind: 'exit', closing: next, lastChecked: time, gap, candles: i - first + 1, ...notes() };
    if (exitRule !== undefined) {
      const answer = ruleAt(exitRule, closed, i, next.side);
      if (answer.kind === 'no-history') noHistory.push(time);
      if (answer.kind === 'exit') {
        const after = closed[i + 1] ?? (forming !== undefined && forming[0] > time ? forming : undefined);
        if (after === undefined) {
          // Candle i stays unchecked: the next run sees it again, with its next candle.
          if (i === first) return { kind: 'none', ...notes({ waiting: time }) };
          const prev = closed[i - 1]!;
          return { kind: 'progress', next: p, lastChecked: prev[0], lastClose: prev[4], gap, candles: i - first, ...notes({ waiting: time }) };
        }
        const closing = closeAt(next, after[0], after[1], 'rule', rules);
        return { kind: 'exit', closing, note: answer.note, lastChecked: time, gap, candles: i - first + 1, ...notes() };
      }
    }
    p = next;
  }
  const last = closed[closed.length - 1]!;
  return { kind: 'progress', next: p, lastChecked: last[0], lastClose: last[4], gap, candles: closed.length - first, ...notes() };
}
