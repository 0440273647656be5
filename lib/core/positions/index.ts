/** Pure position rules: state machine, fills and PnL, stepping, paper ledger. */
export type * from './types.js';
export { POSITION_STATUSES, TRANSITIONS, canTransition, transition } from './state.js';
export {
  DEFAULT_FEE_RATE,
  MAX_FEE_RATE,
  MAX_SLIPPAGE_BPS,
  entryFill,
  exitFill,
  fillPrice,
  grossPnl,
  positionRules,
  tradeFees,
  tradePnl,
  type PositionRulesInput,
} from './rules.js';
export {
  advanceOpenPosition,
  cancelPending,
  closeAt,
  fillPending,
  openFromSignal,
  pendingFromSignal,
  rejectPending,
  settle,
  stepOpenPosition,
  type Advanced,
  type NewPosition,
} from './position.js';
export { canReserve, ledgerEquity, newLedger, release, reserve, unreserve, type Ledger } from './ledger.js';
