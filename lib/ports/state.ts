/** The persisted circuit-breaker state of an exchange, for reading only (health). */
export interface BreakerReader {
  read(exchange: string): Promise<BreakerState>;
}

/** Circuit-breaker state of one exchange, persisted so it survives across invocations. */
export interface BreakerStore extends BreakerReader {
  /** Whether a scan may call the exchange now; a half-open circuit lets exactly one trial through. */
  acquire(exchange: string, now: number): Promise<BreakerDecision>;
  recordSuccess(exchange: string, now: number): Promise<void>;
  /** Counts a failed scan; opens the circuit at the threshold (or at once after a failed trial). */
  recordFailure(exchange: string, now: number): Promise<BreakerState>;
}

export type BreakerDecision =
  | { readonly allowed: true; readonly trial: boolean }
  | { readonly allowed: false; readonly openUntil: number };

export interface BreakerState {
  readonly state: 'closed' | 'open' | 'half-open';
  readonly failures: number;
  readonly openUntil: number;
}

export interface ScanHeartbeat {
  readonly timeframe: string;
  readonly completedAt: number;
  readonly candleTime: number;
  readonly scanned: number;
  readonly failed: number;
  readonly signalled: number;
}

/** Last completed scan per timeframe (health reads it). */
export interface HeartbeatStore {
  put(heartbeat: ScanHeartbeat): Promise<void>;
  get(timeframe: string): Promise<ScanHeartbeat | undefined>;
}
