/**
 * The handler kit: what every function in functions/ shares, so a handler is only its event,
 * its use case call and its answer.
 * - one middy setup: Powertools logger (injectLambdaContext) and, for the functions that publish
 *   metrics, Powertools metrics (logMetrics, namespace `candlebot`);
 * - the event checked with zod by one middleware (an invalid event is a PermanentError
 *   INVALID_EVENT: `invalid <what> event: <path>: <message>; …`);
 * - the runtime built on first use and kept for the container's warm invocations (nothing is
 *   built at import; a failed build is not kept, the next invocation tries again);
 * - a use case report published as metrics from one list of points (lib/runtime/report-metrics.ts).
 */
import middy, { type MiddlewareObj } from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { powertoolsLog } from '../aws/powertools-log.js';
import { describeIssues } from '../core/zod-issues.js';
import { PermanentError } from '../errors.js';
import type { Log } from '../ports/log.js';

export type { Logger } from '@aws-lambda-powertools/logger';
export { powertoolsLog } from '../aws/powertools-log.js';

/** Options every handler factory accepts. */
export interface HandlerOptions {
  /** The environment the runtime is built from (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
}

export const SERVICE_NAME = 'candlebot';

export const defaultLogger = (logger?: Logger): Logger => logger ?? new Logger({ serviceName: SERVICE_NAME });

/** Memoises `build` for the container: built on the first call; a build that throws is not kept. */
export function lazy<T>(build: () => T, given?: T): () => T {
  let value: T | undefined = given;
  return () => (value ??= build());
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

/** One metric of a report: a count or a duration, optionally in its own EMF blob with one dimension. */
export interface MetricPoint {
  readonly name: string;
  readonly value: number;
  readonly unit?: 'Count' | 'Milliseconds';
  /** Published as a single metric with this dimension (e.g. Dropped by `reason`). */
  readonly dimension?: readonly [string, string];
}

/** Publishes `points` (and `dimensions` on the invocation's metrics). */
export function publishMetrics(metrics: Metrics, points: readonly MetricPoint[], dimensions: Readonly<Record<string, string>> = {}): void {
  for (const [name, value] of Object.entries(dimensions)) metrics.addDimension(name, value);
  for (const p of points) {
    const unit = p.unit === 'Milliseconds' ? MetricUnit.Milliseconds : MetricUnit.Count;
    if (p.dimension) {
      const single = metrics.singleMetric();
      single.addDimension(p.dimension[0], p.dimension[1]);
      single.addMetric(p.name, unit, p.value);
    } else {
      metrics.addMetric(p.name, unit, p.value);
    }
  }
}

/** What a handler body gets besides its event. */
export interface Invocation {
  readonly context: Context;
  readonly logger: Logger;
  readonly log: Log;
  /** Publishes report metrics (functions without metrics: ignored). */
  publish(points: readonly MetricPoint[], dimensions?: Readonly<Record<string, string>>): void;
  /** The invocation's remaining time (Lambda context). */
  remainingMs(): number;
}

export interface HandlerSpec<S extends z.ZodType> {
  readonly logger: Logger;
  /** Checked by the zod middleware; absent: the raw event is passed on. */
  readonly event?: { readonly schema: S; readonly what: string };
  /** Publish metrics (logMetrics middleware). */
  readonly metrics?: boolean;
  /** Log the incoming event (false for the webhook: the event carries the secret header). */
  readonly logEvent?: boolean;
}

/** The middy handler: logger context, metrics, event parsing, then `body`. */
export function lambdaHandler<S extends z.ZodType, R>(spec: HandlerSpec<S>, body: (event: z.output<S>, inv: Invocation) => Promise<R>) {
  const { logger } = spec;
  const log = powertoolsLog(logger);
  const metrics = spec.metrics ? new Metrics({ namespace: SERVICE_NAME, serviceName: SERVICE_NAME }) : undefined;
  const run = (event: z.output<S>, context: Context): Promise<R> =>
    body(event, {
      context,
      logger,
      log,
      publish: (points, dimensions) => metrics && publishMetrics(metrics, points, dimensions),
      remainingMs: () => context.getRemainingTimeInMillis(),
    });
  // The event is `unknown` to callers: the zod middleware (when given) checks it before `body` runs.
  const handler = middy<unknown, R>((event: unknown, context: Context) => run(event as z.output<S>, context)).use(injectLambdaContext(logger, spec.logEvent === false ? { logEvent: false } : undefined));
  if (metrics) handler.use(logMetrics(metrics));
  if (spec.event) handler.use(zodEvent(spec.event.schema, spec.event.what) as MiddlewareObj<unknown, R>);
  return handler;
}
