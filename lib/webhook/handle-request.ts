/**
 * One webhook request, independent of AWS: secret → size → JSON → update schema → bot.
 *
 *   wrong or missing X-Telegram-Bot-Api-Secret-Token  401  nothing read, nothing written
 *   body too big (see read-body.ts)                    413  }
 *   body empty, not base64/JSON                        400  } not an update; a retry would
 *   JSON that is not an update we understand            200  } send the same bytes again: logged, dropped
 *   update handled, ignored, rate-limited…             200
 *   transient failure (throttling, Telegram 5xx…)       500  Telegram re-delivers the update later
 *   misconfiguration (bad config file, token refused)   500  retried until an operator fixes it
 *   anything else                                       200  logged as an error (a retry fails the same way)
 */
import { ConfigError, describeError, isTransient } from '../errors.js';
import { TelegramApiError } from '../ports/telegram.js';
import type { Log } from '../ports/log.js';
import type { UpdateOutcome } from '../bot/dispatch.js';
import { redactSecrets } from '../bot/redact.js';
import { updateSchema, type BotUpdate } from '../bot/update-schema.js';
import { readBody } from './read-body.js';
import { headerValue, SECRET_HEADER, secretMatches } from './verify-secret.js';
import { describeIssues } from '../core/zod-issues.js';

export interface WebhookRequest {
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

export interface WebhookResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface WebhookDeps {
  readonly secret: string;
  readonly maxBodyBytes: number;
  /** The bot (built lazily: a request refused before this point never builds it). */
  readonly handleUpdate: (update: BotUpdate) => Promise<UpdateOutcome>;
  readonly log: Log;
  /** Redacted from every log line (bot token, webhook secret). */
  readonly secrets: readonly string[];
}

const isMisconfiguration = (error: unknown): boolean =>
  error instanceof ConfigError || (error instanceof TelegramApiError && error.failure === 'unauthorized');

const respond = (statusCode: number, body: Record<string, unknown>): WebhookResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export async function handleWebhookRequest(request: WebhookRequest, deps: WebhookDeps): Promise<WebhookResponse> {
  const { log } = deps;
  const given = headerValue(request.headers, SECRET_HEADER);
  if (!secretMatches(given, deps.secret)) {
    log.warn('webhook request refused: secret token missing or wrong', { secretPresent: given !== undefined });
    return respond(401, { ok: false, error: 'unauthorized' });
  }
  const body = readBody(request.body, request.isBase64Encoded, deps.maxBodyBytes);
  if (!body.ok) {
    log.warn('webhook request refused', { status: body.status, reason: body.reason });
    return respond(body.status, { ok: false, error: body.reason });
  }
  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    log.warn('webhook request refused: body is not JSON', { bytes: body.text.length });
    return respond(400, { ok: false, error: 'body is not JSON' });
  }
  const parsed = updateSchema.safeParse(json);
  if (!parsed.success) {
    // Paths and messages only: the values are user content.
    const issues = parsed.error.issues.slice(0, 10).map((i) => describeIssues([i]));
    log.warn('webhook update dropped: not a valid update', { issues });
    return respond(200, { ok: true, outcome: 'invalid' });
  }
  try {
    const outcome = await deps.handleUpdate(parsed.data);
    return respond(200, { ok: true, outcome });
  } catch (error) {
    const described = redactSecrets(describeError(error), deps.secrets);
    if (isTransient(error)) {
      log.warn('webhook update failed transiently; Telegram will retry it', { updateId: parsed.data.update_id, error: described });
      return respond(500, { ok: false, error: 'temporary failure, retry later' });
    }
    if (isMisconfiguration(error)) {
      // Bad config file or a token Telegram refuses: every update fails until an operator fixes
      // it, and then the retried ones succeed; dropping them with 200 would lose them all.
      log.error('webhook cannot run: configuration problem; Telegram will retry the update', { updateId: parsed.data.update_id, error: described });
      return respond(500, { ok: false, error: 'bot misconfigured' });
    }
    log.error('webhook update failed', { updateId: parsed.data.update_id, error: described });
    return respond(200, { ok: true, outcome: 'failed' });
  }
}
