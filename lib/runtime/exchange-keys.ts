/**
 * Where a live exchange's API keys come from (issue 15), like the Telegram secret
 * (lib/runtime/telegram-secret.ts):
 * - deployed: EXCHANGE_SECRET_PREFIX (e.g. `candlebot/prod/exchange/`) + the exchange id names a
 *   Secrets Manager secret, JSON {"apiKey","secret"}, read at runtime (lib/aws/secrets.ts: cached
 *   ≤ SECRET_MAX_AGE_SECONDS, concurrent reads share one request);
 * - locally: CANDLEBOT_<ID>_API_KEY and CANDLEBOT_<ID>_SECRET (ID upper case, e.g. BINANCE).
 * Both sources for one exchange → refused (EXCHANGE_KEYS_AMBIGUOUS). The keys are never logged,
 * stored or put in an error: messages name the secret id or the variable and the field only.
 */
import { z } from 'zod';
import { appendAwsCallLog } from '../aws/call-recorder.js';
import { createJsonSecret, createSecretsManagerClient, type JsonSecret } from '../aws/secrets.js';
import { ConfigError, isCandlebotError } from '../errors.js';
import type { AwsEnv } from './adapters.js';

/** One key pair as the exchange issued it (ccxt's apiKey and secret). */
export interface ExchangeKeys {
  readonly apiKey: string;
  readonly secret: string;
}

/** Printable, no spaces or line breaks (a pasted key with a trailing newline is refused here, not by the exchange). */
const keyPart = (what: string) =>
  z.string({ error: `must be a string (the ${what})` }).regex(/^[\x21-\x7e]{8,512}$/, `must be the ${what}: 8-512 printable characters without spaces or line breaks`);

/** The secret's JSON (`candlebot/<stage>/exchange/<id>`). */
export const exchangeKeysSchema = z.object({ apiKey: keyPart('API key'), secret: keyPart('API secret') });

/** The environment naming the secrets (deployed); the local variables are read per exchange id. */
export const exchangeKeysEnvShape = {
  /** Prefix of the secrets' names, e.g. `candlebot/prod/exchange/`; the exchange id is appended. */
  EXCHANGE_SECRET_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9/_+=.@-]{1,400}\/$/, 'must be a Secrets Manager name prefix ending in "/", e.g. candlebot/prod/exchange/')
    .optional(),
  /** Tests only: the Secrets Manager endpoint (a double on 127.0.0.1). */
  CANDLEBOT_SECRETS_ENDPOINT: z.url().optional(),
};

/** `binance` → `BINANCE` (anything but letters and digits becomes `_`). */
export function exchangeEnvId(exchangeId: string): string {
  return exchangeId.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** The local variables of an exchange's keys. */
export function exchangeKeyVariables(exchangeId: string): { readonly apiKey: string; readonly secret: string } {
  const id = exchangeEnvId(exchangeId);
  return { apiKey: `CANDLEBOT_${id}_API_KEY`, secret: `CANDLEBOT_${id}_SECRET` };
}

export interface ExchangeKeysSource {
  /** Where the keys of `exchangeId` come from, for messages and logs (`secret <id>` or the variables); never a value. */
  from(exchangeId: string): string;
  /** True when keys are configured for it (the secret prefix is set, or either variable): trade:check in paper mode checks them only then. */
  configured(exchangeId: string): boolean;
  /** The keys, validated; EXCHANGE_KEYS_MISSING / _INVALID / _AMBIGUOUS, SECRET_ACCESS_DENIED / _REFUSED / _UNAVAILABLE. */
  keys(exchangeId: string): Promise<ExchangeKeys>;
}

/** The environment parts the source is chosen from (the variables CANDLEBOT_<ID>_* are read from it by name). */
export type ExchangeKeysEnv = AwsEnv & {
  readonly EXCHANGE_SECRET_PREFIX?: string | undefined;
  readonly CANDLEBOT_SECRETS_ENDPOINT?: string | undefined;
  readonly [variable: string]: string | undefined;
};

export interface ExchangeKeysOptions {
  /** Default SECRET_MAX_AGE_SECONDS (lib/aws/secrets.ts). */
  readonly maxAgeSeconds?: number;
}

function keysFromVariables(env: ExchangeKeysEnv, exchangeId: string): ExchangeKeys {
  const names = exchangeKeyVariables(exchangeId);
  const apiKey = env[names.apiKey];
  const secret = env[names.secret];
  if (apiKey === undefined && secret === undefined) {
    throw new ConfigError(
      `no API keys for exchange ${exchangeId}: set ${names.apiKey} and ${names.secret} (locally), or EXCHANGE_SECRET_PREFIX naming the Secrets Manager secrets (deployed)`,
      { code: 'EXCHANGE_KEYS_MISSING' },
    );
  }
  const missing = [apiKey === undefined ? names.apiKey : undefined, secret === undefined ? names.secret : undefined].filter(Boolean);
  if (missing.length > 0) {
    throw new ConfigError(`API keys of exchange ${exchangeId}: ${missing.join(' and ')} is not set (both ${names.apiKey} and ${names.secret} are needed)`, { code: 'EXCHANGE_KEYS_MISSING' });
  }
  const parsed = exchangeKeysSchema.safeParse({ apiKey, secret });
  if (!parsed.success) {
    // Field names only, mapped to the variables; zod's messages here describe the expectation, never the value.
    const issues = parsed.error.issues.map((issue) => `${issue.path[0] === 'apiKey' ? names.apiKey : names.secret}: ${issue.message}`);
    throw new ConfigError(`API keys of exchange ${exchangeId} are invalid: ${issues.join('; ')}`, { code: 'EXCHANGE_KEYS_INVALID' });
  }
  return Object.freeze(parsed.data);
}

/** A secret failure as a key error where the generic secret code would mislead (not found, invalid); others unchanged. */
function translateKeysError(error: unknown, exchangeId: string, secretId: string): unknown {
  if (!isCandlebotError(error)) return error;
  if (error.code === 'SECRET_NOT_FOUND') {
    return new ConfigError(
      `no API keys for exchange ${exchangeId}: the secret ${secretId} does not exist in this account and region; create it with ` +
        `aws secretsmanager create-secret --name ${secretId} --secret-string '{"apiKey":"…","secret":"…"}'`,
      { code: 'EXCHANGE_KEYS_MISSING', cause: error },
    );
  }
  if (error.code === 'SECRET_INVALID') return new ConfigError(error.message, { code: 'EXCHANGE_KEYS_INVALID', cause: error });
  return error;
}

/**
 * The keys source of this environment. With EXCHANGE_SECRET_PREFIX one secret reader per
 * exchange (its own cache), built on first use; the SDK client is shared.
 */
export function exchangeKeysSource(env: ExchangeKeysEnv, options: ExchangeKeysOptions = {}): ExchangeKeysSource {
  const prefix = env.EXCHANGE_SECRET_PREFIX;
  if (prefix !== undefined) {
    const parsed = exchangeKeysEnvShape.EXCHANGE_SECRET_PREFIX.safeParse(prefix);
    if (!parsed.success) {
      throw new ConfigError(`invalid environment: EXCHANGE_SECRET_PREFIX: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`, { code: 'INVALID_ENV' });
    }
  }
  const secretIdOf = (exchangeId: string) => `${prefix}${exchangeId}`;
  const variablesSet = (exchangeId: string): string[] => {
    const names = exchangeKeyVariables(exchangeId);
    return [names.apiKey, names.secret].filter((name) => env[name] !== undefined);
  };

  let client: ReturnType<typeof createSecretsManagerClient> | undefined;
  const secrets = new Map<string, JsonSecret<ExchangeKeys>>();
  const reading = new Map<string, Promise<ExchangeKeys>>();
  const secretFor = (exchangeId: string): JsonSecret<ExchangeKeys> => {
    let secret = secrets.get(exchangeId);
    if (!secret) {
      const local = env.CANDLEBOT_SECRETS_ENDPOINT !== undefined && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY;
      client ??= createSecretsManagerClient({
        region: env.AWS_REGION,
        endpoint: env.CANDLEBOT_SECRETS_ENDPOINT,
        credentials: local ? { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } : undefined,
        onCall: env.CANDLEBOT_AWS_CALL_LOG ? appendAwsCallLog(env.CANDLEBOT_AWS_CALL_LOG) : undefined,
      });
      secret = createJsonSecret({ client, secretId: secretIdOf(exchangeId), schema: exchangeKeysSchema, ...(options.maxAgeSeconds ? { maxAgeSeconds: options.maxAgeSeconds } : {}) });
      secrets.set(exchangeId, secret);
    }
    return secret;
  };

  const keys = async (exchangeId: string): Promise<ExchangeKeys> => {
    const both = variablesSet(exchangeId);
    if (prefix === undefined) return keysFromVariables(env, exchangeId);
    if (both.length > 0) {
      throw new ConfigError(
        `API keys of exchange ${exchangeId} are set twice: EXCHANGE_SECRET_PREFIX names the secret ${secretIdOf(exchangeId)} and ${both.join(' and ')} ${both.length > 1 ? 'are' : 'is'} set too; ` +
          'two sources of one key would disagree one day: keep one (deployed: the secret; locally: the variables)',
        { code: 'EXCHANGE_KEYS_AMBIGUOUS' },
      );
    }
    const inFlight = reading.get(exchangeId);
    if (inFlight) return inFlight;
    const read = secretFor(exchangeId)
      .get()
      .then((value) => Object.freeze({ apiKey: value.apiKey, secret: value.secret }))
      .catch((error: unknown) => {
        throw translateKeysError(error, exchangeId, secretIdOf(exchangeId));
      })
      .finally(() => reading.delete(exchangeId));
    reading.set(exchangeId, read);
    return read;
  };

  return Object.freeze({
    from: (exchangeId: string) => {
      if (prefix !== undefined) return `secret ${secretIdOf(exchangeId)}`;
      const names = exchangeKeyVariables(exchangeId);
      return `environment ${names.apiKey} / ${names.secret}`;
    },
    configured: (exchangeId: string) => prefix !== undefined || variablesSet(exchangeId).length > 0,
    keys,
  });
}
