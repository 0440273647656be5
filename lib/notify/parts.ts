import { captionAndRest, splitHtml } from '../core/html-split.js';
import { TELEGRAM_CAPTION_LIMIT, TELEGRAM_TEXT_LIMIT } from '../core/format.js';
import { PhotoUnavailable, withSlot, type DeliveryContext } from './deliver-context.js';

/** Telegram's limits: message text ≤ 4096 characters, photo caption ≤ 1024. */

/** The Telegram calls of one notification: text parts, or a photo with caption then text parts. */
export type PartPlan =
  | { readonly kind: 'text'; readonly parts: readonly string[] }
  | { readonly kind: 'photo'; readonly caption: string; readonly rest: readonly string[] };

export function textPlan(text: string): PartPlan {
  return { kind: 'text', parts: splitHtml(text, TELEGRAM_TEXT_LIMIT) };
}

export function photoPlan(text: string): PartPlan {
  const { caption, rest } = captionAndRest(text, TELEGRAM_CAPTION_LIMIT, TELEGRAM_TEXT_LIMIT);
  return { kind: 'photo', caption, rest };
}

function partCount(plan: PartPlan): number {
  return plan.kind === 'text' ? plan.parts.length : 1 + plan.rest.length;
}

/**
 * Sends the plan's parts in order, each after its own rate slot, starting after the parts an
 * earlier attempt already sent (same plan) and recording progress after each part but the last
 * (the caller's sent marker covers the last). Returns every part's message id.
 */
export async function sendParts(ctx: DeliveryContext, plan: PartPlan): Promise<number[]> {
  const { deps, n, options } = ctx;
  const resume = ctx.progress?.plan === plan.kind ? ctx.progress : undefined;
  const ids = [...(resume?.messageIds ?? [])];
  const total = partCount(plan);
  for (let i = resume?.partsSent ?? 0; i < total; i++) {
    let messageId: number;
    if (plan.kind === 'photo' && i === 0) {
      messageId = await sendPhotoPart(ctx, plan.caption);
    } else {
      const text = plan.kind === 'text' ? plan.parts[i]! : plan.rest[i - 1]!;
      messageId = (await withSlot(ctx, () => deps.telegram.sendMessage(n.chatId, text, options))).messageId;
    }
    ids.push(messageId);
    if (i + 1 < total) await deps.deliveries.recordProgress(n.id, { plan: plan.kind, partsSent: i + 1, messageIds: ids }, deps.clock.now());
  }
  return ids;
}

/**
 * The chart photo: by file id when this source was uploaded before (this invocation or
 * StateTable), else rendered once and uploaded — exclusively per source, so chats processed in
 * parallel wait for the first upload and reuse its file id.
 */
async function sendPhotoPart(ctx: DeliveryContext, caption: string): Promise<number> {
  const { deps, n, options } = ctx;
  const charts = deps.charts;
  if (!charts || !n.chart) throw new PhotoUnavailable();
  const chart = n.chart;
  const byFileId = async (fileId: string) => {
    return (await withSlot(ctx, () => deps.telegram.sendPhoto(n.chatId, { fileId }, caption, options))).messageId;
  };
  const known = await charts.knownFileId(n.sourceId);
  if (known) return byFileId(known);
  return charts.exclusive(n.sourceId, async () => {
    const uploaded = await charts.knownFileId(n.sourceId);
    if (uploaded) return byFileId(uploaded);
    const png = await charts.png(n.sourceId, chart);
    if (!png) throw new PhotoUnavailable();
    const sent = await withSlot(ctx, () => deps.telegram.sendPhoto(n.chatId, { png, filename: 'chart.png' }, caption, options));
    await charts.remember(n.sourceId, sent.fileId);
    return sent.messageId;
  });
}
