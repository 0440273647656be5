/**
 * The handler kit: what every function in functions/ shares, so a handler is only its event,
 * its use case call and its answer.
 * - one middy setup: Powertools logger (injectLambdaContext) and Powertools metrics (EMF,
 *   namespace `candlebot`), flushed after each invocation only when something was published;
 * - the event checked with zod by one middleware (an invalid event is a PermanentError
 *   INVALID_EVENT: `invalid <what> event: <path>: <message>; …`);
 * - the runtime built on first use and kept for the container's warm invocations (nothing is
 *   built at import; a failed build is not kept, the next invocation tries again);
 * - a use case report published as metrics from one list of points (lib/runtime/report-metrics.ts),
 *   every name from the catalogue (lib/runtime/metric-catalogue.ts: its unit comes from there);
 * - after each invocation (also a failed one), the DynamoDB attempts that were throttled or
 *   failed with a 5xx (the runtime's counter, lib/aws/dynamo-errors.ts) as DynamoDBErrors when > 0.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import type { DynamoErrorCounter } from '../aws/dynamo-errors.js';
import { powertoolsLog } from '../aws/powertools-log.js';
import { describeIssues } from '../core/zod-issues.js';
import { PermanentError } from '../errors.js';
import type { Log } from '../ports/log.js';
import { metricSpec, METRIC_NAMESPACE, type MetricName } from './metric-catalogue.js';

export type { Logger } from '@aws-lambda-powertools/logger';
export { powertoolsLog } from '../aws/powertools-log.js';

/** A runtime (or deps) that may carry its DynamoDB error counter (lib/runtime/adapters.ts createAwsClients). */
export interface WithDynamoErrors {
  readonly dynamoErrors?: DynamoErrorCounter | undefined;
}

/** Options every handler factory accepts. */
export interface HandlerOptions {
  /** The environment the runtime is built from (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
}

export const SERVICE_NAME = 'candlebot';

export const defaultLogger = (logger?: Logger): Logger => logger ?? new Logger({ serviceName: SERVICE_NAME });

/** A memoised value: call to get (building it the first time); `peek()` gives it only when already built. */
export interface Lazy<T> {
  (): T;
  peek(): T | undefined;
}

/** Memoises `build` for the container: built on the first call; a build that throws is not kept. */
export function lazy<T>(build: () => T, given?: T): Lazy<T> {
  let value: T | undefined = given;
  return Object.assign(() => (value ??= build()), { peek: () => value });
}

/** Parses `event` with `schema`; an invalid event is a PermanentError INVALID_EVENT (`invalid <what> event: …`). */
export function parseEvent<S extends z.ZodType>(schema: S, what: string, event: unknown): z.output<S> {
  const parsed = schema.safeParse(event);
  if (!parsed.success) throw new PermanentError(`invalid ${what} event: ${describeIssues(parsed.error.issues)}`, { code: 'INVALID_EVENT' });
  return parsed.data;
}

/** The middy middleware form of parseEvent: the handler receives the parsed event. */
export function zodEvent<S extends z.ZodType>(schema: S, what: string): MiddlewareObj<unknown> {
  return {
    before: (request) => {
      request.event = parseEvent(schema, what, request.event);
    },
  };
}

/** One data point of a catalogued metric (lib/runtime/metric-catalogue.ts). */
export interface MetricPoint {
  readonly name: MetricName;
  readonly value: number;
  /** The metric's extra dimensions (catalogue), e.g. `{ timeframe: '1h' }`: published in an EMF blob of its own. */
  readonly dimensions?: Readonly<Record<string, string>>;
}

/**
 * Publishes `points`: without extra dimensions into the invocation's buffer (flushed after the
 * invocation, dimension `service` only), with dimensions each as a single metric at once. The
 * unit is the catalogue's; a name outside the catalogue throws (never published unlisted).
 */
export function publishMetrics(metrics: Metrics, points: readonly MetricPoint[]): void {
  for (const p of points) {
    const unit = metricSpec(p.name).unit === 'Count' ? MetricUnit.Count : MetricUnit.NoUnit;
    const dims = Object.entries(p.dimensions ?? {});
    if (dims.length === 0) {
      metrics.addMetric(p.name, unit, p.value);
      continue;
    }
    const single = metrics.singleMetric();
    for (const [name, value] of dims) single.addDimension(name, value);
    single.addMetric(p.name, unit, p.value);
  }
}

/** After an invocation (done or failed): DynamoDBErrors when > 0, then the buffered metrics if any. */
function flushMetrics(metrics: Metrics, dynamoErrors: (() => DynamoErrorCounter | undefined) | undefined): void {
  const count = dynamoErrors?.()?.take() ?? 0;
  if (count > 0) publishMetrics(metrics, [{ name: 'DynamoDBErrors', value: count }]);
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}

/** What a handler body gets besides its event. */
export interface Invocation {
  readonly context: Context;
  readonly logger: Logger;
  readonly log: Log;
  /** Publishes catalogued metrics (lib/runtime/report-metrics.ts builds them from reports). */
  publish(points: readonly MetricPoint[]): void;
  /** The invocation's remaining time (Lambda context). */
  remainingMs(): number;
}

export interface HandlerSpec<S extends z.ZodType> {
  readonly logger: Logger;
  /** Checked by the zod middleware; absent: the raw event is passed on. */
  readonly event?: { readonly schema: S; readonly what: string };
  /**
   * The DynamoDB error counter of the function's runtime once it is built (absent or undefined:
   * nothing to count yet); taken after every invocation and published as DynamoDBErrors when > 0.
   */
  readonly dynamoErrors?: () => DynamoErrorCounter | undefined;
  /** Log the incoming event (false for the webhook: the event carries the secret header). */
  readonly logEvent?: boolean;
}

/** The middy handler: logger context, metrics, event parsing, then `body`. */
export function lambdaHandler<S extends z.ZodType, R>(spec: HandlerSpec<S>, body: (event: z.output<S>, inv: Invocation) => Promise<R>) {
  const { logger } = spec;
  const log = powertoolsLog(logger);
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME });
  const run = (event: z.output<S>, context: Context): Promise<R> =>
    body(event, {
      context,
      logger,
      log,
      publish: (points) => publishMetrics(metrics, points),
      remainingMs: () => context.getRemainingTimeInMillis(),
    });
  // The event is `unknown` to callers: the zod middleware (when given) checks it before `body` runs.
  const handler = middy<unknown, R>((event: unknown, context: Context) => run(event as z.output<S>, context)).use(injectLambdaContext(logger, spec.logEvent === false ? { logEvent: false } : undefined));
  handler.use({ after: () => flushMetrics(metrics, spec.dynamoErrors), onError: () => flushMetrics(metrics, spec.dynamoErrors) });
  if (spec.event) handler.use(zodEvent(spec.event.schema, spec.event.what) as MiddlewareObj<unknown, R>);
  return handler;
}
