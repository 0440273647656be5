import { asCandlebotError, describeError } from '../errors.js';
import { TelegramApiError } from '../ports/telegram.js';
import { deliverDashboard } from './dashboard.js';
import { notificationFields, PhotoUnavailable, SlotUnavailable, type DeliverDeps, type DeliverOutcome, type DeliveryContext } from './deliver-context.js';
import type { Notification } from '../core/notification.js';
import { backoffMs, failureAction } from './policy.js';
import { inQuietHours } from './quiet-hours.js';
import { sendParts, textPlan, photoPlan, type PartPlan } from './parts.js';
import { TELEGRAM_TEXT_LIMIT } from '../core/format.js';
import { splitHtml } from '../core/html-split.js';

/**
 * Delivers one validated notification: claim → user gate → rate slots → send (resuming after
 * the parts an earlier attempt sent) → sent marker. Never throws: every failure becomes an
 * outcome (retry = SQS batch item failure with a visibility delay, dropped = recorded reason).
 */
export async function deliver(deps: DeliverDeps, n: Notification, receiveCount: number): Promise<DeliverOutcome> {
  const { deliveries, clock, log } = deps;
  const meta = { ...notificationFields(n), receiveCount };
  let claimed = false;
  let rateWaitMs = 0;
  try {
    const claim = await deliveries.claim(n.id, n.chatId, clock.now(), deps.leaseMs);
    if (claim.outcome === 'sent' || claim.outcome === 'dropped') {
      log.info('notification already handled; not sending again', { ...meta, status: claim.outcome });
      return { type: 'duplicate', status: claim.outcome };
    }
    if (claim.outcome === 'busy') {
      const delayMs = Math.max(1000, claim.leaseUntil - clock.now());
      log.info('notification is being sent by another worker; retrying later', { ...meta, delayMs });
      return { type: 'retry', delayMs, reason: 'busy', rateLimited: false };
    }
    claimed = true;

    const profile = await deps.users.get(n.chatId);
    if (profile && !profile.active) {
      const reason = `inactive:${profile.inactiveReason ?? 'unknown'}`;
      await deliveries.markDropped(n.id, reason, clock.now());
      log.info('notification dropped: chat inactive', { ...meta, reason });
      return { type: 'dropped', reason };
    }
    let silent = false;
    if (profile) {
      const q = inQuietHours(profile.settings, clock.now());
      if (q.zoneError) log.warn(q.zoneError, meta);
      silent = q.quiet;
    }
    const ctx: DeliveryContext = {
      deps,
      n,
      options: silent ? { silent: true } : {},
      progress: claim.progress,
      waited: (ms) => {
        rateWaitMs += ms;
      },
    };

    const result = n.kind === 'dashboard' ? await deliverDashboard(ctx, profile) : await deliverMessage(ctx);
    await deliveries.markSent(n.id, clock.now(), { messageIds: result.messageIds });
    log.info('notification sent', { ...meta, parts: result.messageIds.length, textLength: n.text.length, silent, chart: result.withChart, rateWaitMs });
    return { type: 'sent', parts: result.messageIds.length, rateWaitMs, withChart: result.withChart };
  } catch (error) {
    return await onFailure(deps, n, error, receiveCount, claimed, meta);
  }
}

async function deliverMessage(ctx: DeliveryContext): Promise<{ messageIds: readonly number[]; withChart: boolean }> {
  const { n, deps, progress } = ctx;
  if (splitHtml(n.text, TELEGRAM_TEXT_LIMIT).length === 0) {
    throw new TelegramApiError('Bad Request: message text is empty (no visible characters)', { failure: 'bad-request' });
  }
  let plan: PartPlan;
  if (progress?.plan === 'photo') plan = photoPlan(n.text);
  else if (progress?.plan === 'text' || !n.chart || !deps.charts) plan = textPlan(n.text);
  else plan = photoPlan(n.text);
  try {
    return { messageIds: await sendParts(ctx, plan), withChart: plan.kind === 'photo' };
  } catch (error) {
    // Telegram refused the photo itself (e.g. IMAGE_PROCESS_FAILED): a chart failure → text only.
    const nothingSent = (progress?.partsSent ?? 0) === 0;
    if (plan.kind === 'photo' && error instanceof PhotoUnavailable && nothingSent) {
      return { messageIds: await sendParts(ctx, textPlan(n.text)), withChart: false };
    }
    if (plan.kind === 'photo' && nothingSent && error instanceof TelegramApiError && error.failure === 'bad-request' && !error.message.toLowerCase().includes('entities')) {
      deps.log.warn('Telegram refused the chart photo; sending text only', { ...notificationFields(n), code: asCandlebotError(error).code, error: describeError(error) });
      return { messageIds: await sendParts(ctx, textPlan(n.text)), withChart: false };
    }
    throw error;
  }
}

async function onFailure(deps: DeliverDeps, n: Notification, error: unknown, receiveCount: number, claimed: boolean, meta: Record<string, unknown>): Promise<DeliverOutcome> {
  const { deliveries, clock, log } = deps;
  try {
    if (error instanceof SlotUnavailable) {
      if (claimed) await deliveries.release(n.id);
      log.info('no send slot within this invocation; giving the message back', { ...meta, delayMs: error.retryAfterMs });
      return { type: 'retry', delayMs: error.retryAfterMs, reason: 'send-slot-wait', rateLimited: false };
    }
    const action = failureAction(error, receiveCount, deps.backoff, deps.random);
    if (action.type === 'drop') {
      if (action.deactivate) await deps.users.deactivate(n.chatId, action.deactivate, clock.now());
      if (claimed) await deliveries.markDropped(n.id, action.reason, clock.now());
      (action.deactivate ? log.warn : log.error)('notification dropped', { ...meta, code: asCandlebotError(error).code, reason: action.reason });
      return { type: 'dropped', reason: action.reason };
    }
    if (claimed) await deliveries.release(n.id);
    log[action.severity]('notification send failed; will retry', { ...meta, code: asCandlebotError(error).code, reason: action.reason, delayMs: action.delayMs });
    return { type: 'retry', delayMs: action.delayMs, reason: action.reason, rateLimited: action.rateLimited };
  } catch (second) {
    // Recording the failure failed too (DynamoDB down…): retry the message; the lease expires by itself.
    log.error('notification failure could not be recorded; will retry', { ...meta, code: asCandlebotError(second).code, error: describeError(error), recordError: describeError(second) });
    return { type: 'retry', delayMs: backoffMs(receiveCount, deps.backoff, deps.random), reason: `record-failed: ${describeError(second).slice(0, 200)}`, rateLimited: false };
  }
}
