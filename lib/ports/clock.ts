/** Time source. Live code uses `systemClock`; replay, tests and the backtester pass their own. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = Object.freeze({ now: () => Date.now() });
