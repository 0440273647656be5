import type { Clock } from '../../lib/ports/clock.js';

/** A clock tests move by hand. */
export function testClock(start: number): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    set: (ms) => void (now = ms),
    advance: (ms) => void (now += ms),
  };
}
