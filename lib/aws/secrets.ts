/**
 * Secrets read at runtime: one JSON secret of Secrets Manager through Powertools Parameters
 * (SecretsProvider on a client built here), cached in memory for a bounded time, validated with
 * zod, every failure translated at this boundary (keeping `cause`):
 *
 *   ResourceNotFoundException                 → ConfigError SECRET_NOT_FOUND     (permanent)
 *   AccessDeniedException, DecryptionFailure  → ConfigError SECRET_ACCESS_DENIED (permanent)
 *   any other 4xx (e.g. scheduled deletion)   → ConfigError SECRET_REFUSED       (permanent)
 *   not JSON, a field missing or invalid      → ConfigError SECRET_INVALID       (permanent)
 *   throttling, 5xx, timeout, network         → TransientError SECRET_UNAVAILABLE
 *
 * Messages name the secret id and the field, never a value: a JSON parser's message quotes the
 * text it failed on, so an unparsable secret is reported without that message (and without its
 * error as cause).
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { TransformParameterError } from '@aws-lambda-powertools/parameters';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { z } from 'zod';
import { describeIssues } from '../core/zod-issues.js';
import { ConfigError, TransientError, type CandlebotError } from '../errors.js';
import { observeAwsCalls, type AwsCallObserver } from './call-recorder.js';

/** How long a secret value is reused before Secrets Manager is asked again (a rotated value is seen within this). */
export const SECRET_MAX_AGE_SECONDS = 300;

export interface SecretsClientOptions {
  readonly region: string;
  /** Tests only: a Secrets Manager double on 127.0.0.1 (deployed: the SDK's regional endpoint). */
  readonly endpoint?: string | undefined;
  /** Explicit credentials (tests against the double); deployed, the function's role applies. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  /** Sees every command the client sends (the IAM coverage test records them). */
  readonly onCall?: AwsCallObserver | undefined;
}

/** Bounded like the other clients: 3 attempts (SDK backoff on throttling/5xx), 1 s to connect, 3 s per request. */
export function createSecretsManagerClient(options: SecretsClientOptions): SecretsManagerClient {
  const client = new SecretsManagerClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
  });
  if (options.onCall) observeAwsCalls(client, 'secretsmanager', options.onCall);
  return client;
}

export interface JsonSecret<T> {
  readonly secretId: string;
  /** The validated value; Secrets Manager is asked only when the cached one is older than maxAge. */
  get(): Promise<T>;
  /** Asks Secrets Manager now (whatever the cache holds) and caches the answer. */
  refresh(): Promise<T>;
}

export interface JsonSecretOptions<S extends z.ZodType> {
  readonly client: SecretsManagerClient;
  /** Name (or ARN) of the secret. */
  readonly secretId: string;
  /** The shape of the secret's JSON. */
  readonly schema: S;
  /** Default SECRET_MAX_AGE_SECONDS. */
  readonly maxAgeSeconds?: number;
}

const PERMANENT: Readonly<Record<string, 'SECRET_NOT_FOUND' | 'SECRET_ACCESS_DENIED'>> = {
  ResourceNotFoundException: 'SECRET_NOT_FOUND',
  AccessDeniedException: 'SECRET_ACCESS_DENIED',
  DecryptionFailure: 'SECRET_ACCESS_DENIED',
};

/** A Secrets Manager (SDK) error, unwrapped from Powertools' GetParameterError, as a candlebot error. */
export function translateSecretError(error: unknown, secretId: string): CandlebotError {
  if (error instanceof TransformParameterError) {
    return new ConfigError(`secret ${secretId}: SecretString is not valid JSON`, { code: 'SECRET_INVALID' });
  }
  const sdk = error instanceof Error && error.name === 'GetParameterError' && error.cause !== undefined ? error.cause : error;
  const name = sdk instanceof Error ? sdk.name : typeof sdk;
  const status = (sdk as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  const detail = sdk instanceof Error ? sdk.message : String(sdk);
  const message = `secret ${secretId}: GetSecretValue failed: ${name}${status ? ` (${status})` : ''}: ${detail}`;
  const permanent = PERMANENT[name];
  if (permanent) return new ConfigError(message, { code: permanent, cause: sdk });
  if (status !== undefined && status >= 400 && status < 500 && !/Throttl|LimitExceeded/.test(name)) {
    return new ConfigError(message, { code: 'SECRET_REFUSED', cause: sdk });
  }
  // Throttling, 5xx, timeouts, the network (no answer at all): the next try may work.
  return new TransientError(message, { code: 'SECRET_UNAVAILABLE', cause: sdk });
}

/**
 * One JSON secret, cached by Powertools for `maxAgeSeconds`. A value that fails the schema is
 * not kept: the next call asks again (an operator's fix is seen at once).
 */
export function createJsonSecret<S extends z.ZodType>(options: JsonSecretOptions<S>): JsonSecret<z.output<S>> {
  const { secretId, schema } = options;
  const maxAge = options.maxAgeSeconds ?? SECRET_MAX_AGE_SECONDS;
  if (!Number.isFinite(maxAge) || maxAge <= 0) throw new RangeError(`maxAgeSeconds must be > 0, got ${maxAge}`);
  const provider = new SecretsProvider({ awsSdkV3Client: options.client });

  const read = async (forceFetch: boolean): Promise<z.output<S>> => {
    let raw: unknown;
    try {
      raw = await provider.get(secretId, { transform: 'json', maxAge, forceFetch });
    } catch (error) {
      throw translateSecretError(error, secretId);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      provider.clearCache();
      // Paths and zod's messages only (they describe the expectation, not the value).
      throw new ConfigError(`secret ${secretId} is invalid: ${describeIssues(parsed.error.issues, { root: 'SecretString' })}`, { code: 'SECRET_INVALID' });
    }
    return parsed.data;
  };
  return Object.freeze({ secretId, get: () => read(false), refresh: () => read(true) });
}
