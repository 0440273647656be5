import { z } from 'zod';

/** What a notification is about; the notify consumer and the fan-out filter by it. */
export const NOTIFICATION_KINDS = ['signal', 'position-opened', 'position-closed', 'daily-summary', 'dashboard'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/**
 * Data for a candlestick chart attached to a notification (rendered to PNG by the notify
 * consumer, lib/chart). Built by the pure core from the candles the producer already holds,
 * so the consumer needs no exchange. A chart that cannot be rendered degrades to text only.
 */
export const chartSpecSchema = z
  .object({
    title: z.string().min(1).max(200),
    timeframeMs: z.int().positive(),
    /** [open time ms, open, high, low, close], oldest first. */
    candles: z.array(z.tuple([z.int(), finite, finite, finite, finite])).min(2).max(300),
    /** Indicator series aligned with `candles` (null where the indicator is not defined yet). */
    lines: z
      .array(z.object({ name: z.string().min(1).max(40), values: z.array(finite.nullable()) }).strict())
      .max(6)
      .default([]),
    levels: z.object({ entry: finite.optional(), stop: finite.optional(), target: finite.optional(), exit: finite.optional() }).strict().default({}),
    /** Decimals to show on the price axis (the market's precision when known). */
    priceDecimals: z.int().min(0).max(12).optional(),
    // The fields below were added later (issue 17): all optional, so a message enqueued by older
    // code (without them) still parses and renders as before.
    /** Traded volume per candle, aligned with `candles` (bars under the price). */
    volume: z.array(finite.min(0).nullable()).optional(),
    /**
     * Indicator panes under the price (RSI, MACD): each with its series (a line, or a histogram
     * drawn as bars) aligned with `candles`, and horizontal reference levels (e.g. RSI 30 / 70).
     */
    panes: z
      .array(
        z
          .object({
            name: z.string().min(1).max(40),
            series: z
              .array(z.object({ name: z.string().min(1).max(40), kind: z.enum(['line', 'histogram']), values: z.array(finite.nullable()) }).strict())
              .min(1)
              .max(4),
            levels: z.array(finite).max(4).optional(),
          })
          .strict(),
      )
      .max(2)
      .optional(),
    /**
     * Markers on candles: the signal candle, and a position's entry and exit (a close chart
     * draws those as markers, not as lines across the chart). A marker whose candle is not in
     * the window is not drawn.
     */
    markers: z
      .array(z.object({ kind: z.enum(['signal', 'entry', 'exit']), time: z.int(), price: finite, side: z.enum(['long', 'short']).optional() }).strict())
      .max(4)
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const aligned = (values: readonly unknown[], path: (string | number)[]): void => {
      if (values.length !== c.candles.length) {
        ctx.addIssue({ code: 'custom', path, message: `has ${values.length} values for ${c.candles.length} candles` });
      }
    };
    c.lines.forEach((l, i) => aligned(l.values, ['lines', i, 'values']));
    if (c.volume !== undefined) aligned(c.volume, ['volume']);
    c.panes?.forEach((p, i) => p.series.forEach((s, j) => aligned(s.values, ['panes', i, 'series', j, 'values'])));
  });

export type ChartSpec = z.output<typeof chartSpecSchema>;

/**
 * The SQS message body of one Telegram notification. Producers build it with
 * `notificationSchema.parse` and the notify consumer validates with the same schema.
 * `id` is derived from the data (`<signal id>#chat#<chat id>`, for paper positions
 * `<position id>#<opened|closed>#chat#<chat id>`), so a redelivered or re-driven message can be
 * recognised as already sent.
 */
export const notificationSchema = z
  .object({
    v: z.literal(1),
    id: z.string().min(1).max(512),
    kind: z.enum(NOTIFICATION_KINDS),
    chatId: z.int(),
    /** Telegram HTML; longer than 4096 characters is split on line boundaries by the consumer. */
    text: z.string().min(1).max(16_384),
    parseMode: z.enum(['HTML']),
    /** Id of the record that caused the notification: a signal id, or `<position id>#opened|closed`. */
    sourceId: z.string().min(1).max(512),
    createdAt: z.int().positive(),
    /** Optional chart: sent as a photo (caption ≤ 1024, the rest of the text follows). */
    chart: chartSpecSchema.optional(),
  })
  .strict();

export type Notification = z.output<typeof notificationSchema>;
/** What producers pass to `notificationSchema.parse` (defaults not yet applied). */
export type NotificationInput = z.input<typeof notificationSchema>;

export function notificationId(sourceId: string, chatId: number): string {
  return `${sourceId}#chat#${chatId}`;
}
