/** Structured logger port; Powertools' Logger satisfies it, tests pass a recorder. */
export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export const silentLog: Log = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });
