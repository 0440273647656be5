/**
 * What `npm run cost` measures per function (test/bench/cost/measure.ts) and the pure arithmetic on
 * it: quantities per invocation (AWS requests, DynamoDB request units, log bytes, CPU and wall
 * time), reduced from many invocations to a linear cost `base + perUnit × driver` (a scan costs
 * more per recorded signal, a monitor run per open position, a notify batch per message).
 * The JSON form (`--json` output's `measurement`, `--measured <file>`) is checked by the schema.
 */
import { z } from 'zod';

export const QUANTITY_KEYS = ['ddbRequests', 'rru', 'wru', 'sqsRequests', 'telegramCalls', 'logBytes', 'logEvents', 'cpuMs', 'wallMs'] as const;
export type QuantityKey = (typeof QUANTITY_KEYS)[number];
export type Quantities = Readonly<Record<QuantityKey, number>>;

export const FUNCTION_NAMES = ['scan', 'monitor', 'notify', 'webhook', 'summary', 'health', 'alerts', 'reconcile'] as const;
export type CostFunction = (typeof FUNCTION_NAMES)[number];

export const ZERO: Quantities = Object.freeze(Object.fromEntries(QUANTITY_KEYS.map((k) => [k, 0])) as Record<QuantityKey, number>);

export const add = (a: Quantities, b: Quantities): Quantities => Object.fromEntries(QUANTITY_KEYS.map((k) => [k, a[k] + b[k]])) as Quantities;
export const scale = (a: Quantities, f: number): Quantities => Object.fromEntries(QUANTITY_KEYS.map((k) => [k, a[k] * f])) as Quantities;
const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);

/** One measured invocation: its quantities, the driver value (signals, open positions, messages…), its group (scan: timeframe). */
export interface Sample {
  readonly q: Quantities;
  readonly x: number;
  readonly group: string;
  readonly cold: boolean;
}

export interface FunctionMeasurement {
  /** What perUnit is per: `signal`, `open position`, `message`, `command`, `request`, `alarm`, `run`. */
  readonly driver: string;
  /** Per warm invocation at driver 0, by group (scan: one per timeframe; others: `all`). */
  readonly base: Readonly<Record<string, Quantities>>;
  readonly perUnit: Quantities;
  /** When the cost per unit differs by group (monitor: runs right after a candle close write, the others mostly read). */
  readonly perUnitByGroup?: Readonly<Record<string, Quantities>>;
  /** A cold invocation's extra over a warm one (runtime build, first markets load…); the module import is an assumption (initMs). */
  readonly coldExtra: Quantities;
  readonly warmSamples: number;
  readonly coldSamples: number;
  /** Mean driver value of the warm samples (what the fit saw). */
  readonly meanX: number;
}

/**
 * Least squares with one intercept per group and one slope shared by all groups (the slope
 * from the within-group variation of x), per quantity; a negative slope (noise) is taken as 0
 * and the intercepts become the group means. Cold samples are not fitted: their mean excess
 * over the fitted warm value is `coldExtra` (never below 0).
 */
export function fitSamples(driver: string, samples: readonly Sample[], options: { readonly slopeByGroup?: boolean } = {}): FunctionMeasurement {
  const warm = samples.filter((s) => !s.cold);
  const cold = samples.filter((s) => s.cold);
  const fitOn = warm.length > 0 ? warm : cold;
  const groups = [...new Set(fitOn.map((s) => s.group))];
  const byGroup = new Map(groups.map((g) => [g, fitOn.filter((s) => s.group === g)]));
  const xBar = new Map(groups.map((g) => [g, mean(byGroup.get(g)!.map((s) => s.x))]));
  const base: Record<string, Record<QuantityKey, number>> = Object.fromEntries(groups.map((g) => [g, { ...ZERO }]));
  const slopes: Record<string, Record<QuantityKey, number>> = Object.fromEntries(groups.map((g) => [g, { ...ZERO }]));
  const perUnit: Record<QuantityKey, number> = { ...ZERO };
  /** Σ dx·dy and Σ dx² of the samples of `of` around their group means. */
  const moments = (of: readonly string[], k: QuantityKey): number => {
    let sxy = 0;
    let sxx = 0;
    for (const g of of) {
      const yBar = mean(byGroup.get(g)!.map((t) => t.q[k]));
      for (const s of byGroup.get(g)!) {
        const dx = s.x - xBar.get(g)!;
        sxy += dx * (s.q[k] - yBar);
        sxx += dx * dx;
      }
    }
    return sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  };
  for (const k of QUANTITY_KEYS) {
    const shared = moments(groups, k);
    perUnit[k] = shared;
    for (const g of groups) {
      const slope = options.slopeByGroup ? moments([g], k) : shared;
      slopes[g]![k] = slope;
      base[g]![k] = Math.max(0, mean(byGroup.get(g)!.map((s) => s.q[k])) - slope * xBar.get(g)!);
    }
  }
  const predicted = (s: Sample): Quantities => add(base[s.group] ?? meanBase(base), scale(slopes[s.group] ?? perUnit, s.x));
  const coldExtra = Object.fromEntries(
    QUANTITY_KEYS.map((k) => [k, warm.length === 0 ? 0 : Math.max(0, mean(cold.map((s) => s.q[k] - predicted(s)[k])))]),
  ) as Quantities;
  return {
    driver,
    base,
    perUnit,
    ...(options.slopeByGroup ? { perUnitByGroup: slopes } : {}),
    coldExtra,
    warmSamples: warm.length,
    coldSamples: cold.length,
    meanX: mean(fitOn.map((s) => s.x)),
  };
}

/** The mean of the group intercepts (a group not measured: the average group). */
export function meanBase(base: Readonly<Record<string, Quantities>>): Quantities {
  const all = Object.values(base);
  return all.length ? scale(all.reduce(add, ZERO), 1 / all.length) : ZERO;
}

const quantitiesSchema = z.object(Object.fromEntries(QUANTITY_KEYS.map((k) => [k, z.number().min(0)])) as Record<QuantityKey, z.ZodNumber>).strict();

export const functionMeasurementSchema = z
  .object({
    driver: z.string().min(1),
    base: z.record(z.string(), quantitiesSchema),
    perUnit: quantitiesSchema,
    perUnitByGroup: z.record(z.string(), quantitiesSchema).optional(),
    coldExtra: quantitiesSchema,
    warmSamples: z.number().int().min(0),
    coldSamples: z.number().int().min(0),
    meanX: z.number().min(0),
  })
  .strict();

export const measurementSchema = z
  .object({
    version: z.literal(1),
    measuredAt: z.iso.datetime(),
    commit: z.string().min(1),
    node: z.string().min(1),
    cpu: z.string().min(1),
    /** Subscribers registered while measuring (the scan's fan-out, the summary's recipients). */
    subscribers: z.number().int().min(0),
    /** Latency added to every exchange and Telegram request while measuring. */
    latencyMs: z.number().min(0),
    functions: z.partialRecord(z.enum(FUNCTION_NAMES), functionMeasurementSchema),
    /** DynamoDB bytes stored per recorded signal (signal and position rows), per delivered message, per subscriber (item sizes + 100 bytes each). */
    storage: z.object({ bytesPerSignal: z.number().min(0), bytesPerMessage: z.number().min(0), bytesPerSubscriber: z.number().min(0) }).strict(),
    /** What the measurement could not do (e.g. a function whose handler failed), in words. */
    notes: z.array(z.string()),
  })
  .strict();

export type Measurement = z.output<typeof measurementSchema>;
