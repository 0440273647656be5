/**
 * Local bot without a public URL (`npm start` with TELEGRAM_BOT_TOKEN): long polling with
 * getUpdates, feeding every update through the same path as the webhook (zod schema, then
 * the bot's handleUpdate: same commands, rate limit and error policy).
 *
 * - offset confirms handled updates; an update failing transiently is retried (bounded), then
 *   skipped with an error log so one poison update cannot stall the chat forever;
 * - errors of getUpdates itself back off exponentially (bounded), 409 (a webhook is set) stops
 *   polling with a clear message instead of deleting someone's webhook;
 * - stop() aborts the pending long poll at once and waits for the update in progress.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createBotRuntime, botEnvSchema } from '../runtime/webhook.js';
import type { BotApi } from '../ports/telegram.js';
import type { UpdateOutcome } from '../bot/dispatch.js';
import { redactSecrets } from '../bot/redact.js';
import { updateSchema, type BotUpdate } from '../bot/update-schema.js';
import { parseEnv } from '../config/env.js';
import type { BotConfig } from '../config/schema.js';
import { ConfigError, describeError, isTransient } from '../errors.js';
import { describeIssues } from '../core/zod-issues.js';
import { backoffCeiling, retry, type RetryPolicy } from '../retry.js';
import type { Log } from '../ports/log.js';
import { TelegramApiError } from '../ports/telegram.js';
import { powertoolsLog } from '../aws/powertools-log.js';

export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export interface PollOptions {
  readonly api: BotApi;
  readonly handleUpdate: (update: BotUpdate) => Promise<UpdateOutcome>;
  readonly log: Log;
  readonly signal: AbortSignal;
  /** Long-poll duration asked of Telegram, seconds (default 25). */
  readonly pollTimeoutS?: number;
  readonly limit?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Attempts of one update failing transiently before it is skipped (default 3). */
  readonly maxAttemptsPerUpdate?: number;
  /** Redacted from logs. */
  readonly secrets?: readonly string[];
}

export interface PollReport {
  readonly processed: number;
  readonly skipped: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Polls until `signal` aborts. Rejects only with ConfigError (webhook set, bad token). */
export async function pollUpdates(options: PollOptions): Promise<PollReport> {
  const { api, log, signal } = options;
  const pollTimeoutS = options.pollTimeoutS ?? 25;
  const base = options.backoffBaseMs ?? 500;
  const max = options.backoffMaxMs ?? 30_000;
  const maxAttempts = options.maxAttemptsPerUpdate ?? 3;
  const safe = (error: unknown) => redactSecrets(describeError(error), options.secrets ?? []);
  let offset = 0;
  let failures = 0;
  let processed = 0;
  let skipped = 0;
  // A failed getUpdates backs off base·2ⁿ up to max; an update whose handling fails transiently
  // is retried (maxAttempts tries, base·2 doubling): one local process, so no jitter.
  const pollBackoff: RetryPolicy = { attempts: Infinity, baseMs: base, capMs: max, jitter: 'none' };
  const updateRetry: RetryPolicy = { attempts: maxAttempts, baseMs: base * 2, capMs: max, jitter: 'none' };
  const backoff = () => sleep(backoffCeiling(pollBackoff, Math.min(failures++, 16) + 1), signal);

  while (!signal.aborted) {
    let updates: unknown;
    try {
      updates = await api.call('getUpdates', { offset, timeout: pollTimeoutS, limit: options.limit ?? 50, allowed_updates: ALLOWED_UPDATES }, { timeoutMs: (pollTimeoutS + 10) * 1000, signal });
    } catch (error) {
      if (signal.aborted) break;
      if (error instanceof TelegramApiError && error.status === 409) {
        throw new ConfigError(
          'A webhook is registered for this bot, so Telegram refuses getUpdates. Remove it with `npm run webhook:set -- --delete` to talk to the bot locally.',
          { code: 'WEBHOOK_ACTIVE', cause: error },
        );
      }
      if (error instanceof TelegramApiError && error.failure === 'unauthorized') {
        throw new ConfigError('Telegram refused TELEGRAM_BOT_TOKEN (401/404): check the token.', { code: 'BAD_TOKEN', cause: error });
      }
      log.warn('getUpdates failed; backing off', { error: safe(error) });
      await backoff();
      continue;
    }
    failures = 0;
    const list = Array.isArray(updates) ? (updates as unknown[]) : [];
    for (const raw of list) {
      if (signal.aborted) break;
      const id = typeof (raw as { update_id?: unknown })?.update_id === 'number' ? (raw as { update_id: number }).update_id : undefined;
      const parsed = updateSchema.safeParse(raw);
      if (!parsed.success) {
        log.warn('update dropped: not a valid update', { updateId: id, issues: parsed.error.issues.slice(0, 10).map((i) => describeIssues([i])) });
        skipped++;
        if (id !== undefined) offset = id + 1;
        continue;
      }
      const updateId = parsed.data.update_id;
      let attempts = 0;
      try {
        await retry(
          () => {
            attempts++;
            return options.handleUpdate(parsed.data);
          },
          updateRetry,
          {
            sleep: (ms) => sleep(ms, signal),
            retryable: (error) => isTransient(error) && !signal.aborted,
            onRetry: ({ attempt, error }) => log.warn('update failed transiently; retrying', { updateId, attempt, error: safe(error) }),
          },
        );
        processed++;
      } catch (error) {
        log.error('update failed; skipped', { updateId, attempt: attempts, error: safe(error) });
        skipped++;
      }
      offset = parsed.data.update_id + 1;
    }
  }
  return { processed, skipped };
}

export interface LongPolling {
  /** Settles when polling ended (stop(), or a ConfigError such as an active webhook). */
  readonly done: Promise<PollReport>;
  stop(): Promise<PollReport | undefined>;
}

/** Builds the bot from `env` (table names, endpoints, token) and polls until stop(). */
export function startLongPolling(options: { env: NodeJS.ProcessEnv; config: BotConfig; logger: Logger; pollTimeoutS?: number }): LongPolling {
  const env = parseEnv(botEnvSchema, options.env);
  const log = powertoolsLog(options.logger);
  const { bot } = createBotRuntime(env, options.config, { log });
  const controller = new AbortController();
  const done = pollUpdates({
    api: bot.api,
    handleUpdate: (update) => bot.handleUpdate(update),
    log,
    signal: controller.signal,
    pollTimeoutS: options.pollTimeoutS,
    secrets: [env.TELEGRAM_BOT_TOKEN],
  });
  // Said on the console: `npm start` is interactive.
  console.log('Telegram bot: answering commands by long polling (no public URL needed). Ctrl-C to stop.');
  done.catch((error: unknown) => console.error(`Telegram bot stopped: ${redactSecrets(describeError(error), [env.TELEGRAM_BOT_TOKEN])}`));
  return {
    done,
    async stop() {
      controller.abort();
      return done.catch(() => undefined);
    },
  };
}
