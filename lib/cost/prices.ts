/**
 * The price file (lib/cost/prices.json): every price the cost model uses, with the date it was
 * taken and the public AWS pricing page it comes from. Parsed with zod: a missing price, source
 * or date is refused by name. Pure: the caller reads the file.
 */
import { z } from 'zod';

/** Every price the model reads; the file must hold exactly these (and may hold no others). */
export const PRICE_KEYS = [
  'lambdaRequestPerMillion', 'lambdaGbSecondArm64', 'lambdaGbSecondX86', 'lambdaFreeRequests', 'lambdaFreeGbSeconds',
  'dynamodbWriteRequestPerMillion', 'dynamodbReadRequestPerMillion', 'dynamodbStorageGbMonth', 'dynamodbFreeStorageGb', 'dynamodbPitrGbMonth',
  'sqsRequestPerMillion', 'sqsFreeRequests',
  'cloudwatchMetricMonth', 'cloudwatchFreeMetrics', 'cloudwatchAlarmMetricMonth', 'cloudwatchHighResAlarmMetricMonth', 'cloudwatchFreeAlarmMetrics',
  'cloudwatchDashboardMonth', 'cloudwatchFreeDashboards', 'cloudwatchFreeDashboardMetrics',
  'logsIngestionGb', 'logsStorageGbMonth', 'logsInsightsGbScanned', 'logsFreeGb',
  'secretMonth', 'secretsPer10kCalls', 'httpApiPerMillion', 'httpApiFreeRequests12Months', 'snsPublishPerMillion', 'snsFreeRequests',
  'eventbridgeScheduledRuleEvent',
] as const;
export type PriceKey = (typeof PRICE_KEYS)[number];

const priceItem = z
  .object({
    price: z.number().min(0),
    unit: z.string().min(3),
    source: z.url().refine((u) => u.startsWith('https://aws.amazon.com/'), 'must be a public AWS pricing page (https://aws.amazon.com/…)'),
    confirmed: z.boolean(),
    confirmedBy: z.url().optional(),
    note: z.string().optional(),
  })
  .strict()
  .refine((i) => !i.confirmed || i.confirmedBy !== undefined, { message: 'a confirmed price names the page it was checked against (confirmedBy)' })
  .refine((i) => i.confirmed || (i.note ?? '').length > 0, { message: 'an unconfirmed price says why (note)' });

export const priceFileSchema = z
  .object({
    takenOn: z.iso.date(),
    region: z.string().min(1),
    currency: z.literal('USD'),
    note: z.string().min(1),
    items: z.record(z.string(), priceItem),
  })
  .strict();

/** Missing and unknown price keys of a (not yet validated) file, as `path: message`. */
function keyIssues(raw: unknown): string[] {
  const items = raw && typeof raw === 'object' ? (raw as { items?: unknown }).items : undefined;
  if (!items || typeof items !== 'object') return [];
  const keys = Object.keys(items);
  return [
    ...PRICE_KEYS.filter((k) => !keys.includes(k)).map((k) => `items.${k}: missing`),
    ...keys.filter((k) => !(PRICE_KEYS as readonly string[]).includes(k)).map((k) => `items.${k}: unknown price (not read by the model)`),
  ];
}

export type PriceFile = z.output<typeof priceFileSchema>;
export type Prices = Readonly<Record<PriceKey, number>> & { readonly takenOn: string; readonly region: string; readonly unconfirmed: readonly PriceKey[] };

/** The prices the model reads, from the parsed file; throws with the field's path when the file is invalid. */
export function parsePrices(raw: unknown, file = 'lib/cost/prices.json'): Prices {
  const parsed = priceFileSchema.safeParse(raw);
  const issues = [...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)), ...keyIssues(raw)];
  if (!parsed.success || issues.length > 0) throw new Error(`${file}: ${issues.join('; ')}`);
  const values = Object.fromEntries(PRICE_KEYS.map((k) => [k, parsed.data.items[k]!.price])) as Record<PriceKey, number>;
  const unconfirmed = PRICE_KEYS.filter((k) => !parsed.data.items[k]!.confirmed);
  return Object.freeze({ ...values, takenOn: parsed.data.takenOn, region: parsed.data.region, unconfirmed });
}
