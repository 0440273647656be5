/**
 * The admin's pause switch (/pause, /resume), stored in DynamoDB (StateTable `control`) and
 * read by every scan and monitor run.
 * - `scanning` paused: scans record a heartbeat-free skip and do nothing else.
 * - `trading` paused: signals are still recorded and notified, but no paper position opens
 *   (the monitor still manages and closes open positions: stops must keep working).
 */
export interface ControlState {
  readonly scanningPaused: boolean;
  readonly tradingPaused: boolean;
  readonly updatedAt: number;
  /** Chat id of the admin who changed it last (0 = never changed). */
  readonly updatedBy: number;
}

export const DEFAULT_CONTROL: ControlState = Object.freeze({ scanningPaused: false, tradingPaused: false, updatedAt: 0, updatedBy: 0 });

export interface ControlStore {
  get(): Promise<ControlState>;
  set(change: { scanningPaused?: boolean; tradingPaused?: boolean }, by: number, now: number): Promise<ControlState>;
}
