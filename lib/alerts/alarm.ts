/**
 * A CloudWatch alarm state change as CloudWatch publishes it to an SNS topic (the `Message` of
 * the SNS record, a JSON string): AlarmName, AlarmDescription (may be null), NewStateValue,
 * OldStateValue, NewStateReason, StateChangeTime (`2026-12-06T14:05:00.123+0000`), Region (a
 * display name such as "EU (Ireland)", not a region code), AlarmArn (carries the region code) and
 * Trigger (the metric, statistic, period, threshold, comparison, TreatMissingData). Fields AWS
 * adds later are kept (loose objects); only what the message needs is required.
 */
import { z } from 'zod';

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

const dimensionSchema = z.looseObject({ name: z.string(), value: z.string() });

export const alarmTriggerSchema = z.looseObject({
  MetricName: z.string().optional(),
  Namespace: z.string().optional(),
  /** `MAXIMUM`, `SUM`, `SAMPLE_COUNT`… (upper case in the SNS message). */
  Statistic: z.string().nullish(),
  Dimensions: z.array(dimensionSchema).nullish(),
  Period: z.number().positive().optional(),
  EvaluationPeriods: z.number().optional(),
  Threshold: z.number().optional(),
  ComparisonOperator: z.string().optional(),
  /** e.g. `- TreatMissingData: breaching` (CloudWatch's own wording). */
  TreatMissingData: z.string().nullish(),
});

/** Parses StateChangeTime (ISO 8601, offset `+0000`) to epoch ms. */
const stateChangeTime = z.string().transform((text, ctx) => {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: `is not a time (${JSON.stringify(text.slice(0, 40))})` });
    return z.NEVER;
  }
  return ms;
});

export const alarmMessageSchema = z.looseObject({
  AlarmName: z.string().min(1).max(255),
  AlarmDescription: z.string().max(1024).nullish(),
  AlarmArn: z.string().optional(),
  NewStateValue: z.enum(ALARM_STATES),
  OldStateValue: z.enum(ALARM_STATES).optional(),
  NewStateReason: z.string(),
  StateChangeTime: stateChangeTime,
  Region: z.string().optional(),
  Trigger: alarmTriggerSchema.optional(),
});

export type AlarmMessage = z.output<typeof alarmMessageSchema>;
export type AlarmTrigger = z.output<typeof alarmTriggerSchema>;

/**
 * The SNS `Message` string → the alarm: not JSON, or JSON of another shape, is an issue at this
 * path (the handler kit turns it into INVALID_EVENT naming the record).
 */
export const alarmJsonSchema = z.string().transform((text, ctx): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `is not a CloudWatch alarm (not JSON: ${(error as Error).message})` });
    return z.NEVER;
  }
}).pipe(alarmMessageSchema);

/** What NewStateReason says about the data: the values it lists (newest first) or the periods without data. */
export interface ReasonData {
  /** Datapoint values named by the reason, newest first (CloudWatch's order). */
  readonly values: readonly number[];
  /** `no datapoints were received for N periods`: N; undefined when the reason lists values. */
  readonly missingPeriods: number | undefined;
}

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?`;

/**
 * Reads the reason CloudWatch writes, e.g.
 * - `Threshold Crossed: 2 out of the last 3 datapoints [1.0 (06/12/26 14:00:00), 0.8 (06/12/26 13:00:00)] were greater than the threshold (0.5) …`
 * - `Threshold Crossed: 1 datapoint (0.0) was not greater than or equal to the threshold (1.0).`
 * - `Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [Breaching].`
 */
export function parseStateReason(reason: string): ReasonData {
  const missing = /no datapoints? (?:were|was) received for (\d+) periods?/i.exec(reason);
  const list = new RegExp(String.raw`datapoints?\s*\[([^\]]*)\]`, 'i').exec(reason);
  if (list?.[1]) {
    const values = [...list[1].matchAll(new RegExp(String.raw`(?:^|,)\s*(${NUMBER})\s*\(`, 'g'))].map((m) => Number(m[1]));
    if (values.length) return { values, missingPeriods: undefined };
  }
  const single = new RegExp(String.raw`datapoints?\s*\((${NUMBER})\)`, 'i').exec(reason);
  if (single?.[1]) return { values: [Number(single[1])], missingPeriods: undefined };
  return { values: [], missingPeriods: missing?.[1] ? Number(missing[1]) : undefined };
}

/** The region code of the alarm: from AlarmArn (`arn:aws:cloudwatch:<region>:…`), else undefined. */
export function alarmRegion(alarm: AlarmMessage, ...otherArns: (string | undefined)[]): string | undefined {
  for (const arn of [alarm.AlarmArn, ...otherArns]) {
    const region = arn?.split(':')[3];
    if (region && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) return region;
  }
  return undefined;
}

/** The value of the dimension `name` in the trigger, if any. */
export function dimensionValue(trigger: AlarmTrigger | undefined, name: string): string | undefined {
  return trigger?.Dimensions?.find((d) => d.name === name)?.value;
}
