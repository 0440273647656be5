/**
 * DynamoDB attempts that were throttled or failed on the server side, counted for the metric
 * DynamoDBErrors (lib/runtime/metric-catalogue.ts). An SDK middleware on the DynamoDB client
 * sees every attempt INSIDE the SDK's retry loop (finalizeRequest step, after the retry
 * middleware), so a throttle the SDK retried away still counts — that is the early warning the
 * alarm wants; the failure that finally reaches the code is reported by the code itself.
 *
 * Counted: throttling (ThrottlingException, ProvisionedThroughputExceededException,
 * RequestLimitExceeded) and any HTTP 5xx (InternalServerError, ServiceUnavailable…). Not
 * counted: TransactionConflict / TransactionCanceledException (contention the code handles),
 * conditional check failures and other 4xx, network errors without a response.
 *
 * The counter is an object of its own, built with the clients (lib/runtime/adapters.ts) and
 * read-and-reset by the handler kit after each invocation (`take()`): one per container, never a
 * module-level singleton; a Lambda container runs one invocation at a time.
 */

export const THROTTLE_ERROR_NAMES: readonly string[] = Object.freeze(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded']);

export interface DynamoErrorCounter {
  /** Adds one counted attempt. */
  add(): void;
  /** The attempts counted since the last take, then starts again from 0. */
  take(): number;
}

export function createDynamoErrorCounter(): DynamoErrorCounter {
  let count = 0;
  return {
    add() {
      count++;
    },
    take() {
      const n = count;
      count = 0;
      return n;
    },
  };
}

/** True for an attempt's error that counts: a throttle or a 5xx answer. */
export function isDynamoErrorAttempt(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown }; $fault?: unknown };
  if (typeof e.name === 'string' && THROTTLE_ERROR_NAMES.includes(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500 && status <= 599;
}

/** The client surface the middleware needs (every SDK v3 client has it). */
interface WithMiddlewareStack {
  readonly middlewareStack: {
    add(
      middleware: (next: (args: any) => Promise<any>) => (args: any) => Promise<any>,
      options: { step: 'finalizeRequest'; priority: 'low'; name: string; override?: boolean },
    ): void;
  };
}

/**
 * Counts each attempt of `client` that failed with a throttle or a 5xx into `counter`. The error
 * goes on unchanged (the SDK decides whether to retry).
 */
export function countDynamoErrors(client: WithMiddlewareStack, counter: DynamoErrorCounter): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (isDynamoErrorAttempt(error)) counter.add();
        throw error;
      }
    },
    // After the retry middleware (priority high in the same step): runs once per attempt.
    { step: 'finalizeRequest', priority: 'low', name: 'candlebotDynamoErrorCounter', override: true },
  );
}
